using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Rivulet.Api.Records;

/// <summary>
/// The hash key of a record: MD5 of the partition key's UTF-8 bytes read as an unsigned 128-bit
/// big-endian integer (AWS PutRecord docs; wire reference §5.1).
/// </summary>
internal static class PartitionKeyHash
{
    public static UInt128 Of(string partitionKey)
    {
        Span<byte> digest = stackalloc byte[16];
        var maxBytes = Encoding.UTF8.GetMaxByteCount(partitionKey.Length);
        byte[]? rented = null;
        var utf8 = maxBytes <= 1024 ? stackalloc byte[maxBytes] : (rented = ArrayPool<byte>.Shared.Rent(maxBytes));
        try
        {
            var length = Encoding.UTF8.GetBytes(partitionKey, utf8);
            Md5.Hash(utf8[..length], digest);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }

        return BinaryPrimitives.ReadUInt128BigEndian(digest);
    }

    /// <summary>Parses an ExplicitHashKey already checked against the model's pattern; false when above 2^128 − 1.</summary>
    public static bool TryParseExplicit(string value, out UInt128 hashKey) =>
        UInt128.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out hashKey);
}
