using Rivulet.Api.Streams;
using Rivulet.Storage;

namespace Rivulet.Api.Tests.Streams;

public sealed class ReshardingTests
{
    private const long Now = 1_700_000_000_000;

    private static ShardMetadata[] Stream(int shards) =>
        [.. HashKeyRanges.Split(shards).Select((range, i) => new ShardMetadata(i, range.Start, range.End, Now - 1000))];

    [Fact]
    public void A_split_closes_the_parent_and_opens_two_children_that_cover_its_range_with_the_next_indexes()
    {
        var shards = Stream(2);
        var key = shards[0].EndingHashKey / 2;

        var outcome = Resharding.Split(shards, 0, key, Now);

        Assert.Equal(ReshardFailure.None, outcome.Failure);
        Assert.Equal(Now, outcome.Shards.Single(s => s.Index == 0).ClosedAtMs);
        Assert.Collection(
            outcome.Children,
            left => Assert.Equal((2, shards[0].StartingHashKey, key - 1, (int?)0, (int?)null), (left.Index, left.StartingHashKey, left.EndingHashKey, left.ParentIndex, left.AdjacentParentIndex)),
            right => Assert.Equal((3, key, shards[0].EndingHashKey, (int?)0, (int?)null), (right.Index, right.StartingHashKey, right.EndingHashKey, right.ParentIndex, right.AdjacentParentIndex)));
        Assert.True(Resharding.OpenShardsCoverEverything(outcome.Shards));
        Assert.Equal(4, outcome.Shards.Length);
    }

    [Theory]
    [InlineData(0)] // the parent's start
    [InlineData(1)] // start + 1: the left child would be one key wide
    [InlineData(-1)] // the parent's end
    public void A_split_key_not_strictly_inside_start_plus_one_and_end_is_refused(int where)
    {
        var shards = Stream(1);
        var key = where switch { 0 => UInt128.Zero, 1 => UInt128.One, _ => UInt128.MaxValue };

        Assert.Equal(ReshardFailure.HashKeyOutOfRange, Resharding.Split(shards, 0, key, Now).Failure);
        Assert.Equal(ReshardFailure.None, Resharding.Split(shards, 0, 2, Now).Failure);
        Assert.Equal(ReshardFailure.None, Resharding.Split(shards, 0, UInt128.MaxValue - 1, Now).Failure);
    }

    [Fact]
    public void A_shard_one_hash_key_wide_at_the_top_of_the_range_cannot_be_split()
    {
        ShardMetadata[] shards = [new(0, 0, UInt128.MaxValue - 1, Now), new(1, UInt128.MaxValue, UInt128.MaxValue, Now)];

        Assert.Equal(ReshardFailure.HashKeyOutOfRange, Resharding.Split(shards, 1, UInt128.MaxValue - 1, Now).Failure);
    }

    [Fact]
    public void Adjacent_shards_merge_in_either_order_with_the_named_shard_as_parent()
    {
        var shards = Stream(3);

        var forward = Resharding.Merge(shards, 1, 2, Now);
        var backward = Resharding.Merge(shards, 2, 1, Now);

        var child = Assert.Single(forward.Children);
        Assert.Equal((3, shards[1].StartingHashKey, UInt128.MaxValue, (int?)1, (int?)2), (child.Index, child.StartingHashKey, child.EndingHashKey, child.ParentIndex, child.AdjacentParentIndex));
        var reversed = Assert.Single(backward.Children);
        Assert.Equal(((int?)2, (int?)1), (reversed.ParentIndex, reversed.AdjacentParentIndex));
        Assert.Equal(child.StartingHashKey, reversed.StartingHashKey);
        Assert.True(Resharding.OpenShardsCoverEverything(forward.Shards));
        Assert.Equal(2, forward.Shards.Count(s => !s.IsOpen));
    }

    [Fact]
    public void Shards_that_do_not_touch_or_are_closed_or_missing_are_not_merged()
    {
        var shards = Stream(3);
        var split = Resharding.Split(shards, 1, shards[1].StartingHashKey + 10, Now).Shards;

        Assert.Equal(ReshardFailure.NotAdjacent, Resharding.Merge(shards, 0, 2, Now).Failure);
        Assert.Equal(ReshardFailure.NotAdjacent, Resharding.Merge(shards, 1, 1, Now).Failure);
        Assert.Equal(ReshardFailure.ShardNotOpen, Resharding.Merge(split, 0, 1, Now).Failure); // 1 is closed now
        Assert.Equal(ReshardFailure.ShardNotOpen, Resharding.Merge(shards, 0, 9, Now).Failure);
        Assert.Equal(ReshardFailure.None, Resharding.Merge(split, 0, 3, Now).Failure); // 3 is the left child of 1
    }

