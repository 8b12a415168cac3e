using System.Globalization;
using System.Runtime.InteropServices;
using Rivulet.Api.Records;
using Rivulet.Protocol.Model;
using Rivulet.Storage;

namespace Rivulet.Api.Streams;

/// <summary>Shards as DescribeStream, ListShards and GetRecords show them.</summary>
internal static class ShardView
{
    public static Shard ToShard(ShardMetadata shard) => new()
    {
        ShardId = ShardIds.Format(shard.Index),
        ParentShardId = shard.ParentIndex is { } parent ? ShardIds.Format(parent) : null,
        AdjacentParentShardId = shard.AdjacentParentIndex is { } adjacent ? ShardIds.Format(adjacent) : null,
        HashKeyRange = ToRange(shard),
        SequenceNumberRange = new SequenceNumberRange
        {
            StartingSequenceNumber = StartingSequenceNumber(shard).ToString(),
            EndingSequenceNumber = shard.ClosedAtMs is { } closedAt
                ? new SequenceNumber(shard.CreatedAtMs / 1000, shard.Index, SequenceNumber.MaxPosition, closedAt / 1000).ToString()
                : null,
        },
    };

    public static HashKeyRange ToRange(ShardMetadata shard) => new()
    {
        StartingHashKey = shard.StartingHashKey.ToString(CultureInfo.InvariantCulture),
        EndingHashKey = shard.EndingHashKey.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>The shard's first possible sequence number: position 0, stamped with its creation time.</summary>
    public static SequenceNumber StartingSequenceNumber(ShardMetadata shard) =>
        new(shard.CreatedAtMs / 1000, shard.Index, 0, shard.CreatedAtMs / 1000);

    /// <summary>
    /// A record's sequence number. Its counter is the log position plus one, so that the shard's
    /// StartingSequenceNumber (counter 0) comes before every record and reading after it starts at
    /// the first; and a reader that has read nothing yet can be given a number to continue after.
    /// </summary>
    public static SequenceNumber SequenceNumberOf(ShardMetadata shard, long position, long arrivalMs) =>
        new(shard.CreatedAtMs / 1000, shard.Index, position == SequenceNumber.MaxPosition ? position : position + 1, arrivalMs / 1000);

    /// <summary>The log position a sequence number of this shard names: −1 for the StartingSequenceNumber, before every record.</summary>
    public static long PositionOf(SequenceNumber sequenceNumber) =>
        sequenceNumber.Position == SequenceNumber.MaxPosition ? SequenceNumber.MaxPosition : sequenceNumber.Position - 1;

    /// <summary>A stored record as GetRecords and SubscribeToShard hand it out.</summary>
    public static Record ToRecord(StreamMetadata stream, ShardMetadata shard, StoredRecord stored) => new()
    {
        SequenceNumber = SequenceNumberOf(shard, stored.Position, stored.ArrivalMs).ToString(),
        ApproximateArrivalTimestamp = DateTimeOffset.FromUnixTimeMilliseconds(stored.ArrivalMs),
        Data = AsArray(stored.Data),
        PartitionKey = stored.PartitionKey.Length == 0 ? null : stored.PartitionKey,
        EncryptionType = stream.EncryptionType == "KMS" ? "KMS" : null,
    };

    /// <summary>False for a closed shard whose records have all expired: AWS lists it no more.</summary>
    public static bool IsRetained(StreamMetadata stream, ShardMetadata shard, long nowMs) =>
        shard.ClosedAtMs is not { } closed || closed >= Math.Max(RetentionPeriod.TrimHorizonMs(stream.RetentionPeriodHours, nowMs), stream.CreatedAtMs);

    /// <summary>The open shard whose hash-key range holds <paramref name="hashKey"/>.</summary>
    public static ShardMetadata? OpenShardFor(StreamMetadata stream, UInt128 hashKey)
    {
        foreach (var shard in stream.Shards)
        {
            if (shard.IsOpen && shard.StartingHashKey <= hashKey && hashKey <= shard.EndingHashKey)
            {
                return shard;
            }
        }

        return null;
    }

    /// <summary>The children of a closed shard, as GetRecords reports them at its end.</summary>
    public static List<ChildShard> ChildrenOf(StreamMetadata stream, ShardMetadata parent)
    {
        var children = new List<ChildShard>();
        foreach (var shard in stream.Shards)
        {
            if (shard.ParentIndex == parent.Index || shard.AdjacentParentIndex == parent.Index)
            {
                var parents = new List<string> { ShardIds.Format(shard.ParentIndex!.Value) };
                if (shard.AdjacentParentIndex is { } adjacent)
                {
                    parents.Add(ShardIds.Format(adjacent));
                }

                children.Add(new ChildShard { ShardId = ShardIds.Format(shard.Index), ParentShards = parents, HashKeyRange = ToRange(shard) });
            }
        }

        return children;
    }

    private static byte[] AsArray(ReadOnlyMemory<byte> data) =>
        MemoryMarshal.TryGetArray(data, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : data.ToArray();
}
