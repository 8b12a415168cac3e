using System.Buffers;
using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Rivulet.LoadGen;

internal sealed class EndpointException(string message) : Exception(message);

// The few non-hot calls: stream lifecycle, shard listing and the reads of the verifier. Bodies are built with
// Utf8JsonWriter and answers parsed with JsonDocument — clarity over speed here.
internal sealed class ControlPlane
{
    private readonly KinesisConnection _connection;
    private readonly string _streamName;

    public ControlPlane(KinesisConnection connection, string streamName)
    {
        _connection = connection;
        _streamName = streamName;
    }

    public async Task CreateStreamAsync(int shardCount, CancellationToken cancellationToken) =>
        (await CallAsync("CreateStream", w => w.WriteNumber("ShardCount", shardCount), cancellationToken).ConfigureAwait(false)).Dispose();

    // CreateStream returns at once with the stream CREATING; poll (bounded) until it is ACTIVE.
    public async Task WaitUntilActiveAsync(double activeTimeoutSeconds, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            using var summary = await CallAsync("DescribeStreamSummary", null, cancellationToken).ConfigureAwait(false);
            var status = summary.RootElement.GetProperty("StreamDescriptionSummary").GetProperty("StreamStatus").GetString();
            if (status == "ACTIVE")
                return;
            if (Stopwatch.GetElapsedTime(started).TotalSeconds > activeTimeoutSeconds)
                throw new EndpointException($"stream {_streamName} still {status} after {activeTimeoutSeconds} s");
            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task DeleteStreamAsync(CancellationToken cancellationToken) =>
        (await CallAsync("DeleteStream", null, cancellationToken).ConfigureAwait(false)).Dispose();

    public async Task<List<string>> ListShardIdsAsync(CancellationToken cancellationToken)
    {
        var shardIds = new List<string>();
        string? nextToken = null;
        // Bounded: 1000 pages of up to 1000 shards is far beyond any stream this tool creates.
        for (var page = 0; page < 1000; page++)
        {
            var token = nextToken;
            using var answer = await CallAsync("ListShards", w =>
            {
                if (token is not null)
                    w.WriteString("NextToken", token);
            }, cancellationToken, includeStreamName: token is null).ConfigureAwait(false);
            foreach (var shard in answer.RootElement.GetProperty("Shards").EnumerateArray())
                shardIds.Add(shard.GetProperty("ShardId").GetString()!);
            nextToken = answer.RootElement.TryGetProperty("NextToken", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
            if (nextToken is null)
                return shardIds;
        }

        throw new EndpointException("ListShards did not finish paging");
    }

    public async Task<string> GetTrimHorizonIteratorAsync(string shardId, CancellationToken cancellationToken)
    {
        using var answer = await CallAsync("GetShardIterator", w =>
        {
            w.WriteString("ShardId", shardId);
            w.WriteString("ShardIteratorType", "TRIM_HORIZON");
        }, cancellationToken).ConfigureAwait(false);
        return answer.RootElement.GetProperty("ShardIterator").GetString()
            ?? throw new EndpointException($"GetShardIterator returned no iterator for {shardId}");
    }

    // GetRecords is big and parsed by the verifier itself, so the raw answer is returned (valid until the next call).
    public async Task<KinesisResponse> GetRecordsAsync(string shardIterator, int limit, CancellationToken cancellationToken)
    {
        var body = Body(w =>
        {
            w.WriteString("ShardIterator", shardIterator);
            w.WriteNumber("Limit", limit);
        }, includeStreamName: false);
        return await _connection.SendAsync(KinesisConnection.TargetPrefix + "GetRecords", body, cancellationToken).ConfigureAwait(false);
    }

    private async Task<JsonDocument> CallAsync(string operation, Action<Utf8JsonWriter>? members, CancellationToken cancellationToken, bool includeStreamName = true)
    {
        var response = await _connection.SendAsync(KinesisConnection.TargetPrefix + operation, Body(members, includeStreamName), cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccess)
            throw new EndpointException($"{operation} failed: HTTP {response.StatusCode} {Encoding.UTF8.GetString(response.Body.Span)}");
        // Operations without an output shape answer with an empty body (kinesis-wire.md §1.1). The body is copied
        // because the connection reuses its buffer on the next call.
        return JsonDocument.Parse(response.Body.Length == 0 ? "{}"u8.ToArray() : response.Body.ToArray());
    }

    private ReadOnlyMemory<byte> Body(Action<Utf8JsonWriter>? members, bool includeStreamName)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            if (includeStreamName)
                writer.WriteString("StreamName", _streamName);
            members?.Invoke(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenMemory;
    }
}
