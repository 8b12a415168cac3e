using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using ArmCrc32 = System.Runtime.Intrinsics.Arm.Crc32;
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
/// </summary>
internal static class Crc32C
{
    private const uint Polynomial = 0x82F63B78;
    private const int LaneBytes = 128;

    private static readonly uint[] Table = BuildTable();

    /// <summary>Four 256-entry tables: entry [k·256 + b] is the register b·2^(8k) advanced over <see cref="LaneBytes"/> zero bytes.</summary>
    private static readonly uint[] ZeroLaneTable = BuildZeroLaneTable();

    public static uint Compute(ReadOnlySpan<byte> data)
    {
        if (X86Sse42.X64.IsSupported)
        {
            return ~ComputeSse42(~0u, data);
        }

        if (ArmCrc32.Arm64.IsSupported)
        {
            return ~ComputeArm(~0u, data);
        }

        return ~ComputeTable(~0u, data);
    }

    /// <summary>The portable path on its own, so that tests can hold it against the accelerated one.</summary>
    internal static uint ComputeWithTable(ReadOnlySpan<byte> data) => ~ComputeTable(~0u, data);

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
