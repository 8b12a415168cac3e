namespace Rivulet.Storage.Local;

/// <summary>
/// <see cref="StreamMetadata"/> as meta.json holds it. Hash keys are decimal strings: JSON numbers
/// cannot carry 128 bits through most readers. <see cref="Format"/> lets a later version read this one.
/// </summary>
internal sealed class StreamDocument
{
    public const int CurrentFormat = 1;

    public int Format { get; set; } = CurrentFormat;

    public string AccountId { get; set; } = "";

    /// <summary>Null in documents written before regions were stored: the store's <see cref="LocalStoreOptions.DefaultRegion"/>.</summary>
    public string? Region { get; set; }

    public string StreamName { get; set; } = "";

    public long CreatedAtMs { get; set; }

    public long Version { get; set; }

    public string Status { get; set; } = "";

    public long? StatusSettlesAtMs { get; set; }

    public string StreamMode { get; set; } = "";

    public int RetentionPeriodHours { get; set; }

    public int MaxRecordSizeInKiB { get; set; }

    public string EncryptionType { get; set; } = "NONE";

    public string? KeyId { get; set; }

    public List<ShardDocument> Shards { get; set; } = [];

    public Dictionary<string, string> Tags { get; set; } = [];

    public List<string> ShardLevelMetrics { get; set; } = [];

    public List<ConsumerDocument> Consumers { get; set; } = [];

    public List<ShardDocument> PendingShards { get; set; } = [];

    public List<long> ShardCountUpdatesMs { get; set; } = [];

    public string RecordDistributionStrategy { get; set; } = "USER_PARTITION_KEY";

    public List<long> EncryptionStartsAtMs { get; set; } = [];

    public List<long> EncryptionStopsAtMs { get; set; } = [];

    public List<long> StreamModeChangesAtMs { get; set; } = [];

    public int? WarmThroughputTargetMiBps { get; set; }

    public int? WarmThroughputPreviousMiBps { get; set; }

    public long? WarmThroughputSettlesAtMs { get; set; }

    public string? ResourcePolicy { get; set; }

    internal sealed class ShardDocument
    {
        public int Index { get; set; }

        public string StartingHashKey { get; set; } = "";

        public string EndingHashKey { get; set; } = "";

        public long CreatedAtMs { get; set; }

        public int? ParentIndex { get; set; }

        public int? AdjacentParentIndex { get; set; }

        public long? ClosedAtMs { get; set; }
    }

    internal sealed class ConsumerDocument
    {
        public string ConsumerName { get; set; } = "";

        public long CreatedAtMs { get; set; }

        public string Status { get; set; } = "";

        public long? StatusSettlesAtMs { get; set; }

        public Dictionary<string, string> Tags { get; set; } = [];

        public string? ResourcePolicy { get; set; }
    }
}
