using System.Formats.Cbor;
using System.Text;
using Rivulet.Protocol.AwsJson;
using Rivulet.Protocol.Errors;
using Rivulet.Protocol.Model;

namespace Rivulet.Protocol.AwsCbor;

/// <summary>
/// The values of <c>application/x-amz-cbor-1.1</c> bodies (wire reference §6), as the generated shape
/// readers and writers use them. Readers accept what clients send: definite and indefinite (chunked)
/// strings, maps and arrays, any integer width, and timestamps as tag 1 with epoch milliseconds,
/// untagged, or as floats (the Java SDK sends integers; others may not). A value of the wrong type is
/// the SerializationException the JSON codec gives for the same mismatch, and numbers out of a
/// member's range saturate as they do in JSON, so validation reports them.
/// </summary>
public static class AwsCborValues
{
    private static readonly long MinEpochMilliseconds = DateTimeOffset.MinValue.ToUnixTimeMilliseconds();
    private static readonly long MaxEpochMilliseconds = DateTimeOffset.MaxValue.ToUnixTimeMilliseconds();

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

    public static int? ReadInteger(CborReader reader) =>
        ReadClamped(reader, int.MinValue, int.MaxValue, SerializationErrors.AsInteger) is { } value ? (int)value : null;

    public static long? ReadLong(CborReader reader) => ReadClamped(reader, long.MinValue, long.MaxValue, SerializationErrors.AsLong);

    public static bool? ReadBoolean(CborReader reader)
    {
        switch (reader.PeekState())
        {
            case CborReaderState.Boolean:
                return reader.ReadBoolean();
            case CborReaderState.TextString or CborReaderState.StartIndefiniteLengthTextString:
                // AWS's parser takes "true", "yes", "1" and their opposites in CBOR as in JSON.
                return AwsJsonValues.ParseBooleanText(reader.ReadTextString());
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
        }

        var milliseconds = ReadClamped(reader, MinEpochMilliseconds, MaxEpochMilliseconds, SerializationErrors.AsTimestamp);
        return milliseconds is { } value ? DateTimeOffset.FromUnixTimeMilliseconds(value) : null;
    }

    /// <summary>Tag 1 and integer epoch milliseconds: what the Java SDK v2 reads (seconds would put every time in 1970).</summary>
    public static void WriteTimestamp(CborWriter writer, DateTimeOffset value)
    {
        writer.WriteTag(CborTag.UnixTimeSeconds);
        writer.WriteInt64(value.ToUnixTimeMilliseconds());
    }

    public static T? ReadStructure<T>(CborReader reader)
        where T : class, IWireShape<T>
    {
        switch (reader.PeekState())
        {
            case CborReaderState.StartMap:
                return T.ReadCbor(reader);
            case CborReaderState.Null or CborReaderState.Undefined:
                SkipNull(reader);
                return null;
            case CborReaderState.StartArray:
                throw SerializationErrors.ListFound();
            default:
                throw SerializationErrors.ExpectedStructure();
        }
    }

    // Null items are dropped, as in JSON: the model has no way to say "an absent list item".
    public static List<string>? ReadStringList(CborReader reader)
    {
        if (!StartList(reader, out var count))
        {
            return null;
        }

        var items = new List<string>(count);
        while (reader.PeekState() != CborReaderState.EndArray)
        {
            if (ReadString(reader) is { } item)
            {
                items.Add(item);
            }
        }

        reader.ReadEndArray();
        return items;
    }

    public static List<T>? ReadStructureList<T>(CborReader reader)
        where T : class, IWireShape<T>
    {
        if (!StartList(reader, out var count))
        {
            return null;
        }

        var items = new List<T>(count);
        while (reader.PeekState() != CborReaderState.EndArray)
        {
            if (ReadStructure<T>(reader) is { } item)
            {
                items.Add(item);
            }
        }

        reader.ReadEndArray();
        return items;
    }

