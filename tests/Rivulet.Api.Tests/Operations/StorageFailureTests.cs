using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Rivulet.Api.Dispatch;
using Rivulet.Storage;
using Rivulet.Storage.Memory;

namespace Rivulet.Api.Tests.Operations;

/// <summary>When the store cannot make records durable, the writes fail loudly and nothing else does.</summary>
public sealed class StorageFailureTests
{
    private readonly FailingStore _store = new();
    private readonly KinesisService _service;

    public StorageFailureTests() => _service = new KinesisService(_store, new KinesisOptions { TokenKey = new byte[32] });

    [Fact]
    public async Task A_failed_PutRecord_is_a_500_InternalFailure()
    {
        await CallAsync("CreateStream", new { StreamName = "s", ShardCount = 1 });
        _store.FailingShards.Add(0);

        var (status, body) = await CallAsync("PutRecord", new { StreamName = "s", PartitionKey = "k", Data = "AA==" });

        Assert.Equal(500, status);
        Assert.Equal("InternalFailureException", body!["__type"]!.GetValue<string>());
        Assert.Equal("Internal Service Failure", body["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task PutRecords_fails_only_the_entries_of_the_failing_shard()
    {
        await CallAsync("CreateStream", new { StreamName = "s", ShardCount = 2 });
        _store.FailingShards.Add(1);

        var (status, body) = await CallAsync("PutRecords", new
        {
            StreamName = "s",
            Records = new[]
            {
                new { PartitionKey = "a", Data = "AA==", ExplicitHashKey = "0" },
                new { PartitionKey = "b", Data = "AA==", ExplicitHashKey = "340282366920938463463374607431768211455" },
            },
        });

        Assert.Equal(200, status);
        Assert.Equal(1, body!["FailedRecordCount"]!.GetValue<int>());
        Assert.NotNull(body["Records"]![0]!["SequenceNumber"]);
        Assert.Equal("InternalFailure", body["Records"]![1]!["ErrorCode"]!.GetValue<string>());
        Assert.Equal("Internal Service Failure", body["Records"]![1]!["ErrorMessage"]!.GetValue<string>());
    }

    [Fact]
    public async Task PutRecords_that_stores_nothing_is_a_500()
    {
        await CallAsync("CreateStream", new { StreamName = "s", ShardCount = 1 });
        _store.FailingShards.Add(0);

        var (status, _) = await CallAsync("PutRecords", new { StreamName = "s", Records = new[] { new { PartitionKey = "a", Data = "AA==" } } });

        Assert.Equal(500, status);
    }

    [Fact]
    public async Task A_subscription_whose_reads_fail_ends_with_an_InternalFailureException_event()
    {
        await CallAsync("CreateStream", new { StreamName = "s", ShardCount = 1 });
        await CallAsync("RegisterStreamConsumer", new { StreamARN = "arn:aws:kinesis:us-east-1:000000000000:stream/s", ConsumerName = "c" });
        var described = (await CallAsync("DescribeStreamConsumer", new { StreamARN = "arn:aws:kinesis:us-east-1:000000000000:stream/s", ConsumerName = "c" })).Body!;
        _store.FailingShards.Add(0);
        _store.FailReads = true;
        var errors = new List<string>();
        _service.OnUnexpectedError = (what, _) => errors.Add(what);

        using var response = await _service.HandleAsync(ApiHarness.Request("SubscribeToShard", JsonSerializer.SerializeToUtf8Bytes(new { ConsumerARN = described["ConsumerDescription"]!["ConsumerARN"]!.GetValue<string>(), ShardId = "shardId-000000000000", StartingPosition = new { Type = "TRIM_HORIZON" } })), default);
        var sink = new CollectingSink();
        await response.EventStream!.RunAsync(sink, default);

        Assert.Equal(2, sink.Messages.Count);
        Assert.Contains("initial-response", Encoding.UTF8.GetString(sink.Messages[0]), StringComparison.Ordinal);
        var last = Encoding.UTF8.GetString(sink.Messages[1]);
        Assert.Contains(":exception-type\u0007\u0000\u0018InternalFailureException", last, StringComparison.Ordinal);
        Assert.Contains("{\"message\":\"Internal Service Failure\"}", last, StringComparison.Ordinal);
        Assert.Single(errors);
    }

    private async Task<(int Status, JsonObject? Body)> CallAsync(string operation, object body)
    {
        using var response = await _service.HandleAsync(ApiHarness.Request(operation, JsonSerializer.SerializeToUtf8Bytes(body)), default);
        var text = Encoding.UTF8.GetString(response.BodyBytes.Span);
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text)!.AsObject());
    }

    private sealed class FailingStore : IStreamStore
    {
        private readonly MemoryStreamStore _inner = new();

        public HashSet<int> FailingShards { get; } = [];

        /// <summary>Whether the failing shards' reads fail too, as a disk that answers EIO.</summary>
        public bool FailReads { get; set; }

        public ValueTask<StreamStoreOutcome> CreateStreamAsync(StreamMetadata stream, CancellationToken cancellationToken) => _inner.CreateStreamAsync(stream, cancellationToken);

        public ValueTask<StreamMetadata?> GetStreamAsync(StreamKey key, CancellationToken cancellationToken) => _inner.GetStreamAsync(key, cancellationToken);

        public ValueTask<IReadOnlyList<StreamMetadata>> ListStreamsAsync(AccountKey? account, CancellationToken cancellationToken) => _inner.ListStreamsAsync(account, cancellationToken);

        public ValueTask<StreamStoreOutcome> UpdateStreamAsync(StreamMetadata updated, long expectedVersion, CancellationToken cancellationToken) => _inner.UpdateStreamAsync(updated, expectedVersion, cancellationToken);

        public ValueTask<AccountMetadata?> GetAccountAsync(AccountKey account, CancellationToken cancellationToken) => _inner.GetAccountAsync(account, cancellationToken);

        public ValueTask<StreamStoreOutcome> UpdateAccountAsync(AccountMetadata updated, long expectedVersion, CancellationToken cancellationToken) => _inner.UpdateAccountAsync(updated, expectedVersion, cancellationToken);

        public ValueTask<StreamStoreOutcome> DeleteStreamAsync(StreamKey key, long createdAtMs, CancellationToken cancellationToken) => _inner.DeleteStreamAsync(key, createdAtMs, cancellationToken);

        public IShardLog GetShardLog(StreamKey key, long streamCreatedAtMs, int shardIndex) =>
            FailingShards.Contains(shardIndex) ? new FailingLog(_inner.GetShardLog(key, streamCreatedAtMs, shardIndex), FailReads) : _inner.GetShardLog(key, streamCreatedAtMs, shardIndex);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private sealed class CollectingSink : IEventSink
    {
        public List<byte[]> Messages { get; } = [];

        public ValueTask SendAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
        {
            Messages.Add(message.ToArray());
            return ValueTask.CompletedTask;
        }
    }

    private sealed class FailingLog(IShardLog inner, bool failReads) : IShardLog
    {
        public ShardTail Tail => inner.Tail;

        public ValueTask<AppendResult> AppendAsync(ReadOnlyMemory<PendingRecord> records, CancellationToken cancellationToken) =>
            ValueTask.FromResult(AppendResult.Failed("No space left on device"));

        public ValueTask<ReadResult> ReadAsync(ReadRequest request, CancellationToken cancellationToken) =>
            failReads ? throw new IOException("Input/output error") : inner.ReadAsync(request, cancellationToken);

        public ValueTask<long> FindPositionByTimeAsync(long timestampMs, CancellationToken cancellationToken) => inner.FindPositionByTimeAsync(timestampMs, cancellationToken);

        public ValueTask<bool> WaitAsync(long position, CancellationToken cancellationToken) => inner.WaitAsync(position, cancellationToken);

        public ValueTask<long> TrimAsync(long arrivalBeforeMs, CancellationToken cancellationToken) => inner.TrimAsync(arrivalBeforeMs, cancellationToken);

        public ValueTask<ShardTail> SealAsync(CancellationToken cancellationToken) => inner.SealAsync(cancellationToken);
    }
}
