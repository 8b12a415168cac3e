using Rivulet.Api.Records;

namespace Rivulet.Api.Tests.Records;

public sealed class SequenceNumberTests
{
    [Theory]
    [InlineData("49590338271490256608559692538361571095921575989136588898", 1542776258L, 6, 1734642199L, 1545084650L)]
    [InlineData("49600883331171471519674795588238531498465399900093808706", 1572329810L, 4, 470568612L, 1572383427L)]
    [InlineData("49600902273357540915989931256902715169698037101720764562", 1572382897L, 9, 161L, 1572383427L)]
    public void AWS_sample_numbers_decode_to_their_shard_position_and_arrival_and_encode_back(string text, long created, int shard, long position, long arrival)
    {
        Assert.True(SequenceNumber.TryParse(text, out var parsed));

        Assert.Equal(new SequenceNumber(created, shard, position, arrival), parsed);
        Assert.Equal(text, parsed.ToString());
    }

    [Fact]
    public void Numbers_grow_with_position_even_when_arrival_time_goes_back()
    {
        var earlier = new SequenceNumber(1_700_000_000, 3, 41, 1_700_000_500);
        var later = new SequenceNumber(1_700_000_000, 3, 42, 1_700_000_100);

        Assert.True(System.Numerics.BigInteger.Parse(later.ToString()) > System.Numerics.BigInteger.Parse(earlier.ToString()));
    }

    [Fact]
    public void The_largest_position_round_trips()
    {
        var number = new SequenceNumber(68_719_476_735, int.MaxValue, SequenceNumber.MaxPosition, 68_719_476_735);

        Assert.True(SequenceNumber.TryParse(number.ToString(), out var parsed));
        Assert.Equal(number, parsed);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("123")]
    [InlineData("not a number")]
    [InlineData("39590338271490256608559692538361571095921575989136588898")]
    [InlineData("4959033827149025660855969253836157109592157598913658889812345")]
    public void Anything_but_a_version_2_number_is_rejected(string text) =>
        Assert.False(SequenceNumber.TryParse(text, out _));
}
