using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Rivulet.Api.Dispatch;
using Rivulet.Storage;
using Rivulet.Storage.Memory;

namespace Rivulet.Api.Tests;

/// <summary>A <see cref="KinesisService"/> over a store (in memory unless the test makes one from the clock) and a clock the test moves, driven with JSON bodies.</summary>
internal sealed class ApiHarness
{
    public const string Account = "000000000000";
    public const string Region = "us-east-1";
    public static readonly AccountKey AccountKey = new(Account, Region);
    public const string Authorization = "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20251121/us-east-1/kinesis/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    public ApiHarness(KinesisOptions? options = null, Func<TimeProvider, IStreamStore>? store = null, Rivulet.Api.Throughput.IThroughputGate? throughput = null)
    {
        Clock = new TestClock(DateTimeOffset.FromUnixTimeMilliseconds(1_763_700_000_000));
        Store = store?.Invoke(Clock) ?? new MemoryStreamStore(Clock);
        Service = new KinesisService(Store, options ?? new KinesisOptions { TokenKey = new byte[32] }, Clock, throughput);
    }

    public IStreamStore Store { get; }

    public TestClock Clock { get; }

    public KinesisService Service { get; }

    public async Task<Reply> CallAsync(string operation, object body, string? authorization = Authorization) =>
        await SendAsync(operation, JsonSerializer.Serialize(body), authorization);

    public const string Json = "application/x-amz-json-1.1";

    /// <summary>A request as an SDK sends it: signed (by default), dated, the operation in X-Amz-Target.</summary>
    public static ApiRequest Request(string? operation, ReadOnlyMemory<byte> body, string contentType = Json, string? authorization = Authorization, string method = "POST") => new()
    {
        Method = method,
        Target = operation is null ? null : "Kinesis_20131202." + operation,
        ContentType = contentType,
        Body = body,
        Authorization = authorization,
        HasDateHeader = true,
    };

    public async Task<Reply> SendAsync(string? operation, string body, string? authorization = Authorization, string contentType = Json, string method = "POST")
    {
        using var response = await Service.HandleAsync(Request(operation, Encoding.UTF8.GetBytes(body), contentType, authorization, method), default);
        var text = Encoding.UTF8.GetString(response.BodyBytes.Span);
        return new Reply(response.StatusCode, response.ContentType, text);
    }

    /// <summary>Calls and expects success; returns the JSON output (empty object for operations without one).</summary>
    public async Task<JsonObject> OkAsync(string operation, object body)
    {
        var reply = await CallAsync(operation, body);
        Assert.True(reply.Status == 200, $"{operation} failed: {reply.Status} {reply.Body}");
        return reply.Body.Length == 0 ? [] : JsonNode.Parse(reply.Body)!.AsObject();
    }

    public async Task<Reply> ErrorAsync(string operation, object body, string expectedType)
    {
        var reply = await CallAsync(operation, body);
        Assert.True(reply.Type == expectedType, $"{operation}: expected {expectedType}, got {reply.Status} {reply.Body}");
        return reply;
    }

    public Task CreateStreamAsync(string name, int shards = 1) => OkAsync("CreateStream", new { StreamName = name, ShardCount = shards });

    public sealed record Reply(int Status, string? ContentType, string Body)
    {
        public JsonObject? Json => Body.StartsWith('{') ? JsonNode.Parse(Body)!.AsObject() : null;

        public string? Type => Json?["__type"]?.GetValue<string>();

        public string? Message => (Json?["message"] ?? Json?["Message"])?.GetValue<string>();
    }
}

internal sealed class TestClock : TimeProvider
{
    private long _nowMs;

    public TestClock(DateTimeOffset start) => _nowMs = start.ToUnixTimeMilliseconds();

    public long NowMs => Interlocked.Read(ref _nowMs);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _nowMs, (long)by.TotalMilliseconds);

    public override DateTimeOffset GetUtcNow() => DateTimeOffset.FromUnixTimeMilliseconds(NowMs);
}
