using System.Numerics;

namespace Rivulet.Api.Records;

/// <summary>
/// AWS's "version 2" sequence number (wire reference §5.2): 47 hex digits read as one integer and
/// written in decimal. From the most significant end: version 2 (1 hex digit), the shard's creation
/// time in seconds (9), the shard index's low nibble (1), the position in the shard (16), 00 (2), the
/// arrival time in seconds (9), the shard index (8), version 2 (1). The position sits above the
/// arrival time, so numbers grow with position whatever the clock does.
/// </summary>
internal readonly record struct SequenceNumber(long ShardCreatedSeconds, int ShardIndex, long Position, long ArrivalSeconds)
{
    private const ulong DecimalChunk = 10_000_000_000_000_000_000UL; // 10^19, the largest power of ten in a ulong

    /// <summary>The greatest position a sequence number can carry (AWS's counter stays below 2^63).</summary>
    public const long MaxPosition = long.MaxValue;

    public override string ToString()
    {
        Span<char> digits = stackalloc char[64];
        var written = Format(digits);
        return new string(digits[..written]);
    }

    /// <summary>Writes the decimal form; returns the number of characters (57 at most).</summary>
    public int Format(Span<char> destination)
    {
        // Three 64-bit limbs, least significant first; together they hold the 188-bit value.
        var created = (ulong)ShardCreatedSeconds & 0xF_FFFF_FFFF;
        var arrival = (ulong)ArrivalSeconds & 0xF_FFFF_FFFF;
        var index = (ulong)(uint)ShardIndex;
        var position = (ulong)Position;
        UInt128 low = ((UInt128)position << 80) | ((UInt128)arrival << 36) | ((UInt128)index << 4) | 2;
        var high = (2UL << 56) | (created << 20) | ((index & 0xF) << 16) | (position >> 48);

        // Split into base-10^19 chunks by long division.
        Span<ulong> chunks = stackalloc ulong[4];
        var count = 0;
        var limbs = (High: high, Mid: (ulong)(low >> 64), Low: (ulong)low);
        while (limbs.High != 0 || limbs.Mid != 0 || limbs.Low != 0)
        {
            UInt128 remainder = 0;
            var q2 = DivideStep(limbs.High, ref remainder);
            var q1 = DivideStep(limbs.Mid, ref remainder);
            var q0 = DivideStep(limbs.Low, ref remainder);
            chunks[count++] = (ulong)remainder;
            limbs = (q2, q1, q0);
        }

        var length = 0;
        for (var i = count - 1; i >= 0; i--)
        {
            var chunk = chunks[i];
            if (i == count - 1)
            {
                chunk.TryFormat(destination[length..], out var n);
                length += n;
            }
            else
            {
                for (var d = 18; d >= 0; d--)
                {
                    destination[length + d] = (char)('0' + (int)(chunk % 10));
                    chunk /= 10;
                }

                length += 19;
            }
        }

        return length;
    }

    /// <summary>Parses the decimal form; false when it is not a version 2 sequence number.</summary>
    public static bool TryParse(string? text, out SequenceNumber sequenceNumber)
    {
        sequenceNumber = default;
        if (string.IsNullOrEmpty(text) || text.Length > 57 || !BigInteger.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value))
        {
            return false;
        }

        if (value.GetBitLength() > 188 || (value >> 184) != 2 || (value & 0xF) != 2 || ((value >> 72) & 0xFF) != 0)
        {
            return false;
        }

        var created = (long)((value >> 148) & 0xF_FFFF_FFFF);
        var position = (ulong)((value >> 80) & ulong.MaxValue);
        var arrival = (long)((value >> 36) & 0xF_FFFF_FFFF);
        var index = (uint)((value >> 4) & uint.MaxValue);
        var indexNibble = (int)((value >> 144) & 0xF);
        if (position > long.MaxValue || index > int.MaxValue || indexNibble != (index & 0xF))
        {
            return false;
        }

        sequenceNumber = new SequenceNumber(created, (int)index, (long)position, arrival);
        return true;
    }

    private static ulong DivideStep(ulong limb, ref UInt128 remainder)
    {
        var dividend = (remainder << 64) | limb;
        var quotient = dividend / DecimalChunk;
        remainder = dividend - (quotient * DecimalChunk);
        return (ulong)quotient;
    }
}
