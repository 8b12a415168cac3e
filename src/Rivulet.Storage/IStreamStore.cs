namespace Rivulet.Storage;

/// <summary>
/// The storage seam: stream metadata plus one append-only log per shard. Implementations may
/// keep data in memory, on local disk or in a clustered engine; nothing above this interface may
/// assume that one process owns the data, so metadata changes are compare-and-set on
/// <see cref="StreamMetadata.Version"/>.
/// </summary>
public interface IStreamStore : IAsyncDisposable
{
    ValueTask<StreamStoreOutcome> CreateStreamAsync(StreamMetadata stream, CancellationToken cancellationToken);

    ValueTask<StreamMetadata?> GetStreamAsync(StreamKey key, CancellationToken cancellationToken);

    /// <summary>The account's streams in its region ordered by name (ordinal); every account's in every region when <paramref name="account"/> is null.</summary>
    ValueTask<IReadOnlyList<StreamMetadata>> ListStreamsAsync(AccountKey? account, CancellationToken cancellationToken);

    /// <summary>Replaces the stream's metadata if its current version is <paramref name="expectedVersion"/>; the stored version becomes expectedVersion + 1.</summary>
    ValueTask<StreamStoreOutcome> UpdateStreamAsync(StreamMetadata updated, long expectedVersion, CancellationToken cancellationToken);

    /// <summary>Removes the stream created at <paramref name="createdAtMs"/> and all its records.</summary>
    ValueTask<StreamStoreOutcome> DeleteStreamAsync(StreamKey key, long createdAtMs, CancellationToken cancellationToken);

    /// <summary>The account's settings and channels in one region; null when nothing about the account there was ever stored.</summary>
    ValueTask<AccountMetadata?> GetAccountAsync(AccountKey account, CancellationToken cancellationToken);

    /// <summary>
    /// Stores the account's metadata if its current version is <paramref name="expectedVersion"/>
    /// (0 for an account with nothing stored); the stored version becomes expectedVersion + 1.
    /// Answers <see cref="StreamStoreOutcome.Done"/> or <see cref="StreamStoreOutcome.VersionConflict"/>.
    /// </summary>
    ValueTask<StreamStoreOutcome> UpdateAccountAsync(AccountMetadata updated, long expectedVersion, CancellationToken cancellationToken);

    /// <summary>The log of one shard of one incarnation of a stream. Cheap: called on every request.</summary>
    IShardLog GetShardLog(StreamKey key, long streamCreatedAtMs, int shardIndex);
}
