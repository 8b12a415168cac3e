using System.Buffers.Binary;
using System.Buffers.Text;

namespace Rivulet.LoadGen;

// Makes the records of one phase. Every record is unique and self-describing so the verifier can tell, from the
// data alone, which put produced it: the first HeaderSize bytes are
//   run id (u32 BE) · phase index (u8) · client id (u16 BE) · counter (u64 BE)
// followed by filler that is the same for every record of the phase. Because the header is a multiple of 3 bytes,
// base64(header + filler) = base64(header) + base64(filler), so the filler's base64 is computed once and copied.
// Partition keys are pseudo-random but derived from the same identity, so they need not be stored either.
internal sealed class RecordFactory
{
    public const int HeaderSize = 15;
    public const int PartitionKeyLength = 16;
    private const int HeaderBase64Length = HeaderSize / 3 * 4;

    private readonly uint _runId;
    private readonly byte _phase;
    private readonly byte[] _filler;
    private readonly byte[] _fillerBase64;

    public RecordFactory(uint runId, int phase, int recordSize)
    {
        _runId = runId;
        _phase = checked((byte)phase);
        RecordSize = recordSize;
        _filler = new byte[recordSize - HeaderSize];
        new Random(phase).NextBytes(_filler);
        _fillerBase64 = new byte[Base64.GetMaxEncodedToUtf8Length(_filler.Length)];
        Base64.EncodeToUtf8(_filler, _fillerBase64, out _, out var written);
        DataBase64Length = HeaderBase64Length + written;
    }

    public int RecordSize { get; }

    public int DataBase64Length { get; }

    public int WriteDataBase64(Span<byte> destination, int client, long counter)
    {
        Span<byte> header = stackalloc byte[HeaderSize];
        WriteHeader(header, client, counter);
        Base64.EncodeToUtf8(header, destination, out _, out var written);
        _fillerBase64.CopyTo(destination[written..]);
        return DataBase64Length;
    }

    public void WriteData(Span<byte> destination, int client, long counter)
    {
        WriteHeader(destination, client, counter);
        _filler.CopyTo(destination[HeaderSize..]);
    }

    public void WritePartitionKey(Span<byte> destination, int client, long counter) =>
        PartitionKeyOf(_runId, _phase, client, counter).TryFormat(destination, out _, "x16");

    public static bool TryReadIdentity(ReadOnlySpan<byte> data, out uint runId, out int phase, out int client, out long counter)
    {
        if (data.Length < HeaderSize)
        {
            (runId, phase, client, counter) = (0, 0, 0, 0);
            return false;
        }

        runId = BinaryPrimitives.ReadUInt32BigEndian(data);
        phase = data[4];
        client = BinaryPrimitives.ReadUInt16BigEndian(data[5..]);
        counter = BinaryPrimitives.ReadInt64BigEndian(data[7..]);
        return counter >= 0;
    }

    private void WriteHeader(Span<byte> header, int client, long counter)
    {
        BinaryPrimitives.WriteUInt32BigEndian(header, _runId);
        header[4] = _phase;
        BinaryPrimitives.WriteUInt16BigEndian(header[5..], checked((ushort)client));
        BinaryPrimitives.WriteInt64BigEndian(header[7..], counter);
    }

    // SplitMix64 finaliser: cheap, and spreads keys evenly over the hash key space so every shard gets traffic.
    private static ulong PartitionKeyOf(uint runId, int phase, int client, long counter)
    {
        var x = Mix(((ulong)runId << 32) | ((ulong)(uint)phase << 16) | (uint)client) ^ (ulong)counter;
        return Mix(x);
    }

    private static ulong Mix(ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }
}
