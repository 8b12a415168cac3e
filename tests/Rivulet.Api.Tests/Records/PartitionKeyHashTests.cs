using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using Rivulet.Api.Records;

namespace Rivulet.Api.Tests.Records;

public sealed class PartitionKeyHashTests
{
    [Theory]
    [InlineData("partitionkey1")]
    [InlineData("ключ-🙂")]
    [InlineData("")]
    public void The_hash_is_the_MD5_of_the_UTF8_key_as_an_unsigned_big_endian_integer(string key)
    {
        var expected = new BigInteger(MD5.HashData(Encoding.UTF8.GetBytes(key)), isUnsigned: true, isBigEndian: true);

        Assert.Equal(expected.ToString(), PartitionKeyHash.Of(key).ToString());
    }

    [Fact]
    public void Long_keys_hash_like_short_ones()
    {
        var key = new string('é', 256);
        var expected = new BigInteger(MD5.HashData(Encoding.UTF8.GetBytes(key)), isUnsigned: true, isBigEndian: true);

        Assert.Equal(expected.ToString(), PartitionKeyHash.Of(key).ToString());
    }

    [Fact]
    public void Explicit_hash_keys_above_two_to_the_128th_minus_one_are_rejected()
    {
        Assert.True(PartitionKeyHash.TryParseExplicit("340282366920938463463374607431768211455", out var max));
        Assert.Equal(UInt128.MaxValue, max);
        Assert.False(PartitionKeyHash.TryParseExplicit("340282366920938463463374607431768211456", out _));
    }
}
