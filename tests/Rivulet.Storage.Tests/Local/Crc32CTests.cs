using System.Text;
using Rivulet.Storage.Local;

namespace Rivulet.Storage.Tests.Local;

public sealed class Crc32CTests
{
    public static TheoryData<byte[], uint> Rfc3720Vectors => new()
    {
        { new byte[32], 0x8A9136AA },
        { Enumerable.Repeat((byte)0xFF, 32).ToArray(), 0x62A8AB43 },
        { Enumerable.Range(0, 32).Select(i => (byte)i).ToArray(), 0x46DD794E },
        { Enumerable.Range(0, 32).Select(i => (byte)(31 - i)).ToArray(), 0x113FDB5C },
        { Encoding.ASCII.GetBytes("123456789"), 0xE3069283 },
        { [], 0x00000000 },
    };

    [Theory]
    [MemberData(nameof(Rfc3720Vectors))]
    public void The_checksum_matches_the_published_test_vectors(byte[] data, uint expected)
    {
        Assert.Equal(expected, Crc32C.Compute(data));
        Assert.Equal(expected, Crc32C.ComputeWithTable(data));
    }

    [Fact]
    public void The_accelerated_and_the_table_checksums_agree_on_every_length_and_alignment()
    {
        var random = new Random(3720);
        var data = new byte[4_099];
        random.NextBytes(data);
        for (var start = 0; start < 9; start++)
        {
            // Short inputs take one chain; from 384 bytes on, three interleaved lanes and a tail.
            for (var length = 0; length < 2_000; length += 1 + (length / 64))
            {
                var slice = data.AsSpan(start, length);
                Assert.Equal(Crc32C.ComputeWithTable(slice), Crc32C.Compute(slice));
            }
        }

        Assert.Equal(Crc32C.ComputeWithTable(data), Crc32C.Compute(data));
        Assert.Equal(0x8A9136AAu, Crc32C.Compute(new byte[32]));
        Assert.Equal(Crc32C.ComputeWithTable(new byte[3 * 128 * 5 + 7]), Crc32C.Compute(new byte[3 * 128 * 5 + 7]));
    }
}
