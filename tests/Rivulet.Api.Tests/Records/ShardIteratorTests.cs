using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Rivulet.Api.Records;

namespace Rivulet.Api.Tests.Records;

public sealed class ShardIteratorTests
{
    private static readonly byte[] Key = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();

    [Fact]
    public void An_iterator_round_trips_and_stays_within_AWS_length_limit()
    {
        var iterator = new ShardIterator("000000000000", new string('r', 63), new string('s', 128), 1_700_000_000_123, 7, false, 42, 1_700_000_001_000);

        var text = iterator.Encode(Key);

        Assert.InRange(text.Length, 1, 512);
        Assert.True(ShardIterator.TryDecode(text, Key, "us-east-1", out var decoded));
        Assert.Equal(iterator, decoded);
    }

    [Fact]
    public void A_tampered_or_foreign_iterator_is_rejected()
    {
        var text = new ShardIterator("000000000000", "us-east-1", "stream", 1, 0, true, 5, 2).Encode(Key);
        var bytes = Convert.FromBase64String(text);
        bytes[10] ^= 1;

        Assert.False(ShardIterator.TryDecode(Convert.ToBase64String(bytes), Key, "us-east-1", out _));
        Assert.False(ShardIterator.TryDecode(text, new byte[32], "us-east-1", out _));
        Assert.False(ShardIterator.TryDecode("garbage", Key, "us-east-1", out _));
        Assert.False(ShardIterator.TryDecode("", Key, "us-east-1", out _));
    }

    [Fact]
    public void An_iterator_issued_before_regions_were_encoded_reads_as_the_servers_region()
    {
        // Format 1: version, account, stream, creation time, shard, by-timestamp flag, value, issue time, 16 bytes of HMAC-SHA256.
        var account = Encoding.UTF8.GetBytes("000000000000");
        var stream = Encoding.UTF8.GetBytes("orders");
        var payload = new List<byte> { 1, (byte)account.Length };
        payload.AddRange(account);
        payload.Add((byte)stream.Length);
        payload.AddRange(stream);
        payload.AddRange(BigEndian(1_700_000_000_123L));
        payload.AddRange(BigEndian(3));
        payload.Add(0);
        payload.AddRange(BigEndian(42L));
        payload.AddRange(BigEndian(1_700_000_001_000L));
        var mac = HMACSHA256.HashData(Key, payload.ToArray()).AsSpan(0, 16).ToArray();

        Assert.True(ShardIterator.TryDecode(Convert.ToBase64String([.. payload, .. mac]), Key, "eu-west-1", out var decoded));

        Assert.Equal(new ShardIterator("000000000000", "eu-west-1", "orders", 1_700_000_000_123, 3, false, 42, 1_700_000_001_000), decoded);
    }

    private static byte[] BigEndian(long value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(bytes, value);
        return bytes;
    }

    private static byte[] BigEndian(int value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(bytes, value);
        return bytes;
    }
}
