using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Rivulet.Protocol.Errors;
using Rivulet.Protocol.Model;

namespace Rivulet.Protocol.AwsJson;

// application/x-amz-json-1.1 bodies to and from the generated shapes.
public static class AwsJsonCodec
{
    // Nothing we write ends up in HTML, so non-ASCII text and '+' go out as themselves, like AWS's.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // A writer is a few hundred bytes of state; one per thread saves it on every response.
    [ThreadStatic]
    private static Utf8JsonWriter? _cachedWriter;

    private static readonly ArrayBufferWriter<byte> Detached = new(1);

    public static T Read<T>(ReadOnlySpan<byte> body)
        where T : IWireShape<T>
    {
        var reader = new Utf8JsonReader(body);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new SerializationException(null);
            }

            var value = T.ReadJson(ref reader);

            // Only whitespace may follow; the reader throws on anything else.
            reader.Read();
            return value;
        }
        catch (SerializationException error) when (error.AwsMessage is not null && !IsWellFormed(body))
        {
            // AWS parses the whole document before looking at types: broken JSON anywhere wins.
            throw new SerializationException(null);
        }
        catch (JsonException)
        {
            throw new SerializationException(null);
        }
        catch (InvalidOperationException)
        {
            // Invalid UTF-8 inside a string surfaces only when the string is read.
            throw new SerializationException(null);
        }
    }

    public static T Read<T>(ReadOnlySequence<byte> body)
        where T : IWireShape<T>
    {
        if (body.IsSingleSegment)
        {
            return Read<T>(body.FirstSpan);
        }

        // One contiguous copy keeps every blob on the fast base64 path.
        var length = checked((int)body.Length);
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            body.CopyTo(buffer);
            return Read<T>(buffer.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public static void Write<T>(IBufferWriter<byte> output, T value)
        where T : IWireShape<T>
    {
        var writer = _cachedWriter;
        if (writer is null)
        {
            writer = new Utf8JsonWriter(output, WriterOptions);
        }
        else
        {
            writer.Reset(output);
        }

        _cachedWriter = null;
        try
        {
            value.WriteJson(writer);
            writer.Flush();
        }
        finally
        {
            // Let go of the caller's buffer before parking the writer for the next response.
            writer.Reset(Detached);
            _cachedWriter = writer;
        }
    }

    private static bool IsWellFormed(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body);
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName)
                {
                    // Validates the UTF-8 that the token scan alone does not.
                    reader.GetString();
                }
            }

            return true;
        }
        catch (Exception error) when (error is JsonException or InvalidOperationException)
        {
            return false;
        }
    }
}
