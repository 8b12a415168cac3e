using Rivulet.Storage;

namespace Rivulet.Api.Streams;

/// <summary>
/// How an on-demand stream places records (UpdateStreamRecordDistributionStrategy docs):
/// USER_PARTITION_KEY by the record's hash key, the default and the only strategy of a provisioned
/// stream; AUTO evenly across the open shards, ignoring PartitionKey and ExplicitHashKey.
/// </summary>
internal static class RecordDistribution
{
    public const string Auto = "AUTO";
    public const string UserPartitionKey = "USER_PARTITION_KEY";

    /// <summary>
    /// What the log stores for a record without a partition key, which only an AUTO stream takes.
    /// The model forbids an empty key, so GetRecords can tell it apart and leave PartitionKey out.
    /// </summary>
    public const string NoPartitionKey = "";

    public static bool IsAuto(StreamMetadata stream) => stream.RecordDistributionStrategy == Auto;
}
