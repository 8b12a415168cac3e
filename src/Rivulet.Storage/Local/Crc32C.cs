using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using ArmCrc32 = System.Runtime.Intrinsics.Arm.Crc32;
using X86Pclmulqdq = System.Runtime.Intrinsics.X86.Pclmulqdq;
using X86Sse42 = System.Runtime.Intrinsics.X86.Sse42;

namespace Rivulet.Storage.Local;

/// <summary>
/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78) as iSCSI uses it (RFC 3720 §B.4): initial
/// value and final XOR 0xFFFFFFFF. The SSE4.2 and ARMv8 CRC instructions compute exactly this
/// polynomial eight bytes at a time; other machines use a byte table.
///
/// One instruction waits for the previous one's result (3 cycles), so a single chain uses a third of
/// what the CPU can do. Long inputs are therefore taken in blocks of three lanes of
/// <see cref="LaneBytes"/>, each lane its own chain, joined afterwards. The CRC register is linear:
/// crc(s, A‖B) = Z(crc(s, A)) ⊕ crc(0, B), where Z advances a register over |B| zero bytes, which
/// <see cref="ZeroLaneTable"/> does in four lookups.
///
/// Where the CPU multiplies 512-bit vectors without carries (VPCLMULQDQ with AVX-512), inputs of
/// 256 bytes and more are folded instead, about three times as fast: see <see cref="FoldWide"/>.
/// (Folding 128 bits at a time measured no faster than the three CRC lanes, so there is no such path.)
/// </summary>
internal static class Crc32C
{
    private const uint Polynomial = 0x82F63B78;
    private const int LaneBytes = 128;

    private static readonly uint[] Table = BuildTable();

    /// <summary>Four 256-entry tables: entry [k·256 + b] is the register b·2^(8k) advanced over <see cref="LaneBytes"/> zero bytes.</summary>
    private static readonly uint[] ZeroLaneTable = BuildZeroLaneTable();

    public static uint Compute(ReadOnlySpan<byte> data) => Update(0, data);

    /// <summary>The checksum of the bytes <paramref name="crc"/> is the checksum of, followed by <paramref name="data"/>.</summary>
    public static uint Update(uint crc, ReadOnlySpan<byte> data)
    {
        if (X86Sse42.X64.IsSupported)
        {
            if (X86Pclmulqdq.V512.IsSupported && data.Length >= WideFoldMinimum)
            {
                ref var start = ref MemoryMarshal.GetReference(data);
                return ~FoldWide(~crc, ref start, data.Length, ref start, copy: false);
            }

            return ~ComputeSse42(~crc, data);
        }

        if (ArmCrc32.Arm64.IsSupported)
        {
            return ~ComputeArm(~crc, data);
        }

        return ~ComputeTable(~crc, data);
    }

    /// <summary>
    /// Copies <paramref name="source"/> into <paramref name="destination"/> (as long) and returns
    /// <see cref="Update"/> over it: where folding runs, each byte is read once for both.
    /// </summary>
    public static uint CopyAndUpdate(uint crc, ReadOnlySpan<byte> source, Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(destination.Length, source.Length, nameof(destination));
        if (X86Sse42.X64.IsSupported && X86Pclmulqdq.V512.IsSupported && source.Length >= WideFoldMinimum)
        {
            return ~FoldWide(~crc, ref MemoryMarshal.GetReference(source), source.Length, ref MemoryMarshal.GetReference(destination), copy: true);
        }

        source.CopyTo(destination);
        return Update(crc, destination);
    }

    /// <summary>The portable path on its own, so that tests can hold it against the accelerated one.</summary>
    internal static uint ComputeWithTable(ReadOnlySpan<byte> data) => ~ComputeTable(~0u, data);

    /// <summary>Each x86 path on its own, for tests; null where this CPU lacks the instructions or the input is too short for the path.</summary>
    internal static uint? ComputeWithPath(ReadOnlySpan<byte> data, string path)
    {
        ref var start = ref MemoryMarshal.GetReference(data);
        return path switch
        {
            "sse42" when X86Sse42.X64.IsSupported => ~ComputeSse42(~0u, data),
            "fold512" when X86Sse42.X64.IsSupported && X86Pclmulqdq.V512.IsSupported && data.Length >= WideFoldMinimum =>
                ~FoldWide(~0u, ref start, data.Length, ref start, copy: false),
            _ => null,
        };
    }