    [Fact]
    public void Any_sequence_of_splits_and_merges_keeps_the_open_shards_covering_the_space_exactly_once()
    {
        var random = new Random(7);
        var shards = Stream(4);
        for (var step = 0; step < 400; step++)
        {
            var open = shards.Where(s => s.IsOpen).OrderBy(s => s.StartingHashKey).ToArray();
            ReshardOutcome outcome;
            if (open.Length < 2 || random.Next(2) == 0)
            {
                var parent = open[random.Next(open.Length)];
                var width = parent.EndingHashKey - parent.StartingHashKey;
                outcome = Resharding.Split(shards, parent.Index, parent.StartingHashKey + 2 + (width / 2), Now + step);
            }
            else
            {
                var i = random.Next(open.Length - 1);
                outcome = Resharding.Merge(shards, open[i + 1].Index, open[i].Index, Now + step);
            }

            Assert.Equal(ReshardFailure.None, outcome.Failure);
            Assert.True(outcome.Children.All(child => child.Index > shards.Max(s => s.Index)));
            shards = outcome.Shards;
            Assert.True(Resharding.OpenShardsCoverEverything(shards), $"step {step}");
        }
    }

    [Fact]
    public void A_hole_or_an_overlap_is_seen()
    {
        Assert.False(Resharding.OpenShardsCoverEverything([new(0, 0, 10, Now), new(1, 12, UInt128.MaxValue, Now)]));
        Assert.False(Resharding.OpenShardsCoverEverything([new(0, 0, 10, Now), new(1, 10, UInt128.MaxValue, Now)]));
        Assert.False(Resharding.OpenShardsCoverEverything([new(0, 0, 10, Now)]));
        Assert.True(Resharding.OpenShardsCoverEverything([new(0, 0, 10, Now), new(1, 11, UInt128.MaxValue, Now), new(2, 0, UInt128.MaxValue, Now, ClosedAtMs: Now)]));
    }

    [Theory]
    [InlineData(1, 2)]
    [InlineData(2, 1)]
    [InlineData(3, 5)]
    [InlineData(5, 3)]
    [InlineData(4, 8)]
    [InlineData(7, 4)]
    [InlineData(6, 6)]
    [InlineData(100, 199)]
    public void Uniform_scaling_ends_with_the_ranges_CreateStream_would_make_through_real_splits_and_merges(int from, int to)
    {
        var shards = Stream(from);

        var outcome = Resharding.UniformScale(shards, to, Now);

        var open = outcome.Shards.Where(s => s.IsOpen).OrderBy(s => s.StartingHashKey).Select(s => (s.StartingHashKey, s.EndingHashKey)).ToArray();
        Assert.Equal(HashKeyRanges.Split(to), open);
        Assert.True(Resharding.OpenShardsCoverEverything(outcome.Shards));
        AssertLineage(shards, outcome.Shards);
    }

    [Fact]
    public void Uniform_scaling_after_uneven_splits_still_ends_uniform_and_keeps_a_matching_shard_untouched()
    {
        var shards = Stream(2);
        shards = Resharding.Split(shards, 1, shards[1].StartingHashKey + 12345, Now - 500).Shards;

        var toTwo = Resharding.UniformScale(shards, 2, Now);

        Assert.True(toTwo.Shards.Single(s => s.Index == 0).IsOpen); // already the left half
        Assert.Equal(HashKeyRanges.Split(2), toTwo.Shards.Where(s => s.IsOpen).OrderBy(s => s.StartingHashKey).Select(s => (s.StartingHashKey, s.EndingHashKey)));
        Assert.Equal([4], toTwo.Children.Select(c => c.Index));
        AssertLineage(shards, toTwo.Shards);
    }

    [Fact]
    public void Repeated_scaling_in_random_steps_keeps_indexes_dense_and_every_child_within_its_parents()
    {
        var random = new Random(20261202);
        var shards = Stream(3);
        for (var step = 0; step < 40; step++)
        {
            var open = shards.Count(s => s.IsOpen);
            var target = random.Next((open + 1) / 2, (2 * open) + 1);
            var next = Resharding.UniformScale(shards, Math.Max(1, target), Now + step).Shards;
            AssertLineage(shards, next);
            Assert.Equal(Enumerable.Range(0, next.Length), next.Select(s => s.Index));
            shards = next;
        }
    }

    /// <summary>Old shards keep their ranges; each new shard names one or two parents, all closed, whose ranges it lies within or exactly joins.</summary>
    private static void AssertLineage(ShardMetadata[] before, ShardMetadata[] after)
    {
        Assert.True(Resharding.OpenShardsCoverEverything(after));
        foreach (var old in before)
        {
            var now = after[old.Index];
            Assert.Equal((old.StartingHashKey, old.EndingHashKey, old.CreatedAtMs), (now.StartingHashKey, now.EndingHashKey, now.CreatedAtMs));
        }

        foreach (var shard in after.Skip(before.Length))
        {
            var parent = after[shard.ParentIndex!.Value];
            Assert.False(parent.IsOpen);
            if (shard.AdjacentParentIndex is { } adjacentIndex)
            {
                var adjacent = after[adjacentIndex];
                Assert.False(adjacent.IsOpen);
                Assert.Equal((parent.StartingHashKey, adjacent.EndingHashKey), (shard.StartingHashKey, shard.EndingHashKey));
                Assert.Equal(parent.EndingHashKey + 1, adjacent.StartingHashKey);
            }
            else
            {
                Assert.True(parent.StartingHashKey <= shard.StartingHashKey && shard.EndingHashKey <= parent.EndingHashKey);
            }
        }
    }
}
