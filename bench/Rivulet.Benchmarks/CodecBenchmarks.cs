using System.Buffers;
using System.Formats.Cbor;
using BenchmarkDotNet.Attributes;
using Rivulet.Protocol.AwsCbor;
using Rivulet.Protocol.AwsJson;
using Rivulet.Protocol.Model;

namespace Rivulet.Benchmarks;

/// <summary>
/// The same 500-entry PutRecords request parsed from JSON (blobs as base64) and from CBOR (blobs
/// raw), and the same 500-record GetRecords answer written both ways. JSON is the baseline, so
/// the ratio column is CBOR's cost relative to it; divide the times by 500 for one record.
/// </summary>
[MemoryDiagnoser]
public class CodecBenchmarks
{
    private const int Entries = 500;

    private byte[] _json = null!;
    private byte[] _cbor = null!;
    private GetRecordsOutput _records = null!;
    private ArrayBufferWriter<byte> _output = null!;

    [Params(100, 1024)]
    public int RecordBytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        var input = new PutRecordsInput
        {
            StreamName = "bench",
            Records = [.. Enumerable.Range(0, Entries).Select(i =>
            {
                var data = new byte[RecordBytes];
                random.NextBytes(data);
                return new PutRecordsRequestEntry { Data = data, PartitionKey = $"pk-{random.Next():x8}-{i}" };
            })],
        };
        _json = Encode(input, json: true);
        _cbor = Encode(input, json: false);
        _records = new GetRecordsOutput
        {
            Records = [.. input.Records.Select((entry, i) => new Record
            {
                Data = entry.Data,
                PartitionKey = entry.PartitionKey,
                SequenceNumber = $"4959033827149025660855969253836157109592157598913658{i:D4}",
                ApproximateArrivalTimestamp = DateTimeOffset.FromUnixTimeMilliseconds(1_763_700_000_000 + i),
            })],
            NextShardIterator = new string('A', 200),
            MillisBehindLatest = 0,
        };
        _output = new ArrayBufferWriter<byte>(4 * 1024 * 1024);
    }

    [Benchmark(Baseline = true, Description = "parse PutRecords, JSON")]
    [BenchmarkCategory("parse")]
    public int ParseJson() => AwsJsonCodec.Read<PutRecordsInput>(_json).Records!.Count;

    [Benchmark(Description = "parse PutRecords, CBOR")]
    [BenchmarkCategory("parse")]
    public int ParseCbor() => AwsCborCodec.Read<PutRecordsInput>(_cbor).Records!.Count;

    /// <summary>
    /// System.Formats.Cbor stepping over the same body without reading anything out of it: the least
    /// any reader built on that package can spend, beside which the generated reader's cost shows.
    /// </summary>
    [Benchmark(Description = "skip PutRecords, CBOR (floor)")]
    [BenchmarkCategory("parse")]
    public int SkipCbor()
    {
        var reader = new CborReader(_cbor, CborConformanceMode.Lax);
        reader.SkipValue();
        return reader.BytesRemaining;
    }

    [Benchmark(Description = "write GetRecords, JSON")]
    [BenchmarkCategory("write")]
    public int WriteJson()
    {
        _output.ResetWrittenCount();
        AwsJsonCodec.Write(_output, _records);
        return _output.WrittenCount;
    }

    [Benchmark(Description = "write GetRecords, CBOR")]
    [BenchmarkCategory("write")]
    public int WriteCbor()
    {
        _output.ResetWrittenCount();
        AwsCborCodec.Write(_output, _records);
        return _output.WrittenCount;
    }

    private static byte[] Encode(PutRecordsInput input, bool json)
    {
        var output = new ArrayBufferWriter<byte>();
        if (json)
        {
            AwsJsonCodec.Write(output, input);
        }
        else
        {
            AwsCborCodec.Write(output, input);
        }

        return output.WrittenSpan.ToArray();
    }
}
