using System.Collections.Immutable;

namespace Rivulet.Storage;

/// <summary>
/// Everything durable about a stream except its records. Immutable: an update writes a new
/// value whose <see cref="Version"/> is one higher, and the store accepts it only if the version it
/// replaces is still current, so that several servers can share one store.
/// </summary>
public sealed record StreamMetadata
{
    public required StreamKey Key { get; init; }

    /// <summary>Creation time in epoch milliseconds; it also tells a stream from an earlier one of the same name.</summary>
    public required long CreatedAtMs { get; init; }

    public required string Status { get; init; }

    /// <summary>When a CREATING or UPDATING stream becomes ACTIVE, or a DELETING one disappears (epoch ms).</summary>
    public long? StatusSettlesAtMs { get; init; }

    public required string StreamMode { get; init; }

    public required ImmutableArray<ShardMetadata> Shards { get; init; }

    public required int RetentionPeriodHours { get; init; }

    public required int MaxRecordSizeInKiB { get; init; }

    public string EncryptionType { get; init; } = "NONE";

    public string? KeyId { get; init; }

    public ImmutableSortedDictionary<string, string> Tags { get; init; } = ImmutableSortedDictionary<string, string>.Empty.WithComparers(StringComparer.Ordinal);

    public ImmutableArray<string> ShardLevelMetrics { get; init; } = [];

    public ImmutableArray<ConsumerMetadata> Consumers { get; init; } = [];

    public long Version { get; init; }

    /// <summary>
    /// Set by a store that found this stream on disk but could not read its metadata: why (which
    /// file, what is wrong). The stream exists (its name and creation time are known, so it is listed
    /// and its name stays taken) but cannot be served; every other member is a placeholder. Null for
    /// a healthy stream; stores that cannot be damaged never set it.
    /// </summary>
    public string? Damage { get; init; }

    public int NextShardIndex => Shards.Length;

    public ShardMetadata? FindShard(int index) => index >= 0 && index < Shards.Length ? Shards[index] : null;

    /// <summary>The resource-based policy document exactly as PutResourcePolicy received it; null when there is none.</summary>
    public string? ResourcePolicy { get; init; }
}
