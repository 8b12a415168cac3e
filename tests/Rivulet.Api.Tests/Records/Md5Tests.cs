using System.Security.Cryptography;
using System.Text;
using Rivulet.Api.Records;

namespace Rivulet.Api.Tests.Records;

public sealed class Md5Tests
{
    [Theory]
    [InlineData("", "d41d8cd98f00b204e9800998ecf8427e")]
    [InlineData("a", "0cc175b9c0f1b6a831c399e269772661")]
    [InlineData("abc", "900150983cd24fb0d6963f7d28e17f72")]
    [InlineData("message digest", "f96b697d7cb7938d525a2f31aaf161d0")]
    [InlineData("12345678901234567890123456789012345678901234567890123456789012345678901234567890", "57edf4a22be3c955ac49da2e2107b67a")]
    public void RFC_1321_test_suite(string text, string hex)
    {
        Span<byte> digest = stackalloc byte[16];

        Md5.Hash(Encoding.ASCII.GetBytes(text), digest);

        Assert.Equal(hex, Convert.ToHexStringLower(digest));
    }

    [Fact]
    public void Agrees_with_the_platform_MD5_on_every_length_across_block_boundaries()
    {
        var random = new Random(1321);
        var data = new byte[1100];
        random.NextBytes(data);
        Span<byte> digest = stackalloc byte[16];
        for (var length = 0; length <= data.Length; length++)
        {
            Md5.Hash(data.AsSpan(0, length), digest);
            Assert.True(MD5.HashData(data.AsSpan(0, length)).AsSpan().SequenceEqual(digest), $"length {length}");
        }
    }
}
