using System.Buffers;
using System.Formats.Cbor;
using System.Text;
using Rivulet.Protocol.Errors;
using Rivulet.Protocol.Model;

namespace Rivulet.Protocol.AwsCbor;

/// <summary><c>application/x-amz-cbor-1.1</c> bodies to and from the generated shapes (wire reference §6).</summary>
public static class AwsCborCodec
{
    // A writer keeps its growing buffer between uses; one per thread saves it on every response.
    // One that grew for a large answer is let go, so an idle thread never holds megabytes.
    private const int MaxCachedBytes = 4 * 1024 * 1024;

    [ThreadStatic]
    private static CborWriter? _cachedWriter;

    public static T Read<T>(ReadOnlyMemory<byte> body)
        where T : IWireShape<T>
    {
        try
        {
            // Lax: clients are not held to canonical encodings (indefinite lengths, wide integers, duplicate keys).
            var reader = new CborReader(body, CborConformanceMode.Lax);
            if (reader.PeekState() != CborReaderState.StartMap)
            {
                throw new SerializationException(null);
            }

            var value = T.ReadCbor(reader);
            if (reader.BytesRemaining != 0)
            {
                throw new SerializationException(null);
            }

            return value;
        }
        catch (SerializationException error) when (error.AwsMessage is not null && !IsWellFormed(body))
        {
            // AWS decodes the whole document before looking at types: a broken one anywhere wins.
            throw new SerializationException(null);
        }
        catch (Exception error) when (error is CborContentException or InvalidOperationException or FormatException or DecoderFallbackException)
        {
            throw new SerializationException(null);
        }
    }

    /// <summary>Whether <paramref name="body"/> is exactly one well-formed CBOR value.</summary>
    public static bool IsWellFormed(ReadOnlyMemory<byte> body)
    {
        try
        {
            var reader = new CborReader(body, CborConformanceMode.Lax);
            reader.SkipValue();
            return reader.BytesRemaining == 0;
        }
        catch (Exception error) when (error is CborContentException or InvalidOperationException or FormatException or DecoderFallbackException)
        {
            return false;
        }
    }

    public static void Write<T>(IBufferWriter<byte> output, T value)
        where T : IWireShape<T>
    {
        var writer = _cachedWriter ?? new CborWriter(CborConformanceMode.Lax, convertIndefiniteLengthEncodings: false);
        _cachedWriter = null;
        try
        {
            value.WriteCbor(writer);
            var length = writer.BytesWritten;
            writer.Encode(output.GetSpan(length));
            output.Advance(length);
        }
        finally
        {
            if (writer.BytesWritten <= MaxCachedBytes)
            {
                writer.Reset();
                _cachedWriter = writer;
            }
        }
    }
}
