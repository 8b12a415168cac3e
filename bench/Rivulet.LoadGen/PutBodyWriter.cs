using System.Text;

namespace Rivulet.LoadGen;

// Builds PutRecords / PutRecord request bodies as UTF-8 straight into one reusable buffer per client.
// The stream name is restricted to [a-zA-Z0-9_.-] by the option parser, so nothing here needs JSON escaping.
internal sealed class PutBodyWriter
{
    private readonly RecordFactory _records;
    private readonly PutOperation _operation;
    private readonly int _client;
    private readonly byte[] _buffer;
    private readonly int _prefixLength;

    public PutBodyWriter(string streamName, RecordFactory records, PutOperation operation, int client, int recordsPerRequest)
    {
        _records = records;
        _operation = operation;
        _client = client;
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

    private static int Copy(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        source.CopyTo(destination);
        return source.Length;
    }
}
