using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using System.Text.Json;

namespace Rivulet.FanOut;

/// <summary>One SubscribeToShardEvent as the bench needs it: when it arrived, and its records' data and sequence numbers.</summary>
internal sealed record ShardEvent(long ReceivedAt, List<(byte[] Data, string SequenceNumber)> Records, string? Continuation, bool HasChildShards);

/// <summary>Reads event-stream messages (both CRCs checked) and keeps the SubscribeToShardEvents; an exception message ends the read with its text.</summary>
internal sealed class EventReader(Stream body)
{
    private byte[] _buffer = new byte[64 * 1024];

    /// <summary>The next SubscribeToShardEvent, or null when the stream ended.</summary>
    public async Task<ShardEvent?> NextAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (!await FillAsync(0, 12, cancellationToken))
            {
                return null;
            }

            var total = BinaryPrimitives.ReadInt32BigEndian(_buffer);
            var headersLength = BinaryPrimitives.ReadInt32BigEndian(_buffer.AsSpan(4));
            if (Crc32.HashToUInt32(_buffer.AsSpan(0, 8)) != BinaryPrimitives.ReadUInt32BigEndian(_buffer.AsSpan(8)) || total < 16)
            {
                throw new InvalidDataException("bad prelude");
            }

            if (total > _buffer.Length)
            {
                Array.Resize(ref _buffer, total);
            }

            if (!await FillAsync(12, total - 12, cancellationToken))
            {
                throw new InvalidDataException("the stream ended inside a message");
            }

            var receivedAt = System.Diagnostics.Stopwatch.GetTimestamp();
            if (Crc32.HashToUInt32(_buffer.AsSpan(0, total - 4)) != BinaryPrimitives.ReadUInt32BigEndian(_buffer.AsSpan(total - 4)))
            {
                throw new InvalidDataException("bad message CRC");
            }

            string? messageType = null, eventType = null, exceptionType = null;
            for (var at = 12; at < 12 + headersLength;)
            {
                var name = Encoding.UTF8.GetString(_buffer, at + 1, _buffer[at]);
                at += 1 + _buffer[at];
                var length = BinaryPrimitives.ReadUInt16BigEndian(_buffer.AsSpan(at + 1));
                var value = Encoding.UTF8.GetString(_buffer, at + 3, length);
                at += 3 + length;
                switch (name)
                {
                    case ":message-type": messageType = value; break;
                    case ":event-type": eventType = value; break;
                    case ":exception-type": exceptionType = value; break;
                }
            }

            var payload = _buffer.AsSpan(12 + headersLength, total - 16 - headersLength);
            if (messageType != "event")
            {
                throw new InvalidOperationException($"{exceptionType ?? messageType}: {Encoding.UTF8.GetString(payload)}");
            }

            if (eventType == "SubscribeToShardEvent")
            {
                return Parse(receivedAt, payload);
            }
        }
    }

    private static ShardEvent Parse(long receivedAt, ReadOnlySpan<byte> payload)
    {
        using var document = JsonDocument.Parse(payload.ToArray());
        var root = document.RootElement;
        var records = new List<(byte[], string)>();
        foreach (var record in root.GetProperty("Records").EnumerateArray())
        {
            records.Add((record.GetProperty("Data").GetBytesFromBase64(), record.GetProperty("SequenceNumber").GetString()!));
        }

        return new ShardEvent(
            receivedAt,
            records,
            root.TryGetProperty("ContinuationSequenceNumber", out var continuation) ? continuation.GetString() : null,
            root.TryGetProperty("ChildShards", out var children) && children.GetArrayLength() > 0);
    }

    private async Task<bool> FillAsync(int offset, int count, CancellationToken cancellationToken)
    {
        var filled = 0;
        while (filled < count)
        {
            var read = await body.ReadAsync(_buffer.AsMemory(offset + filled, count - filled), cancellationToken);
            if (read == 0)
            {
                return false;
            }

            filled += read;
        }

        return true;
    }
}
