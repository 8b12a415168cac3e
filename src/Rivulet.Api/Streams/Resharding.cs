using Rivulet.Storage;

namespace Rivulet.Api.Streams;

/// <summary>
/// The shard lists that SplitShard and MergeShards produce, as AWS forms them: the parents close
/// (they keep their ranges and records), the children take the next shard indexes, and the open
/// shards still cover 0..2^128−1 without a hole or an overlap. Pure: the operations check the
/// stream's status and limits and store the result.
/// </summary>
internal static class Resharding
{
    /// <summary>
    /// Splits open shard <paramref name="parentIndex"/> at <paramref name="newStartingHashKey"/>:
    /// children [start, key−1] and [key, end]. AWS requires start + 1 &lt; key &lt; end (its error
    /// text: "not both greater than one plus the shard's StartingHashKey and less than the shard's EndingHashKey").
    /// </summary>
    public static ReshardOutcome Split(IReadOnlyList<ShardMetadata> shards, int parentIndex, UInt128 newStartingHashKey, long nowMs)
    {
        if (FindOpen(shards, parentIndex) is not { } parent)
        {
            return ReshardOutcome.Fail(ReshardFailure.ShardNotOpen);
        }

        if (parent.EndingHashKey - parent.StartingHashKey < 3 || newStartingHashKey <= parent.StartingHashKey + 1 || newStartingHashKey >= parent.EndingHashKey)
        {
            return ReshardOutcome.Fail(ReshardFailure.HashKeyOutOfRange);
        }

        var next = NextIndex(shards);
        var children = new[]
        {
            new ShardMetadata(next, parent.StartingHashKey, newStartingHashKey - 1, nowMs, ParentIndex: parent.Index),
            new ShardMetadata(next + 1, newStartingHashKey, parent.EndingHashKey, nowMs, ParentIndex: parent.Index),
        };
        return ReshardOutcome.Done(Close(shards, nowMs, parent.Index), children);
    }

    /// <summary>
    /// Merges two open shards whose ranges touch, in either order: the child covers both, with
    /// <paramref name="shardToMerge"/> as its parent and <paramref name="adjacentShardToMerge"/> as its adjacent parent.
    /// </summary>
    public static ReshardOutcome Merge(IReadOnlyList<ShardMetadata> shards, int shardToMerge, int adjacentShardToMerge, long nowMs)
    {
        if (FindOpen(shards, shardToMerge) is not { } first || FindOpen(shards, adjacentShardToMerge) is not { } second)
        {
            return ReshardOutcome.Fail(ReshardFailure.ShardNotOpen);
        }

        var (low, high) = first.StartingHashKey < second.StartingHashKey ? (first, second) : (second, first);
        if (first.Index == second.Index || low.EndingHashKey == UInt128.MaxValue || low.EndingHashKey + 1 != high.StartingHashKey)
        {
            return ReshardOutcome.Fail(ReshardFailure.NotAdjacent);
        }

        var child = new ShardMetadata(NextIndex(shards), low.StartingHashKey, high.EndingHashKey, nowMs, ParentIndex: first.Index, AdjacentParentIndex: second.Index);
        return ReshardOutcome.Done(Close(Close(shards, nowMs, first.Index), nowMs, second.Index), [child]);
    }

