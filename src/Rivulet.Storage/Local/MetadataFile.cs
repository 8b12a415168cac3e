using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;

namespace Rivulet.Storage.Local;

/// <summary>
/// Reads and replaces a stream's meta.json. A replacement is written to meta.json.tmp, synced,
/// renamed over meta.json and the directory synced, so a crash at any point leaves either the old
/// or the new version whole; a leftover temp file is ignored and removed on open.
/// </summary>
internal static class MetadataFile
{
    public static void Write(StoreContext store, string streamDirectory, StreamMetadata stream)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(ToDocument(stream), LocalJsonContext.Default.StreamDocument);
        store.ReplaceFileDurably(Path.Combine(streamDirectory, StoreLayout.MetadataFile), Path.Combine(streamDirectory, StoreLayout.MetadataTempFile), bytes);
    }

    /// <param name="defaultRegion">The region of a document that names none (written before regions were stored).</param>
    /// <exception cref="CorruptLogException">The file is not a stream document this version understands.</exception>
    public static StreamMetadata Read(string path, string defaultRegion)
    {
        var bytes = File.ReadAllBytes(path);
        StreamDocument? document;
        try
        {
            document = JsonSerializer.Deserialize(bytes, LocalJsonContext.Default.StreamDocument);
        }
        catch (JsonException exception)
        {
            throw new CorruptLogException(path, exception.BytePositionInLine ?? 0, $"stream metadata is not valid JSON ({exception.Message})");
        }

        if (document is null || document.Format != StreamDocument.CurrentFormat)
        {
            throw new CorruptLogException(path, 0, $"stream metadata of format {document?.Format} (this version reads {StreamDocument.CurrentFormat})");
        }

        try
        {
            return FromDocument(document, defaultRegion);
        }
        catch (FormatException exception)
        {
            throw new CorruptLogException(path, 0, $"stream metadata holds an unreadable hash key ({exception.Message})");
        }
    }

    private static StreamDocument ToDocument(StreamMetadata stream)
    {
        var document = new StreamDocument
        {
            AccountId = stream.Key.AccountId,
            Region = stream.Key.Region,
            StreamName = stream.Key.StreamName,
            CreatedAtMs = stream.CreatedAtMs,
            Version = stream.Version,
            Status = stream.Status,
            StatusSettlesAtMs = stream.StatusSettlesAtMs,
            StreamMode = stream.StreamMode,
            RetentionPeriodHours = stream.RetentionPeriodHours,
            MaxRecordSizeInKiB = stream.MaxRecordSizeInKiB,
            EncryptionType = stream.EncryptionType,
            KeyId = stream.KeyId,
            ShardLevelMetrics = [.. stream.ShardLevelMetrics],
            Consumers = [.. stream.Consumers.Select(consumer => new StreamDocument.ConsumerDocument
            {
                ConsumerName = consumer.ConsumerName,
                CreatedAtMs = consumer.CreatedAtMs,
                Status = consumer.Status,
                StatusSettlesAtMs = consumer.StatusSettlesAtMs,
                Tags = new Dictionary<string, string>(consumer.Tags, StringComparer.Ordinal),
                ResourcePolicy = consumer.ResourcePolicy,
            })],
            RecordDistributionStrategy = stream.RecordDistributionStrategy,
            EncryptionStartsAtMs = [.. stream.EncryptionStartsAtMs],
            EncryptionStopsAtMs = [.. stream.EncryptionStopsAtMs],
            StreamModeChangesAtMs = [.. stream.StreamModeChangesAtMs],
            WarmThroughputTargetMiBps = stream.WarmThroughputTargetMiBps,
            WarmThroughputPreviousMiBps = stream.WarmThroughputPreviousMiBps,
            WarmThroughputSettlesAtMs = stream.WarmThroughputSettlesAtMs,
            ResourcePolicy = stream.ResourcePolicy,
        };

        document.Shards.AddRange(stream.Shards.Select(ToDocument));
        document.PendingShards.AddRange(stream.PendingShards.Select(ToDocument));
        document.ShardCountUpdatesMs.AddRange(stream.ShardCountUpdatesMs);

        foreach (var (name, value) in stream.Tags)
        {
            document.Tags[name] = value;
        }

        return document;
    }

    private static StreamMetadata FromDocument(StreamDocument document, string defaultRegion)
    {
        return new StreamMetadata
        {
            Key = new StreamKey(document.AccountId, document.Region ?? defaultRegion, document.StreamName),
            CreatedAtMs = document.CreatedAtMs,
            Version = document.Version,
            Status = document.Status,
            StatusSettlesAtMs = document.StatusSettlesAtMs,
            StreamMode = document.StreamMode,
            Shards = [.. document.Shards.Select(FromDocument)],
            PendingShards = [.. document.PendingShards.Select(FromDocument)],
            ShardCountUpdatesMs = [.. document.ShardCountUpdatesMs],
            RetentionPeriodHours = document.RetentionPeriodHours,
            MaxRecordSizeInKiB = document.MaxRecordSizeInKiB,
            EncryptionType = document.EncryptionType,
            KeyId = document.KeyId,
            Tags = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, document.Tags),
            ShardLevelMetrics = [.. document.ShardLevelMetrics],
            Consumers = [.. document.Consumers.Select(consumer => new ConsumerMetadata(consumer.ConsumerName, consumer.CreatedAtMs, consumer.Status, consumer.StatusSettlesAtMs)
            {
                Tags = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, consumer.Tags),
                ResourcePolicy = consumer.ResourcePolicy,
            })],
            ResourcePolicy = document.ResourcePolicy,
            RecordDistributionStrategy = document.RecordDistributionStrategy,
            EncryptionStartsAtMs = [.. document.EncryptionStartsAtMs],
            EncryptionStopsAtMs = [.. document.EncryptionStopsAtMs],
            StreamModeChangesAtMs = [.. document.StreamModeChangesAtMs],
            WarmThroughputTargetMiBps = document.WarmThroughputTargetMiBps,
            WarmThroughputPreviousMiBps = document.WarmThroughputPreviousMiBps,
            WarmThroughputSettlesAtMs = document.WarmThroughputSettlesAtMs,
        };
    }

    private static StreamDocument.ShardDocument ToDocument(ShardMetadata shard) => new()
    {
        Index = shard.Index,
        StartingHashKey = shard.StartingHashKey.ToString(CultureInfo.InvariantCulture),
        EndingHashKey = shard.EndingHashKey.ToString(CultureInfo.InvariantCulture),
        CreatedAtMs = shard.CreatedAtMs,
        ParentIndex = shard.ParentIndex,
        AdjacentParentIndex = shard.AdjacentParentIndex,
        ClosedAtMs = shard.ClosedAtMs,
    };

    private static ShardMetadata FromDocument(StreamDocument.ShardDocument shard) => new(
        shard.Index,
        UInt128.Parse(shard.StartingHashKey, NumberStyles.None, CultureInfo.InvariantCulture),
        UInt128.Parse(shard.EndingHashKey, NumberStyles.None, CultureInfo.InvariantCulture),
        shard.CreatedAtMs,
        shard.ParentIndex,
        shard.AdjacentParentIndex,
        shard.ClosedAtMs);
}
