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
    /// The shard list a reshard in progress will leave (closed parents included): it replaces
    /// <see cref="Shards"/> when the stream settles from UPDATING to ACTIVE. Empty when none is pending.
    /// </summary>
    public ImmutableArray<ShardMetadata> PendingShards { get; init; } = [];

    /// <summary>When UpdateShardCount was called (epoch ms), for AWS's limit of calls per rolling 24 hours.</summary>
    public ImmutableArray<long> ShardCountUpdatesMs { get; init; } = [];

    /// <summary>
    /// Set by a store that found this stream on disk but could not read its metadata: why (which
    /// file, what is wrong). The stream exists (its name and creation time are known, so it is listed
    /// and its name stays taken) but cannot be served; every other member is a placeholder. Null for
    /// a healthy stream; stores that cannot be damaged never set it.
    /// </summary>
    public string? Damage { get; init; }

    public int NextShardIndex => Shards.Length;

    /// <summary>The shards the stream has or, with a reshard pending, is about to have.</summary>
    public ImmutableArray<ShardMetadata> EventualShards => PendingShards.IsDefaultOrEmpty ? Shards : PendingShards;

    public ShardMetadata? FindShard(int index) => index >= 0 && index < Shards.Length ? Shards[index] : null;

    /// <summary>How writes are placed on an on-demand stream: USER_PARTITION_KEY (by the record's hash key) or AUTO (spread evenly, keys ignored).</summary>
    public string RecordDistributionStrategy { get; init; } = "USER_PARTITION_KEY";

    /// <summary>When StartStreamEncryption succeeded (epoch ms), the last 24 hours' worth: AWS allows 25 in any rolling day.</summary>
    public ImmutableArray<long> EncryptionStartsAtMs { get; init; } = [];

    /// <summary>When StopStreamEncryption succeeded (epoch ms), the last 24 hours' worth: AWS allows 25 in any rolling day.</summary>
    public ImmutableArray<long> EncryptionStopsAtMs { get; init; } = [];

    /// <summary>When the capacity mode was switched (epoch ms), the last 24 hours' worth.</summary>
    public ImmutableArray<long> StreamModeChangesAtMs { get; init; } = [];

    /// <summary>The warm throughput an on-demand stream was last asked to scale to, in MiB/s; null when never asked.</summary>
    public int? WarmThroughputTargetMiBps { get; init; }

    /// <summary>The warm throughput in effect before the last request, shown as current until <see cref="WarmThroughputSettlesAtMs"/>.</summary>
    public int? WarmThroughputPreviousMiBps { get; init; }

    /// <summary>When the stream reaches <see cref="WarmThroughputTargetMiBps"/> (epoch ms); null when it already has.</summary>
    public long? WarmThroughputSettlesAtMs { get; init; }

    /// <summary>The resource-based policy document exactly as PutResourcePolicy received it; null when there is none.</summary>
    public string? ResourcePolicy { get; init; }
}
