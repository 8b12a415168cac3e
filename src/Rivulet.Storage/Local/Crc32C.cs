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
/// </summary>
internal static class Crc32C
{
    private const uint Polynomial = 0x82F63B78;

    private static readonly uint[] Table = BuildTable();

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

    // The instructions consume the bytes in memory order, i.e. the value read little-endian.
    private static ulong LittleEndian(ulong value) => BitConverter.IsLittleEndian ? value : BinaryPrimitives.ReverseEndianness(value);

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
