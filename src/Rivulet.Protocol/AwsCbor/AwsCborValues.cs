using System.Formats.Cbor;
using Rivulet.Protocol.Errors;

namespace Rivulet.Protocol.AwsCbor;

/// <summary>
/// The scalar values of <c>application/x-amz-cbor-1.1</c> bodies (wire reference §6), as the
/// generated shape readers and writers will use them. Readers accept what clients send: definite
/// and indefinite (chunked) strings, any integer width, and timestamps as tag 1 with epoch
/// milliseconds, untagged, or as floats (the Java SDK sends integers; others may not). A value of
/// the wrong type is the SerializationException the JSON codec gives for the same mismatch.
/// </summary>
internal static class AwsCborValues
{
    public static string? ReadString(CborReader reader)
    {
        switch (reader.PeekState())
        {
            case CborReaderState.TextString or CborReaderState.StartIndefiniteLengthTextString:
                return reader.ReadTextString();
            case CborReaderState.Null or CborReaderState.Undefined:
                SkipNull(reader);
                return null;
            default:
                throw Mismatch(reader, SerializationErrors.AsString);
        }
    }

    /// <summary>Blobs are byte strings, carried raw (no base64 as in JSON).</summary>
    public static byte[]? ReadBlob(CborReader reader)
    {
        switch (reader.PeekState())
        {
            case CborReaderState.ByteString or CborReaderState.StartIndefiniteLengthByteString:
                return reader.ReadByteString();
            case CborReaderState.Null or CborReaderState.Undefined:
                SkipNull(reader);
                return null;
            default:
                throw Mismatch(reader, SerializationErrors.AsBlob);
        }
    }

    public static int? ReadInteger(CborReader reader) => ReadLong(reader, SerializationErrors.AsInteger) is { } value
        ? value is >= int.MinValue and <= int.MaxValue ? (int)value : throw SerializationErrors.NumberFound(SerializationErrors.AsInteger)
        : null;

    public static long? ReadLong(CborReader reader) => ReadLong(reader, SerializationErrors.AsLong);

    public static bool? ReadBoolean(CborReader reader)
    {
        switch (reader.PeekState())
        {
            case CborReaderState.Boolean:
                return reader.ReadBoolean();
            case CborReaderState.Null or CborReaderState.Undefined:
                SkipNull(reader);
                return null;
            default:
                throw Mismatch(reader, SerializationErrors.AsBoolean);
        }
    }

    /// <summary>Tag 1 (or no tag) and epoch <b>milliseconds</b>, integer or float: what AWS's CBOR clients mean, whatever RFC 8949 says of tag 1.</summary>
    public static DateTimeOffset? ReadTimestamp(CborReader reader)
    {
        var state = reader.PeekState();
        if (state is CborReaderState.Null or CborReaderState.Undefined)
        {
            SkipNull(reader);
            return null;
        }

        if (state == CborReaderState.Tag)
        {
            if (reader.PeekTag() != CborTag.UnixTimeSeconds)
            {
                throw SerializationErrors.StructureFound();
            }

            reader.ReadTag();
            state = reader.PeekState();
        }

        double milliseconds = state switch
        {
            CborReaderState.UnsignedInteger or CborReaderState.NegativeInteger => reader.ReadInt64(),
            CborReaderState.HalfPrecisionFloat or CborReaderState.SinglePrecisionFloat or CborReaderState.DoublePrecisionFloat => reader.ReadDouble(),
            _ => throw Mismatch(reader, SerializationErrors.AsTimestamp),
        };

        return double.IsFinite(milliseconds) && Math.Abs(milliseconds) <= 8.64e15
            ? DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Truncate(milliseconds))
            : throw SerializationErrors.NumberFound(SerializationErrors.AsTimestamp);
    }

    /// <summary>Tag 1 and integer epoch milliseconds: what the Java SDK v2 reads (seconds would put every time in 1970).</summary>
    public static void WriteTimestamp(CborWriter writer, DateTimeOffset value)
    {
        writer.WriteTag(CborTag.UnixTimeSeconds);
        writer.WriteInt64(value.ToUnixTimeMilliseconds());
    }

    private static long? ReadLong(CborReader reader, string target)
    {
        switch (reader.PeekState())
        {
            case CborReaderState.UnsignedInteger or CborReaderState.NegativeInteger:
                try
                {
                    return reader.ReadInt64();
                }
                catch (OverflowException)
                {
                    throw SerializationErrors.NumberFound(target);
                }

            case CborReaderState.HalfPrecisionFloat or CborReaderState.SinglePrecisionFloat or CborReaderState.DoublePrecisionFloat:
                // Fractions are truncated, as the JSON codec does with fractional numbers.
                var number = reader.ReadDouble();
                return double.IsFinite(number) && Math.Abs(number) < 9.2e18 ? (long)Math.Truncate(number) : throw SerializationErrors.NumberFound(target);
            case CborReaderState.Null or CborReaderState.Undefined:
                SkipNull(reader);
                return null;
            default:
                throw Mismatch(reader, target);
        }
    }

    private static void SkipNull(CborReader reader) => reader.ReadSimpleValue();

    /// <summary>The JSON codec's text for the same mismatch, so a client sees one wording whatever it speaks.</summary>
    private static SerializationException Mismatch(CborReader reader, string target) => reader.PeekState() switch
    {
        CborReaderState.UnsignedInteger or CborReaderState.NegativeInteger or CborReaderState.HalfPrecisionFloat
            or CborReaderState.SinglePrecisionFloat or CborReaderState.DoublePrecisionFloat => SerializationErrors.NumberFound(target),
        CborReaderState.Boolean => SerializationErrors.BooleanFound(target),
        CborReaderState.TextString or CborReaderState.StartIndefiniteLengthTextString => SerializationErrors.StringFound(target),
        CborReaderState.StartArray => SerializationErrors.ListFound(),
        _ => SerializationErrors.StructureFound(),
    };
}
