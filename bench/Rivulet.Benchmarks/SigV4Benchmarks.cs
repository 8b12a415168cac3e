using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using Rivulet.Protocol.Auth;
using Rivulet.Protocol.AwsJson;
using Rivulet.Protocol.Model;

namespace Rivulet.Benchmarks;

/// <summary>
/// What <c>--auth verify</c> adds to a request: verifying the signature of a 500-entry PutRecords
/// (JSON, the body hashed whole) and of a single PutRecord, beside parsing the same body, which
/// every request pays anyway. Parsing is the baseline, so the ratio column is verification's cost
/// relative to it.
/// </summary>
[MemoryDiagnoser]
public class SigV4Benchmarks
{
    private const string Secret = "bench-secret";
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    private readonly SigV4Verifier _verifier = new([new SigV4Credential("AKIABENCHEXAMPLE0001", Secret)]);
    private byte[] _body = null!;
    private Dictionary<string, string[]> _headers = null!;

    [Params(1, 500)]
    public int Entries { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        var records = Enumerable.Range(0, Entries).Select(i =>
        {
            var data = new byte[1024];
            random.NextBytes(data);
            return $$"""{"Data":"{{Convert.ToBase64String(data)}}","PartitionKey":"pk-{{i}}"}""";
        });
        _body = Encoding.UTF8.GetBytes($$"""{"StreamName":"bench","Records":[{{string.Join(',', records)}}]}""");
        var amzDate = Now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var canonical = $"POST\n/\n\ncontent-type:application/x-amz-json-1.1\nhost:127.0.0.1:4567\nx-amz-date:{amzDate}\nx-amz-target:Kinesis_20131202.PutRecords\n\ncontent-type;host;x-amz-date;x-amz-target\n{Convert.ToHexStringLower(SHA256.HashData(_body))}";
        var stringToSign = $"AWS4-HMAC-SHA256\n{amzDate}\n{amzDate[..8]}/us-east-1/kinesis/aws4_request\n{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))}";
        var key = Encoding.UTF8.GetBytes("AWS4" + Secret);
        foreach (var part in new[] { amzDate[..8], "us-east-1", "kinesis", "aws4_request" })
        {
            key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(part));
        }

        var signature = Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));
        _headers = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase)
        {
            ["authorization"] = [$"AWS4-HMAC-SHA256 Credential=AKIABENCHEXAMPLE0001/{amzDate[..8]}/us-east-1/kinesis/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature={signature}"],
            ["content-type"] = ["application/x-amz-json-1.1"],
            ["host"] = ["127.0.0.1:4567"],
            ["x-amz-date"] = [amzDate],
            ["x-amz-target"] = ["Kinesis_20131202.PutRecords"],
        };
        if (!Verify())
        {
            throw new InvalidOperationException("the benchmark's signature does not verify");
        }
    }

    [Benchmark(Baseline = true, Description = "parse the body")]
    public int Parse() => AwsJsonCodec.Read<PutRecordsInput>(_body).Records!.Count;

    [Benchmark(Description = "verify the signature")]
    public bool Verify() => _verifier.Verify(
        new SignedRequest { Method = "POST", RawTarget = "/", Headers = name => _headers.TryGetValue(name, out var values) ? values : null, Body = _body },
        Now).Passed;
}