    // Folding, in brief. Read 16 bytes little-endian as a 128-bit polynomial whose bit i is the
    // coefficient of x^(127-i): the first bit the CRC consumes is the highest power, as in the
    // reflected CRC itself. The message is then Σ Bₖ·x^(128·(n-1-k)), and its CRC register is
    // M·x^32 mod P. Folding keeps one 128-bit A ≡ (message so far) (mod P): with A = Aₗ·x^64 + Aₕ
    // (Aₗ, the low quadword, holds the high powers), moving A forward by D bits over the next block B
    // is A·x^D + B ≡ Aₗ·(x^(D+64) mod P) + Aₕ·(x^D mod P) + B, two carry-less products of 64 by 32
    // bits that stay under 128 bits. A carry-less product of two such reflected quadwords reads one
    // power too high as a 128-bit value, so each constant is x^(D+63) or x^(D-1) mod P instead.
    // Several accumulators run side by side (the multiplier's latency would otherwise bound the loop),
    // are folded into one at the end, and the remaining A, an ordinary 16-byte message congruent to
    // everything before it, goes through the CRC instruction from a zero register, which multiplies
    // by x^32 and reduces. The initial register is XORed into the first four bytes, as a reflected
    // CRC allows.

    private const int WideFoldMinimum = 256;

    private static readonly Vector128<ulong> Fold128 = FoldKeys(128);
    private static readonly Vector128<ulong> Fold256 = FoldKeys(256);
    private static readonly Vector128<ulong> Fold384 = FoldKeys(384);
    private static readonly Vector512<ulong> Fold512Wide = Widen(FoldKeys(512));
    private static readonly Vector512<ulong> Fold2048Wide = Widen(FoldKeys(2048));

