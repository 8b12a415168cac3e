using System.Collections.Concurrent;

namespace Rivulet.Storage.Memory;

/// <summary>Streams and shard logs held in memory; everything is gone when the process ends.</summary>
public sealed class MemoryStreamStore : IStreamStore
{
    private readonly ConcurrentDictionary<StreamKey, StreamMetadata> _streams = new();
    private readonly ConcurrentDictionary<(StreamKey Key, long CreatedAtMs, int Shard), MemoryShardLog> _logs = new();
    private readonly ConcurrentDictionary<AccountKey, AccountMetadata> _accounts = new();
    private readonly TimeProvider _time;
    private readonly Lock _lifecycleGate = new();
    private readonly MemoryShardLog _deletedLog;

    public MemoryStreamStore(TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        _deletedLog = new MemoryShardLog(_time);
        _deletedLog.MarkDeleted();
    }

    public ValueTask<StreamStoreOutcome> CreateStreamAsync(StreamMetadata stream, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_streams.TryAdd(stream.Key, stream) ? StreamStoreOutcome.Done : StreamStoreOutcome.AlreadyExists);

    public ValueTask<StreamMetadata?> GetStreamAsync(StreamKey key, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_streams.TryGetValue(key, out var stream) ? stream : null);

    public ValueTask<IReadOnlyList<StreamMetadata>> ListStreamsAsync(AccountKey? account, CancellationToken cancellationToken) =>
        ValueTask.FromResult(StreamListing.Of(_streams.Values, account));

    public ValueTask<StreamStoreOutcome> UpdateStreamAsync(StreamMetadata updated, long expectedVersion, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (!_streams.TryGetValue(updated.Key, out var current) || current.CreatedAtMs != updated.CreatedAtMs)
            {
                return ValueTask.FromResult(StreamStoreOutcome.NotFound);
            }

            if (current.Version != expectedVersion)
            {
                return ValueTask.FromResult(StreamStoreOutcome.VersionConflict);
            }

            if (_streams.TryUpdate(updated.Key, updated with { Version = expectedVersion + 1 }, current))
            {
                return ValueTask.FromResult(StreamStoreOutcome.Done);
            }
        }
    }

    public ValueTask<AccountMetadata?> GetAccountAsync(AccountKey account, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_accounts.TryGetValue(account, out var stored) ? stored : null);

    public ValueTask<StreamStoreOutcome> UpdateAccountAsync(AccountMetadata updated, long expectedVersion, CancellationToken cancellationToken)
    {
        var next = updated with { Version = expectedVersion + 1 };
        if (expectedVersion == 0)
        {
            return ValueTask.FromResult(_accounts.TryAdd(updated.Key, next) ? StreamStoreOutcome.Done : StreamStoreOutcome.VersionConflict);
        }

        return ValueTask.FromResult(_accounts.TryGetValue(updated.Key, out var current) && current.Version == expectedVersion && _accounts.TryUpdate(updated.Key, next, current)
            ? StreamStoreOutcome.Done
            : StreamStoreOutcome.VersionConflict);
    }

    public ValueTask<StreamStoreOutcome> DeleteStreamAsync(StreamKey key, long createdAtMs, CancellationToken cancellationToken)
    {
        lock (_lifecycleGate)
        {
            if (!_streams.TryGetValue(key, out var current) || current.CreatedAtMs != createdAtMs ||
                !_streams.TryRemove(new KeyValuePair<StreamKey, StreamMetadata>(key, current)))
            {
                return ValueTask.FromResult(StreamStoreOutcome.NotFound);
            }

            foreach (var id in _logs.Keys)
            {
                if (id.Key == key && id.CreatedAtMs == createdAtMs && _logs.TryRemove(id, out var log))
                {
                    log.MarkDeleted();
                }
            }
        }

        return ValueTask.FromResult(StreamStoreOutcome.Done);
    }

    /// <summary>
    /// The log of a stream incarnation that exists; for one that was deleted (or never created) a log
    /// whose appends answer <see cref="AppendStatus.StreamDeleted"/>. Logs are made under the lock
    /// deletion takes, so none is made for a stream just deleted.
    /// </summary>
    public IShardLog GetShardLog(StreamKey key, long streamCreatedAtMs, int shardIndex)
    {
        var id = (key, streamCreatedAtMs, shardIndex);
        if (_logs.TryGetValue(id, out var log))
        {
            return log;
        }

        lock (_lifecycleGate)
        {
            return _streams.TryGetValue(key, out var stream) && stream.CreatedAtMs == streamCreatedAtMs
                ? _logs.GetOrAdd(id, static (_, time) => new MemoryShardLog(time), _time)
                : _deletedLog;
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
