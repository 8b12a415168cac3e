using System.Text;
using System.Text.Json;
using Rivulet.Api.Dispatch;

namespace Rivulet.Benchmarks;

/// <summary>The requests the request-path benchmarks send, built as the load generator builds them.</summary>
internal static class BenchRequests
{
    public static ApiRequest Request(string operation, byte[] body) => new()
    {
        Method = "POST",
        Target = "Kinesis_20131202." + operation,
        ContentType = "application/x-amz-json-1.1",
        Body = body,
        Authorization = "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20251121/us-east-1/kinesis/aws4_request, SignedHeaders=host, Signature=00",
        HasDateHeader = true,
    };

    /// <summary>A PutRecords body for stream "bench": <paramref name="entries"/> records of 100 random bytes, each with its own key.</summary>
    public static byte[] PutRecordsBody(int entries)
    {
        var random = new Random(42);
        var records = Enumerable.Range(0, entries).Select(i =>
        {
            var data = new byte[100];
            random.NextBytes(data);
            return new { Data = Convert.ToBase64String(data), PartitionKey = $"pk-{random.Next():x8}-{i}" };
        });
        return Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { StreamName = "bench", Records = records }));
    }
}
