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

    [Theory]
    [InlineData("sse42")]
    [InlineData("fold512")]
    public void Each_x86_path_agrees_with_the_table_on_every_length_and_alignment(string path)
    {
        var random = new Random(2048);
        var data = new byte[70_000];
        random.NextBytes(data);
        if (Crc32C.ComputeWithPath(data, path) is null)
        {
            Assert.Skip($"this CPU cannot run the {path} path");
        }

        var checkedLengths = 0;
        for (var start = 0; start < 5; start++)
        {
            // Around every boundary folding has: 16-byte lanes, 64-byte vectors, 256-byte turns.
            for (var length = 0; length < 1_300; length++)
            {
                var slice = data.AsSpan(start, length);
                if (Crc32C.ComputeWithPath(slice, path) is { } checksum)
                {
                    Assert.Equal(Crc32C.ComputeWithTable(slice), checksum);
                    checkedLengths++;
                }
            }
        }

        Assert.True(checkedLengths > 4_000);
        Assert.Equal(Crc32C.ComputeWithTable(data), Crc32C.ComputeWithPath(data, path));
        var ones = Enumerable.Repeat((byte)0xFF, 4_096).ToArray();
        Assert.Equal(Crc32C.ComputeWithTable(ones), Crc32C.ComputeWithPath(ones, path));
    }

    [Fact]
    public void Checksums_continue_across_pieces_and_a_copying_update_copies_exactly()
    {
        var random = new Random(1062);
        var data = new byte[5_000];
        random.NextBytes(data);
        foreach (var split in new[] { 0, 1, 3, 4, 5, 17, 38, 255, 256, 1_000, 4_999, 5_000 })
        {
            var whole = Crc32C.ComputeWithTable(data);
            Assert.Equal(whole, Crc32C.Update(Crc32C.Compute(data.AsSpan(0, split)), data.AsSpan(split)));

            var copy = new byte[data.Length + 2];
            var prefix = Crc32C.Compute(data.AsSpan(0, split));
            var copied = Crc32C.CopyAndUpdate(prefix, data.AsSpan(split), copy.AsSpan(1, data.Length - split));
            Assert.Equal(whole, copied);
            Assert.True(data.AsSpan(split).SequenceEqual(copy.AsSpan(1, data.Length - split)));
            Assert.Equal(0, copy[0]);
            Assert.Equal(0, copy[^1]);
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => Crc32C.CopyAndUpdate(0, new byte[300], new byte[299]));
    }
}
