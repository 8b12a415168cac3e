using System.Buffers;
using System.Text;

namespace Rivulet.Protocol.Auth;

/// <summary>
/// The canonical forms of the SigV4 canonical request (AWS SigV4 docs, "Create a canonical request"):
/// URI-encoding (RFC 3986 unreserved characters kept, every other byte of the UTF-8 as <c>%XX</c>
/// with upper-case hex), the path with dot segments and empty segments removed and encoded again
/// (every service but S3 signs the path as sent, encoded once more), the query's names and values
/// decoded then encoded and sorted, and header values trimmed with inner runs of spaces collapsed.
/// </summary>
internal static class SigV4Canonical
{
    private const string HexDigits = "0123456789ABCDEF";

    /// <summary>One query parameter: decoded for lookups, canonically encoded for signing.</summary>
    internal readonly record struct QueryParameter(string Name, string Value, string CanonicalName, string CanonicalValue);

    public static void AppendPath(StringBuilder canonical, ReadOnlySpan<char> rawPath)
    {
        // RFC 3986 §5.2.4 with empty segments dropped too, as the AWS SDKs normalize before signing.
        var segments = new List<Range>();
        foreach (var segment in rawPath.Split('/'))
        {
            var text = rawPath[segment];
            if (text.IsEmpty || text is ".")
            {
                continue;
            }

            if (text is "..")
            {
                if (segments.Count > 0)
                {
                    segments.RemoveAt(segments.Count - 1);
                }

                continue;
            }

            segments.Add(segment);
        }

        canonical.Append('/');
        for (var i = 0; i < segments.Count; i++)
        {
            if (i > 0)
            {
                canonical.Append('/');
            }

            AppendEncoded(canonical, rawPath[segments[i]]);
        }

        if (segments.Count > 0 && rawPath.Length > 1 && rawPath[^1] == '/')
        {
            canonical.Append('/');
        }
    }

    /// <summary>The query's parameters in the order sent; a name without '=' has the empty value.</summary>
    public static List<QueryParameter> ParseQuery(ReadOnlySpan<char> rawQuery)
    {
        var parameters = new List<QueryParameter>();
        foreach (var piece in rawQuery.Split('&'))
        {
            var pair = rawQuery[piece];
            if (pair.IsEmpty)
            {
                continue;
            }

            var equals = pair.IndexOf('=');
            var name = PercentDecode(equals < 0 ? pair : pair[..equals]);
            var value = PercentDecode(equals < 0 ? [] : pair[(equals + 1)..]);
            parameters.Add(new QueryParameter(
                Encoding.UTF8.GetString(name),
                Encoding.UTF8.GetString(value),
                Encode(name),
                Encode(value)));
        }

        return parameters;
    }

    /// <summary>Sorted by encoded name, then encoded value, joined by '&amp;'; <paramref name="omit"/> (X-Amz-Signature of a presigned request) left out.</summary>
    public static void AppendQuery(StringBuilder canonical, List<QueryParameter> parameters, string? omit)
    {
        var sorted = new List<QueryParameter>(parameters.Count);
        foreach (var parameter in parameters)
        {
            if (parameter.Name != omit)
            {
                sorted.Add(parameter);
            }
        }

        sorted.Sort(static (a, b) =>
        {
            var byName = string.CompareOrdinal(a.CanonicalName, b.CanonicalName);
            return byName != 0 ? byName : string.CompareOrdinal(a.CanonicalValue, b.CanonicalValue);
        });
        for (var i = 0; i < sorted.Count; i++)
        {
            if (i > 0)
            {
                canonical.Append('&');
            }

            canonical.Append(sorted[i].CanonicalName).Append('=').Append(sorted[i].CanonicalValue);
        }
    }

    /// <summary>Each value trimmed, inner whitespace runs made one space, repeated headers joined by ','.</summary>
    public static void AppendHeaderValue(StringBuilder canonical, IReadOnlyList<string?>? values)
    {
        if (values is null)
        {
            return;
        }

        for (var i = 0; i < values.Count; i++)
        {
            if (i > 0)
            {
                canonical.Append(',');
            }

            var value = (values[i] ?? "").AsSpan();
            if (IsCanonical(value))
            {
                canonical.Append(value);
                continue;
            }

            var first = true;
            foreach (var word in value.SplitAny(" \t\r\n\f\v"))
            {
                if (value[word].IsEmpty)
                {
                    continue;
                }

                if (!first)
                {
                    canonical.Append(' ');
                }

                canonical.Append(value[word]);
                first = false;
            }
        }
    }

    /// <summary>Already trimmed with single spaces: what clients send almost always, taken as it is.</summary>
    private static bool IsCanonical(ReadOnlySpan<char> value) =>
        value.IndexOfAny("\t\r\n\f\v") < 0
        && value.IndexOf("  ", StringComparison.Ordinal) < 0
        && (value.IsEmpty || (value[0] != ' ' && value[^1] != ' '));

    private static void AppendEncoded(StringBuilder canonical, ReadOnlySpan<char> text)
    {
        var length = Encoding.UTF8.GetMaxByteCount(text.Length);
        var rented = length <= 256 ? null : ArrayPool<byte>.Shared.Rent(length);
        var bytes = rented is null ? stackalloc byte[256] : rented;
        try
        {
            AppendEncoded(canonical, bytes[..Encoding.UTF8.GetBytes(text, bytes)]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static string Encode(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder(bytes.Length);
        AppendEncoded(text, bytes);
        return text.ToString();
    }

    private static void AppendEncoded(StringBuilder canonical, ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes)
        {
            if (b is (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'a' and <= (byte)'z') or (>= (byte)'0' and <= (byte)'9') or (byte)'-' or (byte)'_' or (byte)'.' or (byte)'~')
            {
                canonical.Append((char)b);
            }
            else
            {
                canonical.Append('%').Append(HexDigits[b >> 4]).Append(HexDigits[b & 0xF]);
            }
        }
    }

    // %XX sequences become their byte; anything else (a '+' too: RFC 3986 gives it no meaning) stays as its UTF-8.
    private static byte[] PercentDecode(ReadOnlySpan<char> raw)
    {
        var decoded = new List<byte>(raw.Length);
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] == '%' && i + 2 < raw.Length && IsHex(raw[i + 1]) && IsHex(raw[i + 2]))
            {
                decoded.Add((byte)((HexValue(raw[i + 1]) << 4) | HexValue(raw[i + 2])));
                i += 2;
                continue;
            }

            var count = char.IsHighSurrogate(raw[i]) && i + 1 < raw.Length
                ? Encoding.UTF8.GetBytes(raw.Slice(i++, 2), utf8)
                : Encoding.UTF8.GetBytes(raw.Slice(i, 1), utf8);
            for (var j = 0; j < count; j++)
            {
                decoded.Add(utf8[j]);
            }
        }

        return [.. decoded];
    }

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
