using System.Buffers;
using System.Buffers.Binary;

namespace Rivulet.Storage.Local;

/// <summary>
/// The index of a segment's first <c>length</c> bytes, saved beside it (<c>&lt;first position&gt;.idx</c>)
/// so that opening the store reads a few KiB instead of scanning those records: for a sealed segment
/// it covers the whole file (written when the segment is sealed); for the active segment it is a
/// checkpoint of a prefix that a sync has already made durable (and of everything at a clean
/// close), and recovery scans only what follows it. Little-endian:
/// <code>
/// magic "RVLIDX01" · segment length i64 · first position i64 · last position i64
/// · first arrival i64 · last arrival i64 · entry count i32
/// · entries (position i64 · arrival i64 · offset i64)* · CRC-32C of everything before it (u32)
/// </code>
/// A sidecar that is missing, damaged or describes more bytes than the segment holds (or, for a sealed
/// segment, not exactly its bytes) is ignored and the segment scanned instead, so it never needs to
/// be synced itself.
/// </summary>
internal static class SegmentSidecar
{
    private const int HeaderBytes = 8 + (5 * 8) + 4;
    private const int EntryBytes = 24;
    private const int MaxEntries = 1 << 24;
    private static readonly ulong Magic = BinaryPrimitives.ReadUInt64LittleEndian("RVLIDX01"u8);

    public static string PathOf(string segmentPath) => Path.ChangeExtension(segmentPath, ".idx");

    /// <summary>Saves the index of the whole segment.</summary>
    public static void Write(IStorageDevice device, Segment segment, bool sync) =>
        Write(device, segment, segment.Length, segment.LastPosition, segment.LastArrivalMs, sync);

    /// <summary>Saves the index of the segment's first <paramref name="length"/> bytes, whose last record is <paramref name="lastPosition"/>.</summary>
    public static void Write(IStorageDevice device, Segment segment, long length, long lastPosition, long lastArrivalMs, bool sync)
    {
        var index = segment.Index;
        while (index.Length > 0 && index[^1].Offset >= length)
        {
            index = index[..^1];
        }

        var size = HeaderBytes + (index.Length * EntryBytes) + 4;
        var buffer = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            var bytes = buffer.AsSpan(0, size);
            BinaryPrimitives.WriteUInt64LittleEndian(bytes, Magic);
            BinaryPrimitives.WriteInt64LittleEndian(bytes[8..], length);
            BinaryPrimitives.WriteInt64LittleEndian(bytes[16..], segment.FirstPosition);
            BinaryPrimitives.WriteInt64LittleEndian(bytes[24..], length == 0 ? segment.FirstPosition - 1 : lastPosition);
            BinaryPrimitives.WriteInt64LittleEndian(bytes[32..], length == 0 ? 0 : segment.FirstArrivalMs);
            BinaryPrimitives.WriteInt64LittleEndian(bytes[40..], length == 0 ? 0 : lastArrivalMs);
            BinaryPrimitives.WriteInt32LittleEndian(bytes[48..], index.Length);
            var at = HeaderBytes;
            foreach (var entry in index)
            {
                BinaryPrimitives.WriteInt64LittleEndian(bytes[at..], entry.Position);
                BinaryPrimitives.WriteInt64LittleEndian(bytes[(at + 8)..], entry.ArrivalMs);
                BinaryPrimitives.WriteInt64LittleEndian(bytes[(at + 16)..], entry.Offset);
                at += EntryBytes;
            }

            BinaryPrimitives.WriteUInt32LittleEndian(bytes[at..], Crc32C.Compute(bytes[..at]));
            // Overwritten in place rather than truncated first: ext4 flushes a file that is truncated to zero and
            // rewritten when it is closed, which would make every checkpoint cost a disk write. A torn
            // overwrite fails the CRC and is ignored.
            using var file = device.Open(PathOf(segment.Path), FileMode.OpenOrCreate);
            file.Write(0, bytes);
            if (file.Length > size)
            {
                file.Truncate(size);
            }
            if (sync)
            {
                file.Sync();
            }

            segment.CheckpointLength = length;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Loads the sidecar into <paramref name="segment"/> if it is intact and describes exactly the
    /// segment's <paramref name="fileLength"/> bytes, or with <paramref name="prefix"/> at most that
    /// many (then <see cref="Segment.Length"/> says where the scan has to go on).
    /// </summary>
    public static bool TryLoad(IStorageDevice device, Segment segment, long fileLength, bool prefix)
    {
        var path = PathOf(segment.Path);
        if (!File.Exists(path))
        {
            return false;
        }

        byte[] bytes;
        try
        {
            using var file = device.Open(path, FileMode.Open);
            var length = file.Length;
            if (length < HeaderBytes + 4 || length > HeaderBytes + 4 + ((long)MaxEntries * EntryBytes))
            {
                return false;
            }

            bytes = new byte[length];
            if (file.Read(0, bytes) != length)
            {
                return false;
            }
        }
        catch (IOException)
        {
            return false;
        }

        var body = bytes.AsSpan(0, bytes.Length - 4);
        if (BinaryPrimitives.ReadUInt64LittleEndian(bytes) != Magic ||
            Crc32C.Compute(body) != BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(body.Length)))
        {
            return false;
        }

        var recordedLength = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(8));
        var first = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(16));
        var last = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(24));
        var firstArrival = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(32));
        var lastArrival = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(40));
        var count = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(48));
        if ((prefix ? recordedLength > fileLength : recordedLength != fileLength) || recordedLength < 0 || first != segment.FirstPosition || last < first - 1 ||
            count < 0 || HeaderBytes + ((long)count * EntryBytes) != body.Length || (count == 0) != (last < first))
        {
            return false;
        }

        var entries = new IndexEntry[Math.Max(count, 1)];
        for (var i = 0; i < count; i++)
        {
            var at = HeaderBytes + (i * EntryBytes);
            entries[i] = new IndexEntry(
                BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(at)),
                BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(at + 8)),
                BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(at + 16)));
        }

        if (count > 0 && (entries[0].Position != first || entries[0].Offset != 0))
        {
            return false;
        }

        segment.Load(entries, count, recordedLength, last, firstArrival, lastArrival);
        segment.CheckpointLength = recordedLength;
        return true;
    }
}
