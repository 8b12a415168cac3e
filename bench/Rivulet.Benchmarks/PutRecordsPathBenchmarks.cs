using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Rivulet.Api;
using Rivulet.Api.Dispatch;
using Rivulet.Api.Records;
using Rivulet.Protocol.AwsJson;
using Rivulet.Protocol.Model;
using Rivulet.Protocol.Validation;

namespace Rivulet.Benchmarks;

/// <summary>
/// The PutRecords request path without sockets: 500 entries of 100 B, as the load generator sends
/// them. Divide by 500 for the cost per record. The log discards records so that the numbers do
/// not depend on how much a run has stored.
/// </summary>
[MemoryDiagnoser]
public class PutRecordsPathBenchmarks
{
    private const int Entries = 500;

    private KinesisService _service = null!;
    private byte[] _body = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _service = new KinesisService(new DiscardingStreamStore(), new KinesisOptions { TokenKey = new byte[32] });
        using var created = await _service.HandleAsync(BenchRequests.Request("CreateStream", """{"StreamName":"bench","ShardCount":4}"""u8.ToArray()), default);
        _body = BenchRequests.PutRecordsBody(Entries);
    }

    [Benchmark(Description = "whole request: parse, validate, hash, append, respond")]
    public async Task<int> WholeRequest()
    {
        using var response = await _service.HandleAsync(BenchRequests.Request("PutRecords", _body), default);
        return response.StatusCode;
    }

    [Benchmark(Description = "parse and validate only")]
    public int ParseAndValidate()
    {
        var input = AwsJsonCodec.Read<PutRecordsInput>(_body);
        var errors = new ValidationErrors();
        input.Validate(errors, "");
        return input.Records!.Count + errors.Count;
    }

    [Benchmark(Description = "500 partition-key hashes")]
    public UInt128 HashKeys()
    {
        UInt128 sum = 0;
        for (var i = 0; i < Entries; i++)
        {
            sum ^= PartitionKeyHash.Of("pk-0123abcd-" + i);
        }

        return sum;
    }

    [Benchmark(Description = "500 sequence numbers formatted")]
    public int FormatSequenceNumbers()
    {
        var length = 0;
        for (var i = 0; i < Entries; i++)
        {
            length += new SequenceNumber(1_763_700_000, 3, 1_000_000 + i, 1_763_700_100).ToString().Length;
        }

        return length;
    }
}