    public static Dictionary<string, string>? ReadStringMap(CborReader reader)
    {
        switch (reader.PeekState())
        {
            case CborReaderState.StartMap:
                break;
            case CborReaderState.Null or CborReaderState.Undefined:
                SkipNull(reader);
                return null;
            case CborReaderState.StartArray:
                throw SerializationErrors.ListFound();
            default:
                throw SerializationErrors.ExpectedMap();
        }

        var count = reader.ReadStartMap();
        var map = new Dictionary<string, string>(Math.Min(count ?? 4, 64));
        while (reader.PeekState() != CborReaderState.EndMap)
        {
            if (reader.PeekState() is not (CborReaderState.TextString or CborReaderState.StartIndefiniteLengthTextString))
            {
                throw SerializationErrors.StructureFound();
            }

            var key = reader.ReadTextString();
            if (ReadString(reader) is { } value)
            {
                map[key] = value;
            }
        }

        reader.ReadEndMap();
        return map;
    }

    /// <summary>
    /// Opens a structure's map. Member names are matched as UTF-8 without making strings: see
    /// <see cref="ReadMemberName"/>.
    /// </summary>
    public static void ReadStartStructure(CborReader reader) => reader.ReadStartMap();

    /// <summary>
    /// Reads the next member name of an open structure, or returns false at its end. Names that are
    /// not text (no client sends them) come back empty, so they match no member and are skipped.
    /// </summary>
    public static bool ReadMemberName(CborReader reader, ref byte[]? scratch, out ReadOnlySpan<byte> name)
    {
        switch (reader.PeekState())
        {
            case CborReaderState.EndMap:
                reader.ReadEndMap();
                name = default;
                return false;
            case CborReaderState.TextString:
                name = reader.ReadDefiniteLengthTextStringBytes().Span;
                return true;
            case CborReaderState.StartIndefiniteLengthTextString:
                // Chunked names are rare enough that decoding them through a string costs nothing that matters.
                var text = reader.ReadTextString();
                var length = Encoding.UTF8.GetByteCount(text);
                if (scratch is null || scratch.Length < length)
                {
                    scratch = new byte[Math.Max(length, 64)];
                }

                Encoding.UTF8.GetBytes(text, scratch);
                name = scratch.AsSpan(0, length);
                return true;
            default:
                reader.SkipValue();
                name = default;
                return true;
        }
    }

    private static long? ReadClamped(CborReader reader, long min, long max, string target)
    {
        switch (reader.PeekState())
        {
            case CborReaderState.UnsignedInteger:
                var unsigned = reader.ReadUInt64();
                return unsigned > (ulong)max ? max : Math.Max((long)unsigned, min);
            case CborReaderState.NegativeInteger:
                // Major type 1 encodes -1 - n; values below long's range saturate.
                var negative = reader.ReadCborNegativeIntegerRepresentation();
                return negative > (ulong)(-(min + 1)) ? min : Math.Min(-1 - (long)negative, max);
            case CborReaderState.HalfPrecisionFloat or CborReaderState.SinglePrecisionFloat or CborReaderState.DoublePrecisionFloat:
                // Fractions are truncated and huge values saturate, as the JSON codec does.
                var number = Math.Truncate(reader.ReadDouble());
                return double.IsNaN(number) ? throw SerializationErrors.NumberFound(target) : number <= min ? min : number >= max ? max : (long)number;
            case CborReaderState.Null or CborReaderState.Undefined:
                SkipNull(reader);
                return null;
            default:
                throw Mismatch(reader, target);
        }
    }

    private static bool StartList(CborReader reader, out int count)
    {
        switch (reader.PeekState())
        {
            case CborReaderState.StartArray:
                // A declared length is only a hint: a hostile one must not size the list.
                count = Math.Min(reader.ReadStartArray() ?? 4, 512);
                return true;
            case CborReaderState.Null or CborReaderState.Undefined:
                SkipNull(reader);
                count = 0;
                return false;
            case CborReaderState.StartMap:
                throw SerializationErrors.StructureFound();
            default:
                throw SerializationErrors.ExpectedList();
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