    /// <summary>
    /// UpdateShardCount's UNIFORM_SCALING: the open shards become <paramref name="targetCount"/>
    /// shards of equal ranges (those CreateStream would make). As on AWS this is a series of real
    /// splits and merges, because a shard names at most two parents: first every open shard is split
    /// at each target boundary inside it, then the pieces of each target range are merged left to
    /// right. Shards that only exist between two steps are created and closed at the same instant.
    /// An open shard that already is a target range stays open untouched.
    /// </summary>
    public static ReshardOutcome UniformScale(IReadOnlyList<ShardMetadata> shards, int targetCount, long nowMs)
    {
        var all = shards.ToList();
        var children = new List<ShardMetadata>(targetCount);
        ShardMetadata Open(UInt128 start, UInt128 end, int parent, int? adjacentParent)
        {
            var child = new ShardMetadata(all.Count, start, end, nowMs, parent, adjacentParent);
            all.Add(child);
            return child;
        }

        // A stream's shard list is ordered by index and index i sits at position i (StreamMetadata.FindShard relies on it too).
        void CloseShard(ShardMetadata shard) => all[shard.Index] = shard with { ClosedAtMs = nowMs };

        var targets = HashKeyRanges.Split(targetCount);
        var pieces = new List<ShardMetadata>();
        var boundary = 1;
        foreach (var shard in all.Where(shard => shard.IsOpen).OrderBy(shard => shard.StartingHashKey).ToList())
        {
            var current = shard;
            while (boundary < targets.Length && targets[boundary].Start <= current.StartingHashKey)
            {
                boundary++;
            }

            for (; boundary < targets.Length && targets[boundary].Start <= current.EndingHashKey; boundary++)
            {
                var key = targets[boundary].Start;
                CloseShard(current);
                pieces.Add(Open(current.StartingHashKey, key - 1, current.Index, null));
                current = Open(key, current.EndingHashKey, current.Index, null);
            }

            pieces.Add(current);
        }

        var next = 0;
        foreach (var (start, end) in targets)
        {
            var merged = pieces[next++];
            while (merged.EndingHashKey < end)
            {
                var adjacent = pieces[next++];
                CloseShard(merged);
                CloseShard(adjacent);
                merged = Open(merged.StartingHashKey, adjacent.EndingHashKey, merged.Index, adjacent.Index);
            }

            if (merged.StartingHashKey != start || merged.EndingHashKey != end)
            {
                throw new InvalidOperationException($"Uniform scaling produced [{merged.StartingHashKey}, {merged.EndingHashKey}] for target [{start}, {end}].");
            }

            children.Add(merged);
        }

        var firstNew = shards.Count;
        return new ReshardOutcome(ReshardFailure.None, [.. all], [.. children.Where(child => child.Index >= firstNew)]);
    }

    /// <summary>True when the open shards cover the whole hash-key space exactly once.</summary>
    public static bool OpenShardsCoverEverything(IEnumerable<ShardMetadata> shards)
    {
        UInt128 expected = 0;
        var covered = false;
        foreach (var shard in shards.Where(shard => shard.IsOpen).OrderBy(shard => shard.StartingHashKey))
        {
            if (covered || shard.StartingHashKey != expected || shard.EndingHashKey < shard.StartingHashKey)
            {
                return false;
            }

            if (shard.EndingHashKey == UInt128.MaxValue)
            {
                covered = true;
            }
            else
            {
                expected = shard.EndingHashKey + 1;
            }
        }

        return covered;
    }

    private static ShardMetadata? FindOpen(IReadOnlyList<ShardMetadata> shards, int index) =>
        shards.FirstOrDefault(shard => shard.Index == index && shard.IsOpen);

    /// <summary>Shard IDs keep counting up: the next index is one past the highest ever used.</summary>
    private static int NextIndex(IReadOnlyList<ShardMetadata> shards) => shards.Count == 0 ? 0 : shards.Max(shard => shard.Index) + 1;

    private static ShardMetadata[] Close(IReadOnlyList<ShardMetadata> shards, long nowMs, int index) =>
        [.. shards.Select(shard => shard.Index == index ? shard with { ClosedAtMs = nowMs } : shard)];
}

internal enum ReshardFailure
{
    None,

    /// <summary>No open shard has that index (never existed, or already closed).</summary>
    ShardNotOpen,

    /// <summary>The split key is not strictly inside the parent's range.</summary>
    HashKeyOutOfRange,

    /// <summary>The two shards' ranges do not touch (or they are the same shard).</summary>
    NotAdjacent,
}

/// <summary>The stream's shards after a reshard (closed parents included, children last), or why it cannot be done.</summary>
internal readonly record struct ReshardOutcome(ReshardFailure Failure, ShardMetadata[] Shards, ShardMetadata[] Children)
{
    public static ReshardOutcome Fail(ReshardFailure failure) => new(failure, [], []);

    public static ReshardOutcome Done(ShardMetadata[] closed, ShardMetadata[] children) => new(ReshardFailure.None, [.. closed, .. children], children);
}
