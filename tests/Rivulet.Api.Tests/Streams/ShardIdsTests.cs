using Rivulet.Api.Streams;

namespace Rivulet.Api.Tests.Streams;

public sealed class ShardIdsTests
{
    [Theory]
    [InlineData("shardId-000000000005", 5)]
    [InlineData("shardId-5", 5)]
    [InlineData("shard-0", 0)]
    [InlineData("12", 12)]
    public void AWS_reads_the_digits_after_the_last_dash(string shardId, int index)
    {
        Assert.True(ShardIds.TryParse(shardId, out var parsed));
        Assert.Equal(index, parsed);
    }

    [Theory]
    [InlineData("shardId-abc")]
    [InlineData("shardId-")]
    [InlineData("shardId-2147483648")]
    public void Non_numeric_or_too_large_ids_name_no_shard(string shardId) =>
        Assert.False(ShardIds.TryParse(shardId, out _));

    [Fact]
    public void Ids_are_written_with_twelve_digits() =>
        Assert.Equal("shardId-000000000042", ShardIds.Format(42));
}
