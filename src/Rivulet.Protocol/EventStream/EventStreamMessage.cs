using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using Rivulet.Protocol.Buffers;

namespace Rivulet.Protocol.EventStream;

/// <summary>
/// Messages of <c>application/vnd.amazon.eventstream</c> (wire reference §7): total length and
/// headers length (4 bytes each, big-endian), the CRC-32 of those eight bytes, the headers, the
/// payload, and the CRC-32 of everything before it. Headers here are all strings (type 7). A
/// message is framed around a payload written in place, so no payload is copied.
/// </summary>
public static class EventStreamMessage
{
    public const string ContentType = "application/vnd.amazon.eventstream";

    private const int PreludeBytes = 12;
    private const int CrcBytes = 4;
    private const byte StringHeader = 7;

    /// <summary>Starts an <c>event</c> message: headers written, payload next.</summary>
    public static Frame BeginEvent(PooledBufferWriter output, string eventType, string contentType) =>
        Begin(output, [new(":message-type", "event"), new(":event-type", eventType), new(":content-type", contentType)]);

    /// <summary>Starts an <c>exception</c> message, a modeled error of the stream: headers written, payload (the error's members) next.</summary>
    public static Frame BeginException(PooledBufferWriter output, string exceptionType, string contentType) =>
        Begin(output, [new(":message-type", "exception"), new(":exception-type", exceptionType), new(":content-type", contentType)]);

    /// <summary>Writes an <c>error</c> message, an unmodeled failure: code and text in headers, no payload.</summary>
    public static void WriteError(PooledBufferWriter output, string errorCode, string errorMessage) =>
        End(output, Begin(output, [new(":message-type", "error"), new(":error-code", errorCode), new(":error-message", errorMessage)]));

    public static Frame Begin(PooledBufferWriter output, ReadOnlySpan<KeyValuePair<string, string>> headers)
    {
        var start = output.WrittenCount;
        output.GetSpan(PreludeBytes)[..PreludeBytes].Clear();
        output.Advance(PreludeBytes);
        foreach (var (name, value) in headers)
        {
            var nameBytes = Encoding.UTF8.GetByteCount(name);
            var valueBytes = Encoding.UTF8.GetByteCount(value);
            if (nameBytes > byte.MaxValue || valueBytes > ushort.MaxValue)
            {
                throw new ArgumentException($"Header {name} does not fit an event-stream header.", nameof(headers));
            }

            var span = output.GetSpan(1 + nameBytes + 1 + 2 + valueBytes);
            span[0] = (byte)nameBytes;
            Encoding.UTF8.GetBytes(name, span[1..]);
            span[1 + nameBytes] = StringHeader;
            BinaryPrimitives.WriteUInt16BigEndian(span[(2 + nameBytes)..], (ushort)valueBytes);
            Encoding.UTF8.GetBytes(value, span[(4 + nameBytes)..]);
            output.Advance(4 + nameBytes + valueBytes);
        }

        return new Frame(start, output.WrittenCount);
    }

    /// <summary>Ends the message begun at <paramref name="frame"/>: whatever was written since the headers is its payload.</summary>
    public static void End(PooledBufferWriter output, Frame frame)
    {
        var total = output.WrittenCount - frame.Start + CrcBytes;
        var message = output.WrittenForPatching[frame.Start..];
        BinaryPrimitives.WriteInt32BigEndian(message, total);
        BinaryPrimitives.WriteInt32BigEndian(message[4..], frame.PayloadStart - frame.Start - PreludeBytes);
        BinaryPrimitives.WriteUInt32BigEndian(message[8..], Crc32.HashToUInt32(message[..8]));
        var crc = Crc32.HashToUInt32(message);
        BinaryPrimitives.WriteUInt32BigEndian(output.GetSpan(CrcBytes), crc);
        output.Advance(CrcBytes);
    }

    /// <summary>Where a message began and where its payload begins.</summary>
    public readonly record struct Frame(int Start, int PayloadStart);
}
