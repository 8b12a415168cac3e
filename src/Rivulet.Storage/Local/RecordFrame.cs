using System.Buffers.Binary;
using System.Text;

namespace Rivulet.Storage.Local;

/// <summary>
/// One record in a segment file, all integers little-endian:
/// <code>
/// body length  u32   bytes after the checksum: 18 + key length + data length
/// checksum     u32   CRC-32C of the body
/// position     i64   the record's position in the shard (dense from 0)
/// arrival      i64   epoch milliseconds, shared by every record of one append
/// key length   u16   bytes of the UTF-8 partition key
/// key          UTF-8 partition key
/// data         the record's bytes, to the end of the body
/// </code>
/// </summary>
internal static class RecordFrame
{
    /// <summary>Body length and checksum.</summary>
    public const int PrefixBytes = 8;

    /// <summary>Position, arrival and key length: the smallest possible body.</summary>
    public const int FixedBodyBytes = 18;

    public const int HeaderBytes = PrefixBytes + FixedBodyBytes;

    /// <summary>The largest body the log writes or accepts while reading; a larger length field is damage, not a record.</summary>
    public const int MaxBodyBytes = 64 << 20;

    public static int SizeOf(int keyBytes, int dataBytes) => HeaderBytes + keyBytes + dataBytes;

    /// <summary>Writes one frame at the start of <paramref name="destination"/>, which is exactly <see cref="SizeOf"/> long.</summary>
    public static void Write(Span<byte> destination, long position, long arrivalMs, string partitionKey, int keyBytes, ReadOnlySpan<byte> data)
    {
        var body = destination[PrefixBytes..];
        BinaryPrimitives.WriteUInt32LittleEndian(destination, (uint)body.Length);
        BinaryPrimitives.WriteInt64LittleEndian(body, position);
        BinaryPrimitives.WriteInt64LittleEndian(body[8..], arrivalMs);
        BinaryPrimitives.WriteUInt16LittleEndian(body[16..], (ushort)keyBytes);
        Encoding.UTF8.GetBytes(partitionKey, body.Slice(FixedBodyBytes, keyBytes));
        var headerChecksum = Crc32C.Compute(body[..(FixedBodyBytes + keyBytes)]);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], Crc32C.CopyAndUpdate(headerChecksum, data, body[(FixedBodyBytes + keyBytes)..]));
    }
}
