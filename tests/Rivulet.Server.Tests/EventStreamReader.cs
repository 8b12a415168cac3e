using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace Rivulet.Server.Tests;

/// <summary>One decoded event-stream message: its headers (all strings here) and payload.</summary>
internal sealed record EventMessage(IReadOnlyDictionary<string, string> Headers, byte[] Payload)
{
    public string MessageType => Headers[":message-type"];

    public string? EventType => Headers.GetValueOrDefault(":event-type");

    public string? ExceptionType => Headers.GetValueOrDefault(":exception-type");

    public string PayloadText => Encoding.UTF8.GetString(Payload);
}

/// <summary>
/// Reads <c>application/vnd.amazon.eventstream</c> messages from a response body, checking both
/// CRCs and the lengths of every message, written for the tests from the format's description.
/// </summary>
internal sealed class EventStreamReader(Stream body)
{
    /// <summary>The next message, or null at the end of the stream; throws on a malformed one.</summary>
    public async Task<EventMessage?> ReadAsync(CancellationToken cancellationToken)
    {
        var prelude = new byte[12];
        if (!await FillAsync(prelude, cancellationToken))
        {
            return null;
        }

        var total = BinaryPrimitives.ReadInt32BigEndian(prelude);
        var headersLength = BinaryPrimitives.ReadInt32BigEndian(prelude.AsSpan(4));
        Assert.Equal(Crc32.HashToUInt32(prelude.AsSpan(0, 8)), BinaryPrimitives.ReadUInt32BigEndian(prelude.AsSpan(8)));
        Assert.InRange(total, 16, 24 * 1024 * 1024);
        var message = new byte[total];
        prelude.CopyTo(message, 0);
        Assert.True(await FillAsync(message.AsMemory(12), cancellationToken), "the stream ended inside a message");
        Assert.Equal(Crc32.HashToUInt32(message.AsSpan(0, total - 4)), BinaryPrimitives.ReadUInt32BigEndian(message.AsSpan(total - 4)));

        var headers = new Dictionary<string, string>();
        var at = 12;
        while (at < 12 + headersLength)
        {
            var nameLength = message[at];
            var name = Encoding.UTF8.GetString(message, at + 1, nameLength);
            at += 1 + nameLength;
            Assert.Equal(7, message[at]);
            var valueLength = BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(at + 1));
            headers[name] = Encoding.UTF8.GetString(message, at + 3, valueLength);
            at += 3 + valueLength;
        }

        Assert.Equal(12 + headersLength, at);
        return new EventMessage(headers, message[at..(total - 4)]);
    }

    private async Task<bool> FillAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var filled = 0;
        while (filled < buffer.Length)
        {
            var read = await body.ReadAsync(buffer[filled..], cancellationToken);
            if (read == 0)
            {
                Assert.True(filled == 0, "the stream ended inside a message");
                return false;
            }

            filled += read;
        }

        return true;
    }
}
