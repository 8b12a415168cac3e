using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Rivulet.Protocol.Errors;

/// <summary>
/// AWS error bodies (wire reference §3.1): <c>{"__type":"&lt;Code&gt;","message":"&lt;text&gt;"}</c>, with a
/// capital-M <c>Message</c> for SerializationException and no message at all where AWS sends none;
/// the same map in CBOR for CBOR requests.
/// </summary>
public static class ErrorBody
{
    // AWS writes quotes, '+' and '<' in messages as they are (the validation texts are full of them), not as \u escapes.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void WriteJson(IBufferWriter<byte> output, string errorType, string? message)
    {
        using var writer = new Utf8JsonWriter(output, WriterOptions);
        writer.WriteStartObject();
        writer.WriteString("__type"u8, errorType);
        if (message is not null)
        {
            writer.WriteString(errorType == "SerializationException" ? "Message"u8 : "message"u8, message);
        }

        writer.WriteEndObject();
    }

    public static void WriteCbor(IBufferWriter<byte> output, string errorType, string? message)
    {
        var span = output.GetSpan(32 + (4 * (errorType.Length + (message?.Length ?? 0))));
        var length = 0;
        span[length++] = (byte)(0xA0 | (message is null ? 1 : 2)); // definite-length map
        length += WriteCborText(span[length..], "__type");
        length += WriteCborText(span[length..], errorType);
        if (message is not null)
        {
            length += WriteCborText(span[length..], errorType == "SerializationException" ? "Message" : "message");
            length += WriteCborText(span[length..], message);
        }

        output.Advance(length);
    }

    /// <summary>An error as an event stream's exception message carries it: the type is in the headers, the payload holds only the message.</summary>
    public static void WriteEventJson(IBufferWriter<byte> output, string message)
    {
        using var writer = new Utf8JsonWriter(output, WriterOptions);
        writer.WriteStartObject();
        writer.WriteString("message"u8, message);
        writer.WriteEndObject();
    }

    public static void WriteEventCbor(IBufferWriter<byte> output, string message)
    {
        var span = output.GetSpan(16 + (4 * message.Length));
        var length = 0;
        span[length++] = 0xA1;
        length += WriteCborText(span[length..], "message");
        length += WriteCborText(span[length..], message);
        output.Advance(length);
    }

    /// <summary>The reply to the legacy <c>application/json</c> content type: always 200, an envelope naming the error.</summary>
    public static void WriteLegacyEnvelope(IBufferWriter<byte> output, string errorType)
    {
        using var writer = new Utf8JsonWriter(output, WriterOptions);
        writer.WriteStartObject();
        writer.WriteStartObject("Output"u8);
        writer.WriteString("__type"u8, "com.amazon.coral.service#" + errorType);
        writer.WriteNull(errorType == "SerializationException" ? "Message"u8 : "message"u8);
        writer.WriteEndObject();
        writer.WriteString("Version"u8, "1.0");
        writer.WriteEndObject();
    }

    // RFC 8949 §3.1: major type 3 (text string) with the length as argument.
    private static int WriteCborText(Span<byte> destination, string text)
    {
        var byteCount = Encoding.UTF8.GetByteCount(text);
        int header;
        if (byteCount < 24)
        {
            destination[0] = (byte)(0x60 | byteCount);
            header = 1;
        }
        else if (byteCount <= byte.MaxValue)
        {
            destination[0] = 0x78;
            destination[1] = (byte)byteCount;
            header = 2;
        }
        else
        {
            destination[0] = 0x79;
            destination[1] = (byte)(byteCount >> 8);
            destination[2] = (byte)byteCount;
            header = 3;
        }

        return header + Encoding.UTF8.GetBytes(text, destination[header..]);
    }
}
