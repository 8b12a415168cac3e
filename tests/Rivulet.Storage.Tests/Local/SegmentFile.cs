using System.Buffers.Binary;

namespace Rivulet.Storage.Tests.Local;

/// <summary>Raw access to a closed segment file, for tests that damage it the way a crash or a bad disk would.</summary>
internal static class SegmentFile
{
    /// <summary>Where each frame starts, read from the length prefixes alone.</summary>
    public static List<long> FrameOffsets(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var offsets = new List<long>();
        var offset = 0;
        while (offset + 8 <= bytes.Length)
        {
            offsets.Add(offset);
            offset += 8 + (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset));
        }

        return offsets;
    }

    public static void Truncate(string path, long length)
    {
        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite);
        RandomAccess.SetLength(file, length);
    }

    public static void AppendBytes(string path, byte[] bytes)
    {
        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite);
        RandomAccess.Write(file, bytes, RandomAccess.GetLength(file));
    }

    public static void FlipBit(string path, long offset)
    {
        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite);
        var one = new byte[1];
        RandomAccess.Read(file, one, offset);
        one[0] ^= 0x10;
        RandomAccess.Write(file, one, offset);
    }
}
