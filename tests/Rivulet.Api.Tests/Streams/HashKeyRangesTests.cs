using Rivulet.Api.Streams;

namespace Rivulet.Api.Tests.Streams;

public sealed class HashKeyRangesTests
{
    [Fact]
    public void Three_shards_get_the_boundaries_AWS_publishes()
    {
        var ranges = HashKeyRanges.Split(3);

        Assert.Equal(UInt128.Parse("0"), ranges[0].Start);
        Assert.Equal(UInt128.Parse("113427455640312821154458202477256070484"), ranges[0].End);
        Assert.Equal(UInt128.Parse("113427455640312821154458202477256070485"), ranges[1].Start);
        Assert.Equal(UInt128.Parse("226854911280625642308916404954512140969"), ranges[1].End);
        Assert.Equal(UInt128.Parse("226854911280625642308916404954512140970"), ranges[2].Start);
        Assert.Equal(UInt128.MaxValue, ranges[2].End);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(7)]
    [InlineData(500)]
    public void Ranges_cover_the_whole_space_without_gaps_or_overlaps(int shards)
    {
        var ranges = HashKeyRanges.Split(shards);

        Assert.Equal(UInt128.Zero, ranges[0].Start);
        Assert.Equal(UInt128.MaxValue, ranges[^1].End);
        for (var i = 1; i < shards; i++)
        {
            Assert.Equal(ranges[i - 1].End + 1, ranges[i].Start);
        }
    }

    [Fact]
    public void Two_shards_split_at_two_to_the_127th()
    {
        var ranges = HashKeyRanges.Split(2);

        Assert.Equal(UInt128.One << 127, ranges[1].Start);
    }
}
