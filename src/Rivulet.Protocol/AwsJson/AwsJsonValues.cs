using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;
using Rivulet.Protocol.Errors;
using Rivulet.Protocol.Model;

namespace Rivulet.Protocol.AwsJson;

// The value readers and writers the generated shapes call. A reader starts on the value's first token
// and leaves the reader on its last one. JSON null means absent; any other type mismatch is AWS's
// SerializationException (wire reference §3.4).
internal static class AwsJsonValues
{
    private static readonly long MinEpochMilliseconds = DateTimeOffset.MinValue.ToUnixTimeMilliseconds();
    private static readonly long MaxEpochMilliseconds = DateTimeOffset.MaxValue.ToUnixTimeMilliseconds();

    public static string? ReadString(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String => reader.GetString(),
        JsonTokenType.Null => null,
        _ => throw Mismatch(reader.TokenType, SerializationErrors.AsString),
    };

    public static byte[]? ReadBlob(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                // The hot path (PutRecords Data): decode straight from the raw token into an exactly sized array.
                if (!reader.ValueIsEscaped && !reader.HasValueSequence && TryDecodeBase64(reader.ValueSpan, out var bytes))
                {
                    return bytes;
                }

                // Writers that escape '+' or '/' (System.Text.Json does by default) still get the fast decoder, after unescaping.
                if (reader.ValueIsEscaped && TryDecodeEscapedBase64(ref reader, out bytes))
                {
                    return bytes;
                }

                return DecodeBase64Strictly(reader.GetString()!);
            case JsonTokenType.Null:
                return null;
            default:
                throw Mismatch(reader.TokenType, SerializationErrors.AsBlob);
        }
    }

    public static int? ReadInteger(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.Number => reader.TryGetInt32(out var value) ? value : (int)ReadTruncated(ref reader, int.MinValue, int.MaxValue),
        JsonTokenType.Null => null,
        _ => throw Mismatch(reader.TokenType, SerializationErrors.AsInteger),
    };

    public static long? ReadLong(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.Number => ReadTruncated(ref reader, long.MinValue, long.MaxValue),
        JsonTokenType.Null => null,
        _ => throw Mismatch(reader.TokenType, SerializationErrors.AsLong),
    };

    public static bool? ReadBoolean(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.True => true,
        JsonTokenType.False => false,
        JsonTokenType.String => ParseBooleanText(reader.GetString()!),
        JsonTokenType.Null => null,
        _ => throw Mismatch(reader.TokenType, SerializationErrors.AsBoolean),
    };

    // JSON timestamps are epoch seconds, fractions allowed; milliseconds are the precision AWS keeps.
    public static DateTimeOffset? ReadTimestamp(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.Number => DateTimeOffset.FromUnixTimeMilliseconds(ReadEpochMilliseconds(ref reader)),
        JsonTokenType.Null => null,
        _ => throw Mismatch(reader.TokenType, SerializationErrors.AsTimestamp),
    };

    public static T? ReadStructure<T>(ref Utf8JsonReader reader)
        where T : class, IWireShape<T> => reader.TokenType switch
        {
            JsonTokenType.StartObject => T.ReadJson(ref reader),
            JsonTokenType.Null => null,
            JsonTokenType.StartArray => throw SerializationErrors.ListFound(),
            _ => throw SerializationErrors.ExpectedStructure(),
        };

    // Null items are dropped, like null members: the model has no way to say "an absent list item".
    public static List<string>? ReadStringList(ref Utf8JsonReader reader)
    {
        if (!StartList(ref reader))
        {
            return null;
        }

        var items = new List<string>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (ReadString(ref reader) is { } item)
            {
                items.Add(item);
            }
        }

        return items;
    }

    public static List<T>? ReadStructureList<T>(ref Utf8JsonReader reader)
        where T : class, IWireShape<T>
    {
        if (!StartList(ref reader))
        {
            return null;
        }

        var items = new List<T>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (ReadStructure<T>(ref reader) is { } item)
            {
                items.Add(item);
            }
        }

        return items;
    }

    public static Dictionary<string, string>? ReadStringMap(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                break;
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.StartArray:
                throw SerializationErrors.ListFound();
            default:
                throw SerializationErrors.ExpectedMap();
        }

        var map = new Dictionary<string, string>();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = reader.GetString()!;
            reader.Read();
            if (ReadString(ref reader) is { } value)
            {
                map[key] = value;
            }
        }

        return map;
    }

    // Epoch seconds with millisecond precision, the way AWS writes them: 1545084650.987, or 1545084650.
    public static void WriteTimestamp(Utf8JsonWriter writer, DateTimeOffset value)
    {
        var milliseconds = value.ToUnixTimeMilliseconds();
        if (milliseconds % 1000 == 0)
        {
            writer.WriteNumberValue(milliseconds / 1000);
        }
        else
        {
            // Decimal division keeps the result exact and prints no trailing zeros.
            writer.WriteNumberValue(milliseconds / 1000m);
        }
    }

    private static SerializationException Mismatch(JsonTokenType found, string target) => found switch
    {
        JsonTokenType.Number => SerializationErrors.NumberFound(target),
        JsonTokenType.True or JsonTokenType.False => SerializationErrors.BooleanFound(target),
        JsonTokenType.String => SerializationErrors.StringFound(target),
        JsonTokenType.StartArray => SerializationErrors.ListFound(),
        _ => SerializationErrors.StructureFound(),
    };

    private static bool StartList(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.StartArray => true,
        JsonTokenType.Null => false,
        JsonTokenType.StartObject => throw SerializationErrors.StructureFound(),
        _ => throw SerializationErrors.ExpectedList(),
    };

    // AWS truncates fractions and saturates at the type's range, so range validation reports
    // out-of-range numbers rather than the parser.
    private static long ReadTruncated(ref Utf8JsonReader reader, long min, long max)
    {
        if (reader.TryGetInt64(out var whole))
        {
            return Math.Clamp(whole, min, max);
        }

        if (reader.TryGetDecimal(out var exact))
        {
            exact = decimal.Truncate(exact);
            return exact < min ? min : exact > max ? max : (long)exact;
        }

        // Beyond decimal's range only the sign survives the clamp (a huge exponent reads as an infinity).
        reader.TryGetDouble(out var approximate);
        return approximate < 0 ? min : max;
    }

    private static long ReadEpochMilliseconds(ref Utf8JsonReader reader)
    {
        var seconds = reader.TryGetInt64(out var whole) ? whole
            : reader.TryGetDecimal(out var exact) ? exact
            : reader.TryGetDouble(out var approximate) && approximate < 0 ? decimal.MinValue : decimal.MaxValue;

        // DateTimeOffset cannot go beyond years 1..9999; saturating keeps absurd inputs a value, not a crash.
        var milliseconds = Math.Clamp(seconds, MinEpochMilliseconds / 1000m, MaxEpochMilliseconds / 1000m) * 1000m;
        return (long)decimal.Truncate(milliseconds);
    }

    internal static bool ParseBooleanText(string text)
    {
        if (text.Equals("true", StringComparison.OrdinalIgnoreCase)
            || text.Equals("yes", StringComparison.OrdinalIgnoreCase)
            || text == "1")
        {
            return true;
        }

        if (text.Equals("false", StringComparison.OrdinalIgnoreCase)
            || text.Equals("no", StringComparison.OrdinalIgnoreCase)
            || text == "0")
        {
            return false;
        }

        throw SerializationErrors.NotABoolean(text);
    }

    private static bool TryDecodeEscapedBase64(ref Utf8JsonReader reader, out byte[] bytes)
    {
        bytes = [];
        var escapedLength = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
        var rented = ArrayPool<byte>.Shared.Rent(escapedLength);
        try
        {
            var length = reader.CopyString(rented);
            return TryDecodeBase64(rented.AsSpan(0, length), out bytes);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static bool TryDecodeBase64(ReadOnlySpan<byte> utf8, out byte[] bytes)
    {
        bytes = [];
        if (utf8.Length == 0)
        {
            return true;
        }

        if (utf8.Length % 4 != 0)
        {
            return false;
        }

        var padding = utf8[^1] != '=' ? 0 : utf8[^2] != '=' ? 1 : 2;
        var decoded = new byte[utf8.Length / 4 * 3 - padding];

        // Base64.DecodeFromUtf8 skips whitespace, which Java's decoder rejects; a short write exposes it.
        var status = Base64.DecodeFromUtf8(utf8, decoded, out _, out var written);
        if (status != OperationStatus.Done || written != decoded.Length || !UnusedBitsAreZero(utf8[^(padding + 1)], padding))
        {
            return false;
        }

        bytes = decoded;
        return true;
    }

    // Java's strict decoder: padded length, alphabet only ('=' only as trailing padding), and the
    // bits of the last character that fall beyond the data must be zero. Also the fallback for
    // escaped tokens, so it decodes as well as it rejects.
    private static byte[] DecodeBase64Strictly(string text)
    {
        if (text.Length % 4 != 0)
        {
            throw SerializationErrors.Base64Length(text);
        }

        var padding = text.EndsWith("==", StringComparison.Ordinal) ? 2 : text.EndsWith('=') ? 1 : 0;
        for (var i = 0; i < text.Length - padding; i++)
        {
            if (Base64Value(text[i]) < 0)
            {
                throw SerializationErrors.Base64Character(text, text[i]);
            }
        }

        if (text.Length > 0 && !UnusedBitsAreZero(text[^(padding + 1)], padding))
        {
            throw SerializationErrors.Base64LastCharacter(text);
        }

        return Convert.FromBase64String(text);
    }

    // One pad means the last character carries 2 bits beyond the data, two pads 4.
    private static bool UnusedBitsAreZero(int lastCharacter, int padding) =>
        (Base64Value(lastCharacter) & (padding == 0 ? 0 : padding == 1 ? 0b11 : 0b1111)) == 0;

    private static int Base64Value(int character) => character switch
    {
        >= 'A' and <= 'Z' => character - 'A',
        >= 'a' and <= 'z' => character - 'a' + 26,
        >= '0' and <= '9' => character - '0' + 52,
        '+' => 62,
        '/' => 63,
        _ => -1,
    };
}
