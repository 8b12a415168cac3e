using Rivulet.Storage;

namespace Rivulet.Api.Tests.Operations;

/// <summary>A store that runs <see cref="BeforeShardLog"/> once, at the worst moment: after a request resolved the stream, just before it takes a shard's log.</summary>
internal sealed class RacingStore(IStreamStore inner) : IStreamStore
{
    public Action? BeforeShardLog { get; set; }

    public ValueTask<StreamStoreOutcome> CreateStreamAsync(StreamMetadata stream, CancellationToken cancellationToken) => inner.CreateStreamAsync(stream, cancellationToken);

    public ValueTask<StreamMetadata?> GetStreamAsync(StreamKey key, CancellationToken cancellationToken) => inner.GetStreamAsync(key, cancellationToken);

    public ValueTask<IReadOnlyList<StreamMetadata>> ListStreamsAsync(string? accountId, CancellationToken cancellationToken) => inner.ListStreamsAsync(accountId, cancellationToken);

    public ValueTask<StreamStoreOutcome> UpdateStreamAsync(StreamMetadata updated, long expectedVersion, CancellationToken cancellationToken) => inner.UpdateStreamAsync(updated, expectedVersion, cancellationToken);

    public ValueTask<AccountMetadata?> GetAccountAsync(string accountId, CancellationToken cancellationToken) => inner.GetAccountAsync(accountId, cancellationToken);

    public ValueTask<StreamStoreOutcome> UpdateAccountAsync(AccountMetadata updated, long expectedVersion, CancellationToken cancellationToken) => inner.UpdateAccountAsync(updated, expectedVersion, cancellationToken);

    public ValueTask<StreamStoreOutcome> DeleteStreamAsync(StreamKey key, long createdAtMs, CancellationToken cancellationToken) => inner.DeleteStreamAsync(key, createdAtMs, cancellationToken);

    public IShardLog GetShardLog(StreamKey key, long streamCreatedAtMs, int shardIndex)
    {
        if (BeforeShardLog is { } race)
        {
            BeforeShardLog = null;
            race();
        }

        return inner.GetShardLog(key, streamCreatedAtMs, shardIndex);
    }

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
