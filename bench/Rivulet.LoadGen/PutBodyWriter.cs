using System.Text;

namespace Rivulet.LoadGen;

// Builds PutRecords / PutRecord request bodies straight into one reusable buffer per client: JSON (blobs as
// base64), or CBOR as the Java SDK v2 writes it (indefinite-length maps and arrays, blobs as raw byte strings).
// The stream name is restricted to [a-zA-Z0-9_.-] by the option parser, so nothing here needs JSON escaping.
internal sealed class PutBodyWriter
{
    private const byte CborIndefiniteMap = 0xBF;
    private const byte CborIndefiniteArray = 0x9F;
    private const byte CborBreak = 0xFF;
    private static readonly byte[] CborDataName = CborText("Data");
    private static readonly byte[] CborPartitionKeyName = CborText("PartitionKey");
    private readonly bool _cbor;
    private readonly RecordFactory _records;
    private readonly PutOperation _operation;
    private readonly int _client;
    private readonly byte[] _buffer;
    private readonly int _prefixLength;

    public PutBodyWriter(string streamName, RecordFactory records, PutOperation operation, int client, int recordsPerRequest, bool cbor = false)
    {
        _records = records;
        _operation = operation;
        _client = client;
        _cbor = cbor;
        if (cbor)
        {
            var head = new List<byte> { CborIndefiniteMap };
            AddCborText(head, "StreamName");
            AddCborText(head, streamName);
            if (operation == PutOperation.PutRecords)
            {
                AddCborText(head, "Records");
                head.Add(CborIndefiniteArray);
            }

            var count = operation == PutOperation.PutRecords ? recordsPerRequest : 1;
            // Per entry: map start and break, "Data" with a byte-string header of at most 5 bytes, "PartitionKey" and the key.
            var perEntry = 2 + 5 + 5 + records.RecordSize + 13 + 1 + RecordFactory.PartitionKeyLength;
            _buffer = new byte[head.Count + count * perEntry + 2];
            head.CopyTo(_buffer);
            _prefixLength = head.Count;
            return;
        }

        var prefix = Encoding.UTF8.GetBytes(operation == PutOperation.PutRecords
            ? $$"""{"StreamName":"{{streamName}}","Records":["""
            : $$"""{"StreamName":"{{streamName}}",""");
        var entries = operation == PutOperation.PutRecords ? recordsPerRequest : 1;
        var entryLength = "{\"Data\":\"\",\"PartitionKey\":\"\"},".Length + records.DataBase64Length + RecordFactory.PartitionKeyLength;
        _buffer = new byte[prefix.Length + entries * entryLength + 2];
        prefix.CopyTo(_buffer, 0);
        _prefixLength = prefix.Length;
    }

    public ReadOnlyMemory<byte> Build(long firstCounter, int count)
    {
        if (_cbor)
        {
            return BuildCbor(firstCounter, count);
        }

        var span = _buffer.AsSpan();
        var at = _prefixLength;
        if (_operation == PutOperation.PutRecord)
        {
            at = WriteFields(span, at, firstCounter);
            span[at++] = (byte)'}';
            return _buffer.AsMemory(0, at);
        }

        for (var i = 0; i < count; i++)
        {
            if (i > 0)
                span[at++] = (byte)',';
            span[at++] = (byte)'{';
            at = WriteFields(span, at, firstCounter + i);
            span[at++] = (byte)'}';
        }

        span[at++] = (byte)']';
        span[at++] = (byte)'}';
        return _buffer.AsMemory(0, at);
    }

    private int WriteFields(Span<byte> span, int at, long counter)
    {
        at += Copy("\"Data\":\""u8, span[at..]);
        at += _records.WriteDataBase64(span[at..], _client, counter);
        at += Copy("\",\"PartitionKey\":\""u8, span[at..]);
        _records.WritePartitionKey(span[at..], _client, counter);
        at += RecordFactory.PartitionKeyLength;
        span[at++] = (byte)'"';
        return at;
    }

    private ReadOnlyMemory<byte> BuildCbor(long firstCounter, int count)
    {
        var span = _buffer.AsSpan();
        var at = _prefixLength;
        if (_operation == PutOperation.PutRecord)
        {
            at = WriteCborFields(span, at, firstCounter);
            span[at++] = CborBreak;
            return _buffer.AsMemory(0, at);
        }

        for (var i = 0; i < count; i++)
        {
            span[at++] = CborIndefiniteMap;
            at = WriteCborFields(span, at, firstCounter + i);
            span[at++] = CborBreak;
        }

        span[at++] = CborBreak; // Records
        span[at++] = CborBreak; // the request
        return _buffer.AsMemory(0, at);
    }

    private int WriteCborFields(Span<byte> span, int at, long counter)
    {
        at += Copy(CborDataName, span[at..]);
        at += WriteCborHeader(span[at..], 2, _records.RecordSize);
        _records.WriteData(span[at..], _client, counter);
        at += _records.RecordSize;
        at += Copy(CborPartitionKeyName, span[at..]);
        at += WriteCborHeader(span[at..], 3, RecordFactory.PartitionKeyLength);
        _records.WritePartitionKey(span[at..], _client, counter);
        return at + RecordFactory.PartitionKeyLength;
    }

    // RFC 8949 §3: the major type in the top three bits, the length inline or in 1, 2 or 4 bytes after.
    private static int WriteCborHeader(Span<byte> span, int major, int length)
    {
        var type = (byte)(major << 5);
        switch (length)
        {
            case < 24:
                span[0] = (byte)(type | length);
                return 1;
            case <= byte.MaxValue:
                span[0] = (byte)(type | 24);
                span[1] = (byte)length;
                return 2;
            case <= ushort.MaxValue:
                span[0] = (byte)(type | 25);
                System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(span[1..], (ushort)length);
                return 3;
            default:
                span[0] = (byte)(type | 26);
                System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(span[1..], (uint)length);
                return 5;
        }
    }

    private static void AddCborText(List<byte> destination, string text) => destination.AddRange(CborText(text));

    private static byte[] CborText(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        Span<byte> header = stackalloc byte[5];
        return [.. header[..WriteCborHeader(header, 3, bytes.Length)], .. bytes];
    }

    private static int Copy(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        source.CopyTo(destination);
        return source.Length;
    }
}
