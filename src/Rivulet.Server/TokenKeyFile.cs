using System.Security.Cryptography;

namespace Rivulet.Server;

/// <summary>
/// The key that authenticates shard iterators and paging tokens. Kept beside the data so that
/// iterators handed out before a restart keep working after it; a throw-away key for in-memory runs.
/// </summary>
internal static class TokenKeyFile
{
    private const int KeyBytes = 32;

    public static byte[] LoadOrCreate(string dataDirectory)
    {
        Directory.CreateDirectory(dataDirectory);
        var path = Path.Combine(dataDirectory, "token.key");
        if (File.Exists(path))
        {
            var existing = File.ReadAllBytes(path);
            if (existing.Length == KeyBytes)
            {
                return existing;
            }
        }

        var key = RandomNumberGenerator.GetBytes(KeyBytes);
        DurableFile.Replace(path, key);
        return key;
    }
}
