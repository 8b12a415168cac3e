using System.Collections.Immutable;
using System.Globalization;
using Rivulet.Protocol.Auth;

namespace Rivulet.Server;

/// <summary>
/// Reads the credentials <c>--auth verify</c> accepts from a file in the AWS shared credentials
/// format, so that one file can serve the server and its clients (AWS_SHARED_CREDENTIALS_FILE):
/// <code>
/// [alice]
/// aws_access_key_id = AKIAALICE0000EXAMPLE
/// aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
/// aws_account_id = 111122223333      # optional: else a 12-digit key is its own account, others get --account-id
/// aws_session_token = FwoGZXIvYXdzE… # optional: then the key is accepted only with this token
/// </code>
/// Other keys (region, output, …) are ignored. A key may appear in several sections with the same
/// secret and account, each with a session token, to accept any of those tokens.
/// </summary>
internal static class CredentialsFile
{
    public static IReadOnlyList<SigV4Credential> Load(string path)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"credentials file {path}: {exception.Message}", exception);
        }

        return Parse(lines, path);
    }

    internal static IReadOnlyList<SigV4Credential> Parse(IReadOnlyList<string> lines, string path)
    {
        var sections = new List<Section>();
        Section? current = null;
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line[0] is '#' or ';')
            {
                continue;
            }

            if (line[0] == '[')
            {
                if (line[^1] != ']' || line.Length < 3)
                {
                    throw Bad(path, i, "a section header is [name]");
                }

                current = new Section(line[1..^1].Trim(), i);
                sections.Add(current);
                continue;
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw Bad(path, i, "expected name = value");
            }

            if (current is null)
            {
                throw Bad(path, i, "a setting before any [section]");
            }

            var name = line[..equals].Trim().ToLowerInvariant();
            var value = StripComment(line[(equals + 1)..]).Trim();
            switch (name)
            {
                case "aws_access_key_id":
                    current.AccessKeyId = value;
                    break;
                case "aws_secret_access_key":
                    current.Secret = value;
                    break;
                case "aws_session_token":
                    current.SessionToken = value;
                    break;
                case "aws_account_id":
                    if (value.Length != 12 || value.AsSpan().IndexOfAnyExceptInRange('0', '9') >= 0)
                    {
                        throw Bad(path, i, "aws_account_id needs 12 digits");
                    }

                    current.AccountId = value;
                    break;
            }
        }

        var byKey = new Dictionary<string, SigV4Credential>(StringComparer.Ordinal);
        foreach (var section in sections)
        {
            if (section.AccessKeyId is null && section.Secret is null)
            {
                continue;
            }

            if (string.IsNullOrEmpty(section.AccessKeyId) || string.IsNullOrEmpty(section.Secret))
            {
                throw Bad(path, section.Line, $"[{section.Name}] needs both aws_access_key_id and aws_secret_access_key");
            }

            ImmutableArray<string> tokens = string.IsNullOrEmpty(section.SessionToken) ? [] : [section.SessionToken];
            if (!byKey.TryGetValue(section.AccessKeyId, out var earlier))
            {
                byKey[section.AccessKeyId] = new SigV4Credential(section.AccessKeyId, section.Secret, section.AccountId) { SessionTokens = tokens };
                continue;
            }

            if (earlier.SecretAccessKey != section.Secret || earlier.AccountId != section.AccountId || earlier.SessionTokens.IsEmpty || tokens.IsEmpty)
            {
                throw Bad(path, section.Line, $"[{section.Name}] repeats access key {section.AccessKeyId}: a key may repeat only with the same secret and account, each time with a session token");
            }

            byKey[section.AccessKeyId] = earlier with { SessionTokens = earlier.SessionTokens.AddRange(tokens) };
        }

        if (byKey.Count == 0)
        {
            throw new IOException($"credentials file {path}: no section has aws_access_key_id and aws_secret_access_key");
        }

        return [.. byKey.Values];
    }

    /// <summary>An inline comment starts at a '#' or ';' after whitespace; secrets may hold either character otherwise.</summary>
    private static string StripComment(string value)
    {
        for (var i = 1; i < value.Length; i++)
        {
            if (value[i] is '#' or ';' && char.IsWhiteSpace(value[i - 1]))
            {
                return value[..i];
            }
        }

        return value;
    }

    private static IOException Bad(string path, int index, string why) =>
        new(string.Create(CultureInfo.InvariantCulture, $"credentials file {path} line {index + 1}: {why}"));

    private sealed class Section(string name, int line)
    {
        public string Name { get; } = name;

        public int Line { get; } = line;

        public string? AccessKeyId { get; set; }

        public string? Secret { get; set; }

        public string? SessionToken { get; set; }

        public string? AccountId { get; set; }
    }
}
