using Rivulet.Storage;
using Rivulet.Storage.Memory;

namespace Rivulet.Benchmarks;

/// <summary>Real stream metadata, but shard logs that only count: the request path's cost without storage's.</summary>
internal sealed class DiscardingStreamStore : IStreamStore
{
    private readonly MemoryStreamStore _metadata = new();
    private readonly DiscardingLog _log = new();

    public ValueTask<StreamStoreOutcome> CreateStreamAsync(StreamMetadata stream, CancellationToken cancellationToken) => _metadata.CreateStreamAsync(stream, cancellationToken);

    public ValueTask<StreamMetadata?> GetStreamAsync(StreamKey key, CancellationToken cancellationToken) => _metadata.GetStreamAsync(key, cancellationToken);

    public ValueTask<IReadOnlyList<StreamMetadata>> ListStreamsAsync(AccountKey? account, CancellationToken cancellationToken) => _metadata.ListStreamsAsync(account, cancellationToken);

    public ValueTask<StreamStoreOutcome> UpdateStreamAsync(StreamMetadata updated, long expectedVersion, CancellationToken cancellationToken) => _metadata.UpdateStreamAsync(updated, expectedVersion, cancellationToken);

    public ValueTask<AccountMetadata?> GetAccountAsync(AccountKey account, CancellationToken cancellationToken) => _metadata.GetAccountAsync(account, cancellationToken);

    public ValueTask<StreamStoreOutcome> UpdateAccountAsync(AccountMetadata updated, long expectedVersion, CancellationToken cancellationToken) => _metadata.UpdateAccountAsync(updated, expectedVersion, cancellationToken);

    public ValueTask<StreamStoreOutcome> DeleteStreamAsync(StreamKey key, long createdAtMs, CancellationToken cancellationToken) => _metadata.DeleteStreamAsync(key, createdAtMs, cancellationToken);

    public IShardLog GetShardLog(StreamKey key, long streamCreatedAtMs, int shardIndex) => _log;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private sealed class DiscardingLog : IShardLog
    {
        private long _next;

        public ShardTail Tail => new(Interlocked.Read(ref _next), 0);

        public ValueTask<AppendResult> AppendAsync(ReadOnlyMemory<PendingRecord> records, CancellationToken cancellationToken) =>
            ValueTask.FromResult(new AppendResult(AppendStatus.Appended, Interlocked.Add(ref _next, records.Length) - records.Length, 1_763_700_000_000));

        public ValueTask<ReadResult> ReadAsync(ReadRequest request, CancellationToken cancellationToken) =>
            ValueTask.FromResult(new ReadResult([], request.FromPosition, Tail));

        public ValueTask<long> FindPositionByTimeAsync(long timestampMs, CancellationToken cancellationToken) => ValueTask.FromResult(Tail.NextPosition);

        public ValueTask<bool> WaitAsync(long position, CancellationToken cancellationToken) => ValueTask.FromResult(false);

        public ValueTask<long> TrimAsync(long arrivalBeforeMs, CancellationToken cancellationToken) => ValueTask.FromResult(0L);

        public ValueTask<ShardTail> SealAsync(CancellationToken cancellationToken) => ValueTask.FromResult(new ShardTail(0, 0, true));
    }
}
