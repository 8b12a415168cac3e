using System.Security.Cryptography;
using System.Text;
using Rivulet.Storage;

namespace Rivulet.Api.Records;

/// <summary>
/// NextToken of the list operations: which list, whose (account and region), and where the previous
/// page ended, authenticated like shard iterators and stamped with its issue time (tokens live 300 s).
/// Tokens written before regions were (one field fewer) decode as the server's own region.
/// </summary>
internal readonly record struct PageToken(string Kind, string AccountId, string Region, string Scope, long ScopeCreatedAtMs, string After, long IssuedAtMs)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(300);

    private const int MacLength = 16;

    public string Encode(byte[] key)
    {
        var payload = Encoding.UTF8.GetBytes($"{Kind}\n{AccountId}\n{Region}\n{Scope}\n{ScopeCreatedAtMs}\n{After}\n{IssuedAtMs}");
        var token = new byte[payload.Length + MacLength];
        payload.CopyTo(token, 0);
        HMACSHA256.HashData(key, payload).AsSpan(0, MacLength).CopyTo(token.AsSpan(payload.Length));
        return Convert.ToBase64String(token);
    }

    /// <summary>Decodes a token of <paramref name="kind"/> (and of <paramref name="owner"/> when given), or throws AWS's invalid or expired NextToken error.</summary>
    /// <param name="defaultRegion">The region of a token written before regions were: the server's own.</param>
    public static PageToken Accept(string text, byte[] key, string kind, AccountKey? owner, string defaultRegion, long nowMs)
    {
        if (!TryDecode(text, key, defaultRegion, out var token) || token.Kind != kind
            || (owner is { } account && (token.AccountId != account.AccountId || token.Region != account.Region)))
        {
            throw ApiErrors.InvalidNextToken();
        }

        return nowMs - token.IssuedAtMs > Lifetime.TotalMilliseconds ? throw ApiErrors.NextTokenExpired() : token;
    }

    public static bool TryDecode(string text, byte[] key, string defaultRegion, out PageToken token)
    {
        token = default;
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            return false;
        }

        if (bytes.Length <= MacLength)
        {
            return false;
        }

        var payload = bytes.AsSpan(0, bytes.Length - MacLength);
        if (!CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(key, payload).AsSpan(0, MacLength), bytes.AsSpan(payload.Length)))
        {
            return false;
        }

        var parts = Encoding.UTF8.GetString(payload).Split('\n');
        if (parts.Length == 6)
        {
            parts = [parts[0], parts[1], defaultRegion, .. parts[2..]];
        }

        if (parts.Length != 7 || !long.TryParse(parts[4], out var created) || !long.TryParse(parts[6], out var issued))
        {
            return false;
        }

        token = new PageToken(parts[0], parts[1], parts[2], parts[3], created, parts[5], issued);
        return true;
    }
}
