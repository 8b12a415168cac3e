using Rivulet.Api.Records;

namespace Rivulet.Api.Tests.Records;

public sealed class ShardIteratorTests
{
    private static readonly byte[] Key = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();

    [Fact]
    public void An_iterator_round_trips_and_stays_within_AWS_length_limit()
    {
        var iterator = new ShardIterator("000000000000", new string('s', 128), 1_700_000_000_123, 7, false, 42, 1_700_000_001_000);

        var text = iterator.Encode(Key);

        Assert.InRange(text.Length, 1, 512);
        Assert.True(ShardIterator.TryDecode(text, Key, out var decoded));
        Assert.Equal(iterator, decoded);
    }

    [Fact]
    public void A_tampered_or_foreign_iterator_is_rejected()
    {
        var text = new ShardIterator("000000000000", "stream", 1, 0, true, 5, 2).Encode(Key);
        var bytes = Convert.FromBase64String(text);
        bytes[10] ^= 1;

        Assert.False(ShardIterator.TryDecode(Convert.ToBase64String(bytes), Key, out _));
        Assert.False(ShardIterator.TryDecode(text, new byte[32], out _));
        Assert.False(ShardIterator.TryDecode("garbage", Key, out _));
        Assert.False(ShardIterator.TryDecode("", Key, out _));
    }
}