    /// <summary>
    /// Four 64-byte accumulators, 256 bytes a turn; then one, then one 16-byte lane. With
    /// <paramref name="copy"/>, every vector read is also stored at the same offset of <paramref name="destination"/>.
    /// </summary>
    private static uint FoldWide(uint register, ref byte source, int length, ref byte destination, bool copy)
    {
        var a = Take512(ref source, ref destination, 0, copy) ^ Vector512.CreateScalar(register).AsUInt64();
        var b = Take512(ref source, ref destination, 64, copy);
        var c = Take512(ref source, ref destination, 128, copy);
        var d = Take512(ref source, ref destination, 192, copy);
        nuint i = 256;
        for (; (int)i + 256 <= length; i += 256)
        {
            a = Fold(a, Fold2048Wide) ^ Take512(ref source, ref destination, i, copy);
            b = Fold(b, Fold2048Wide) ^ Take512(ref source, ref destination, i + 64, copy);
            c = Fold(c, Fold2048Wide) ^ Take512(ref source, ref destination, i + 128, copy);
            d = Fold(d, Fold2048Wide) ^ Take512(ref source, ref destination, i + 192, copy);
        }

        a = Fold(Fold(Fold(a, Fold512Wide) ^ b, Fold512Wide) ^ c, Fold512Wide) ^ d;
        for (; (int)i + 64 <= length; i += 64)
        {
            a = Fold(a, Fold512Wide) ^ Take512(ref source, ref destination, i, copy);
        }

        var lane = Fold(a.GetLower().GetLower(), Fold384) ^ Fold(a.GetLower().GetUpper(), Fold256)
            ^ Fold(a.GetUpper().GetLower(), Fold128) ^ a.GetUpper().GetUpper();
        for (; (int)i + 16 <= length; i += 16)
        {
            var next = Vector128.LoadUnsafe(ref source, i);
            if (copy)
            {
                next.StoreUnsafe(ref destination, i);
            }

            lane = Fold(lane, Fold128) ^ next.AsUInt64();
        }

        var tail = MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref source, i), length - (int)i);
        if (copy)
        {
            tail.CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref destination, i), tail.Length));
        }

        var folded = (uint)X86Sse42.X64.Crc32(X86Sse42.X64.Crc32(0, lane.GetElement(0)), lane.GetElement(1));
        return ComputeSse42(folded, tail);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<ulong> Take512(ref byte source, ref byte destination, nuint offset, bool copy)
    {
        var value = Vector512.LoadUnsafe(ref source, offset);
        if (copy)
        {
            value.StoreUnsafe(ref destination, offset);
        }

        return value.AsUInt64();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<ulong> Fold(Vector128<ulong> value, Vector128<ulong> keys) =>
        X86Pclmulqdq.CarrylessMultiply(value, keys, 0x00) ^ X86Pclmulqdq.CarrylessMultiply(value, keys, 0x11);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<ulong> Fold(Vector512<ulong> value, Vector512<ulong> keys) =>
        X86Pclmulqdq.V512.CarrylessMultiply(value, keys, 0x00) ^ X86Pclmulqdq.V512.CarrylessMultiply(value, keys, 0x11);

    /// <summary>The constants that move a 128-bit accumulator forward by <paramref name="distance"/> bits (see above).</summary>
    private static Vector128<ulong> FoldKeys(int distance) =>
        Vector128.Create(Reflect64(PowerOfXModP(distance + 63)), Reflect64(PowerOfXModP(distance - 1)));

    private static Vector512<ulong> Widen(Vector128<ulong> keys) => Vector512.Create(Vector256.Create(keys, keys), Vector256.Create(keys, keys));

    /// <summary>x^n mod P, bit d holding the coefficient of x^d.</summary>
    private static uint PowerOfXModP(int n)
    {
        const uint normalPolynomial = 0x1EDC6F41;
        var value = 1u;
        for (var k = 0; k < n; k++)
        {
            value = (value & 0x80000000) != 0 ? (value << 1) ^ normalPolynomial : value << 1;
        }

        return value;
    }

    /// <summary>A polynomial of degree under 64 as a reflected quadword: the coefficient of x^d at bit 63-d.</summary>
    private static ulong Reflect64(uint polynomial)
    {
        ulong reflected = 0;
        for (var d = 0; d < 32; d++)
        {
            if ((polynomial & (1u << d)) != 0)
            {
                reflected |= 1UL << (63 - d);
            }
        }

        return reflected;
    }

    private static uint ComputeSse42(uint crc, ReadOnlySpan<byte> data)
    {
        ref var start = ref MemoryMarshal.GetReference(data);
        var length = data.Length;
        var i = 0;
        for (; i + (3 * LaneBytes) <= length; i += 3 * LaneBytes)
        {
            ulong a = crc, b = 0, c = 0;
            ref var lane = ref Unsafe.Add(ref start, i);
            for (var j = 0; j < LaneBytes; j += 8)
            {
                a = X86Sse42.X64.Crc32(a, LittleEndian(Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref lane, j))));
                b = X86Sse42.X64.Crc32(b, LittleEndian(Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref lane, LaneBytes + j))));
                c = X86Sse42.X64.Crc32(c, LittleEndian(Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref lane, (2 * LaneBytes) + j))));
            }

            crc = AdvanceOverZeroLane(AdvanceOverZeroLane((uint)a) ^ (uint)b) ^ (uint)c;
        }

        ulong wide = crc;
        for (; i + 8 <= length; i += 8)
        {
            wide = X86Sse42.X64.Crc32(wide, LittleEndian(Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, i))));
        }

        crc = (uint)wide;
        for (; i < length; i++)
        {
            crc = X86Sse42.Crc32(crc, Unsafe.Add(ref start, i));
        }

        return crc;
    }

    private static uint ComputeArm(uint crc, ReadOnlySpan<byte> data)
    {
        ref var start = ref MemoryMarshal.GetReference(data);
        var length = data.Length;
        var i = 0;
        for (; i + (3 * LaneBytes) <= length; i += 3 * LaneBytes)
        {
            uint a = crc, b = 0, c = 0;
            ref var lane = ref Unsafe.Add(ref start, i);
            for (var j = 0; j < LaneBytes; j += 8)
            {
                a = ArmCrc32.Arm64.ComputeCrc32C(a, LittleEndian(Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref lane, j))));
                b = ArmCrc32.Arm64.ComputeCrc32C(b, LittleEndian(Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref lane, LaneBytes + j))));
                c = ArmCrc32.Arm64.ComputeCrc32C(c, LittleEndian(Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref lane, (2 * LaneBytes) + j))));
            }

            crc = AdvanceOverZeroLane(AdvanceOverZeroLane(a) ^ b) ^ c;
        }

        for (; i + 8 <= length; i += 8)
        {
            crc = ArmCrc32.Arm64.ComputeCrc32C(crc, LittleEndian(Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, i))));
        }

        for (; i < length; i++)
        {
            crc = ArmCrc32.ComputeCrc32C(crc, Unsafe.Add(ref start, i));
        }

        return crc;
    }

    private static uint ComputeTable(uint crc, ReadOnlySpan<byte> data)
    {
        var table = Table;
        foreach (var b in data)
        {
            crc = table[(byte)(crc ^ b)] ^ (crc >> 8);
        }

        return crc;
    }

    private static uint AdvanceOverZeroLane(uint crc)
    {
        var table = ZeroLaneTable;
        return table[(byte)crc] ^ table[256 + (byte)(crc >> 8)] ^ table[512 + (byte)(crc >> 16)] ^ table[768 + (crc >> 24)];
    }

    // The instructions consume the bytes in memory order, i.e. the value read little-endian.
    private static ulong LittleEndian(ulong value) => BitConverter.IsLittleEndian ? value : BinaryPrimitives.ReverseEndianness(value);

    private static uint[] BuildZeroLaneTable()
    {
        var table = new uint[4 * 256];
        for (var k = 0; k < 4; k++)
        {
            for (uint b = 0; b < 256; b++)
            {
                var crc = b << (8 * k);
                for (var n = 0; n < LaneBytes; n++)
                {
                    crc = Table[(byte)crc] ^ (crc >> 8);
                }

                table[(k * 256) + (int)b] = crc;
            }
        }

        return table;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            var entry = i;
            for (var bit = 0; bit < 8; bit++)
            {
                entry = (entry & 1) != 0 ? (entry >> 1) ^ Polynomial : entry >> 1;
            }

            table[i] = entry;
        }

        return table;
    }
}
