using System.Globalization;
using System.Text;

namespace Rivulet.Api.Validation;

/// <summary>
/// The tag rules beyond the model's lengths, in the order AWS applies them (kinesalite's tests, run
/// against AWS): any character outside AWS's set, then <c>%</c> (which AWS's first message still
/// lists but refuses with a second one), then the reserved <c>aws:</c> prefix, then the count.
/// Allowed: Unicode letters, digits and spaces (<c>\p{L}\p{N}\p{Z}</c>: tab and newline are refused),
/// and <c>_ . : / = + - @</c>. The colon is missing from the Tag shape's documentation, but AWS
/// accepts it and TagResource's documentation lists it.
/// </summary>
internal static class TagRules
{
    /// <summary>Tags one stream, consumer or channel may carry (AWS: 50 per resource).</summary>
    public const int MaxTagsPerResource = 50;

    /// <param name="failure">What the call was doing, as AWS words it after "Failed to": "add tags to stream s under account a".</param>
    public static void CheckTags(IReadOnlyDictionary<string, string> tags, string failure)
    {
        foreach (var (key, value) in tags)
        {
            if (!OnlyAllowedCharacters(key) || !OnlyAllowedCharacters(value))
            {
                throw ApiErrors.TagsHaveInvalidCharacters();
            }
        }

        foreach (var (key, value) in tags)
        {
            if (key.Contains('%', StringComparison.Ordinal) || value.Contains('%', StringComparison.Ordinal))
            {
                throw ApiErrors.TagsHaveIllegalCharacters(failure);
            }
        }

        foreach (var key in tags.Keys)
        {
            if (IsReserved(key))
            {
                throw ApiErrors.TagKeyReserved(failure);
            }
        }
    }

    public static void CheckKeys(IReadOnlyList<string> keys, string failure)
    {
        foreach (var key in keys)
        {
            if (!OnlyAllowedCharacters(key))
            {
                throw ApiErrors.TagsHaveInvalidCharacters();
            }
        }

        foreach (var key in keys)
        {
            if (key.Contains('%', StringComparison.Ordinal))
            {
                throw ApiErrors.TagsHaveIllegalCharacters(failure);
            }
        }

        foreach (var key in keys)
        {
            if (IsReserved(key))
            {
                throw ApiErrors.TagKeyReserved(failure);
            }
        }
    }

    /// <param name="kind">"stream", "consumer" or "channel", as the message names it.</param>
    public static void CheckCount(int count, string failure, string kind)
    {
        if (count > MaxTagsPerResource)
        {
            throw ApiErrors.TooManyTags(failure, kind);
        }
    }

    // AWS creates and owns tags under this prefix; users may neither set nor remove them.
    private static bool IsReserved(string key) => key.StartsWith("aws:", StringComparison.OrdinalIgnoreCase);

    // '%' passes here so that it gets AWS's second, more specific refusal.
    private static bool OnlyAllowedCharacters(string text)
    {
        var rest = text.AsSpan();
        while (!rest.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(rest, out var rune, out var consumed) != System.Buffers.OperationStatus.Done || !IsAllowed(rune))
            {
                return false;
            }

            rest = rest[consumed..];
        }

        return true;
    }

    private static bool IsAllowed(Rune rune)
    {
        switch (Rune.GetUnicodeCategory(rune))
        {
            case UnicodeCategory.UppercaseLetter:
            case UnicodeCategory.LowercaseLetter:
            case UnicodeCategory.TitlecaseLetter:
            case UnicodeCategory.ModifierLetter:
            case UnicodeCategory.OtherLetter:
            case UnicodeCategory.DecimalDigitNumber:
            case UnicodeCategory.LetterNumber:
            case UnicodeCategory.OtherNumber:
            case UnicodeCategory.SpaceSeparator:
            case UnicodeCategory.LineSeparator:
            case UnicodeCategory.ParagraphSeparator:
                return true;
            default:
                return rune.Value is '_' or '.' or ':' or '/' or '=' or '+' or '-' or '@' or '%';
        }
    }
}
