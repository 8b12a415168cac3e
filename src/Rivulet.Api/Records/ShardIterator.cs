using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Rivulet.Api.Records;

/// <summary>
/// A shard iterator: where a reader stands in one shard of one incarnation of a stream. It is
/// opaque to clients, authenticated with HMAC-SHA256 so a tampered one is rejected, and carries its
/// issue time because AWS lets an iterator live for 300 s (wire reference §5.3).
/// A position iterator names the next record to read; a timestamp iterator (AT_TIMESTAMP) is
/// resolved when it is first used, so records that arrive later are still found.
/// Format 2 names the stream's region; format 1 (written before regions were) decodes as the
/// server's own region, so iterators handed out before an upgrade keep working.
/// </summary>
internal readonly record struct ShardIterator(
    string AccountId,
    string Region,
    string StreamName,
    long StreamCreatedAtMs,
    int ShardIndex,
    bool ByTimestamp,
    long Value,
    long IssuedAtMs)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMilliseconds(300_000);

    private const byte FormatVersion = 2;
    private const byte FormatWithoutRegion = 1;
    private const int MacLength = 16;

    public string Encode(byte[] key)
    {
        var account = Encoding.UTF8.GetBytes(AccountId);
        var region = Encoding.UTF8.GetBytes(Region);
        var stream = Encoding.UTF8.GetBytes(StreamName);
        var length = 1 + 1 + account.Length + 1 + region.Length + 1 + stream.Length + 8 + 4 + 1 + 8 + 8;
        var buffer = new byte[length + MacLength];
        var offset = 0;
        buffer[offset++] = FormatVersion;
        buffer[offset++] = (byte)account.Length;
        account.CopyTo(buffer, offset);
        offset += account.Length;
        buffer[offset++] = (byte)region.Length;
        region.CopyTo(buffer, offset);
        offset += region.Length;
        buffer[offset++] = (byte)stream.Length;
        stream.CopyTo(buffer, offset);
        offset += stream.Length;
        BinaryPrimitives.WriteInt64BigEndian(buffer.AsSpan(offset), StreamCreatedAtMs);
        offset += 8;
        BinaryPrimitives.WriteInt32BigEndian(buffer.AsSpan(offset), ShardIndex);
        offset += 4;
        buffer[offset++] = ByTimestamp ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteInt64BigEndian(buffer.AsSpan(offset), Value);
        offset += 8;
        BinaryPrimitives.WriteInt64BigEndian(buffer.AsSpan(offset), IssuedAtMs);
        offset += 8;
        Sign(key, buffer.AsSpan(0, offset), buffer.AsSpan(offset, MacLength));
        return Convert.ToBase64String(buffer);
    }

    /// <param name="defaultRegion">The region of a format-1 iterator: the server's own.</param>
    public static bool TryDecode(string? text, byte[] key, string defaultRegion, out ShardIterator iterator)
    {
        iterator = default;
        if (string.IsNullOrEmpty(text) || text.Length > 512)
        {
            return false;
        }

        Span<byte> buffer = stackalloc byte[512];
        if (!Convert.TryFromBase64String(text, buffer, out var length) || length < 1 + 1 + 1 + 8 + 4 + 1 + 8 + 8 + MacLength)
        {
            return false;
        }

        var payload = buffer[..(length - MacLength)];
        Span<byte> expected = stackalloc byte[MacLength];
        Sign(key, payload, expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, buffer.Slice(length - MacLength, MacLength)) || payload[0] is not (FormatVersion or FormatWithoutRegion))
        {
            return false;
        }

        var offset = 1;
        var accountLength = payload[offset++];
        var account = Encoding.UTF8.GetString(payload.Slice(offset, accountLength));
        offset += accountLength;
        var region = defaultRegion;
        if (payload[0] == FormatVersion)
        {
            var regionLength = payload[offset++];
            region = Encoding.UTF8.GetString(payload.Slice(offset, regionLength));
            offset += regionLength;
        }

        var streamLength = payload[offset++];
        var stream = Encoding.UTF8.GetString(payload.Slice(offset, streamLength));
        offset += streamLength;
        var created = BinaryPrimitives.ReadInt64BigEndian(payload[offset..]);
        offset += 8;
        var shard = BinaryPrimitives.ReadInt32BigEndian(payload[offset..]);
        offset += 4;
        var byTimestamp = payload[offset++] == 1;
        var value = BinaryPrimitives.ReadInt64BigEndian(payload[offset..]);
        offset += 8;
        var issued = BinaryPrimitives.ReadInt64BigEndian(payload[offset..]);
        iterator = new ShardIterator(account, region, stream, created, shard, byTimestamp, value, issued);
        return true;
    }

    private static void Sign(byte[] key, ReadOnlySpan<byte> payload, Span<byte> mac)
    {
        Span<byte> full = stackalloc byte[32];
        HMACSHA256.HashData(key, payload, full);
        full[..MacLength].CopyTo(mac);
    }
}
