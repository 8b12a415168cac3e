using System.Text;
using Rivulet.Api.Records;
using Rivulet.Protocol.Validation;
using Rivulet.Storage;

namespace Rivulet.Api.Validation;

/// <summary>The record rules that depend on the stream, checked after the model's own constraints.</summary>
internal static class RecordRules
{
    /// <summary>AWS caps a PutRecords request at 10 MiB of data and partition keys.</summary>
    public const long MaxPutRecordsBytes = 10L * 1024 * 1024;

    /// <summary>
    /// How many times a write is placed on a shard before it gives up: a shard closed by a reshard
    /// refuses records and the write is placed again by the shards in force, which the store shows
    /// before it seals the old log, so a second placement normally succeeds.
    /// </summary>
    public const int MaxPlacements = 8;

    /// <summary>The stream's maximum record size in bytes: data plus partition key (UTF-8) must fit; AWS reports it on the data member.</summary>
    public static int MaxRecordBytes(StreamMetadata stream) => stream.MaxRecordSizeInKiB * 1024;

    public static int SizeOf(byte[] data, string? partitionKey) =>
        data.Length + (partitionKey is null ? 0 : Encoding.UTF8.GetByteCount(partitionKey));

    /// <summary>
    /// The model lets a record go without a partition key, for streams that place records themselves;
    /// a stream placed by partition key (every stream's default) still needs one, and says so as the
    /// model's own check did.
    /// </summary>
    public static void RequirePartitionKey(string? partitionKey, string path, ValidationErrors errors)
    {
        if (partitionKey is null)
        {
            errors.MustNotBeNull(path);
        }
    }

    /// <summary>The hash key that places the record: ExplicitHashKey when given, else the partition key's MD5.</summary>
    public static UInt128 HashKeyOf(string partitionKey, string? explicitHashKey)
    {
        if (explicitHashKey is null)
        {
            return PartitionKeyHash.Of(partitionKey);
        }

        return PartitionKeyHash.TryParseExplicit(explicitHashKey, out var hashKey) ? hashKey : throw ApiErrors.InvalidExplicitHashKey(explicitHashKey);
    }
}
