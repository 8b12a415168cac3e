using System.Text;

namespace Rivulet.ModelGen;

// AWS checks model patterns with java.util.regex, whose shorthands are ASCII-only and whose '.'
// stops at every line terminator; .NET's are Unicode-aware. Spelling them out keeps Java's meaning.
internal static class JavaRegex
{
    private const string JavaWhitespace = @" \t\n\x0B\f\r";
    private const string JavaWordCharacters = "a-zA-Z_0-9";

    public static string ToDotNet(string javaPattern)
    {
        var result = new StringBuilder();
        var inClass = false;
        for (var i = 0; i < javaPattern.Length; i++)
        {
            var character = javaPattern[i];
            if (character == '\\' && i + 1 < javaPattern.Length)
            {
                result.Append(Escape(javaPattern, javaPattern[++i], inClass));
            }
            else if (character == '.' && !inClass)
            {
                result.Append(@"[^\n\r\u0085\u2028\u2029]");
            }
            else
            {
                inClass = character == '[' || (inClass && character != ']');
                result.Append(character);
            }
        }

        return result.ToString();
    }

    private static string Escape(string pattern, char escaped, bool inClass) => (escaped, inClass) switch
    {
        ('d', false) => "[0-9]",
        ('d', true) => "0-9",
        ('D', false) => "[^0-9]",
        ('s', false) => $"[{JavaWhitespace}]",
        ('s', true) => JavaWhitespace,
        ('S', false) => $"[^{JavaWhitespace}]",
        ('w', false) => $"[{JavaWordCharacters}]",
        ('w', true) => JavaWordCharacters,
        ('W', false) => $"[^{JavaWordCharacters}]",

        // Java takes any escaped non-letter literally; .NET refuses an escaped underscore.
        ('_', _) => "_",

        // Any other letter or digit escape may mean something else in .NET: refuse rather than guess.
        _ when char.IsAsciiLetterOrDigit(escaped) =>
            throw new NotSupportedException($"Pattern {pattern} uses \\{escaped}, which the generator does not translate."),
        _ => $"\\{escaped}",
    };
}
