using System.Globalization;
using System.Numerics;

namespace Rivulet.LoadGen;

internal static class WireValues
{
    // Longest SequenceNumber the model allows: 0|([1-9]\d{0,128}).
    public const int MaxSequenceNumberLength = 129;

    // "shardId-000000000007" → 7. Shard ids name their index after the last '-' (kinesis-wire.md §5.1).
    public static bool TryParseShardIndex(ReadOnlySpan<byte> shardId, out int index)
    {
        index = 0;
        var dash = shardId.LastIndexOf((byte)'-');
        var digits = shardId[(dash + 1)..];
        if (digits.Length == 0)
            return false;
        long value = 0;
        foreach (var b in digits)
        {
            if (b is < (byte)'0' or > (byte)'9')
                return false;
            value = value * 10 + (b - '0');
            if (value > int.MaxValue)
                return false;
        }

        index = (int)value;
        return true;
    }

    public static string ShardId(int index) => $"shardId-{index:D12}";

    // Sequence numbers are compared as integers: "10" > "9" although it sorts before it as a string.
    public static bool TryParseSequenceNumber(ReadOnlySpan<byte> utf8, out BigInteger value)
    {
        value = default;
        if (utf8.Length is 0 or > MaxSequenceNumberLength)
            return false;
        Span<char> chars = stackalloc char[utf8.Length];
        for (var i = 0; i < utf8.Length; i++)
        {
            if (utf8[i] is < (byte)'0' or > (byte)'9')
                return false;
            chars[i] = (char)utf8[i];
        }

        return BigInteger.TryParse(chars, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }
}
