using Rivulet.Storage;

namespace Rivulet.Api.Tests.Operations;

/// <summary>
/// A store that lets another writer in at the worst moment, once: <see cref="BeforeShardLog"/> after
/// a request resolved the stream and just before it takes a shard's log, or
/// <see cref="BeforeNextAccountWrite"/> just before an account write, so that write meets a newer version.
/// </summary>
internal sealed class RacingStore(IStreamStore? inner = null) : IStreamStore
{
    private IStreamStore _inner = inner!;

    public Action? BeforeShardLog { get; set; }

    public Func<Task>? BeforeNextAccountWrite { get; set; }

    public IStreamStore Attach(IStreamStore inner)
    {
        _inner = inner;
        return this;
    }

    public async ValueTask<StreamStoreOutcome> UpdateAccountAsync(AccountMetadata updated, long expectedVersion, CancellationToken cancellationToken)
    {
        if (BeforeNextAccountWrite is { } racer)
        {
            BeforeNextAccountWrite = null;
            await racer();
        }

        return await _inner.UpdateAccountAsync(updated, expectedVersion, cancellationToken);
    }

    public ValueTask<StreamStoreOutcome> CreateStreamAsync(StreamMetadata stream, CancellationToken cancellationToken) => _inner.CreateStreamAsync(stream, cancellationToken);

    public ValueTask<StreamMetadata?> GetStreamAsync(StreamKey key, CancellationToken cancellationToken) => _inner.GetStreamAsync(key, cancellationToken);

    public ValueTask<IReadOnlyList<StreamMetadata>> ListStreamsAsync(AccountKey? account, CancellationToken cancellationToken) => _inner.ListStreamsAsync(account, cancellationToken);

    public ValueTask<StreamStoreOutcome> UpdateStreamAsync(StreamMetadata updated, long expectedVersion, CancellationToken cancellationToken) => _inner.UpdateStreamAsync(updated, expectedVersion, cancellationToken);

    public ValueTask<StreamStoreOutcome> DeleteStreamAsync(StreamKey key, long createdAtMs, CancellationToken cancellationToken) => _inner.DeleteStreamAsync(key, createdAtMs, cancellationToken);

    public ValueTask<AccountMetadata?> GetAccountAsync(AccountKey account, CancellationToken cancellationToken) => _inner.GetAccountAsync(account, cancellationToken);

    public IShardLog GetShardLog(StreamKey key, long streamCreatedAtMs, int shardIndex)
    {
        if (BeforeShardLog is { } race)
        {
            BeforeShardLog = null;
            race();
        }

        return _inner.GetShardLog(key, streamCreatedAtMs, shardIndex);
    }

    public ValueTask DisposeAsync() => _inner.DisposeAsync();
}
