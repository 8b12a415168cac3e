using System.Globalization;

namespace Rivulet.Storage.Local;

/// <summary>
/// Where things live in a data directory:
/// <code>
/// LOCK                                  held exclusively by the process that has the store open
/// FORMAT                                "rivulet-local 1"
/// streams/&lt;account&gt;/&lt;stream name&gt;.&lt;createdAtMs&gt;/meta.json
///                                       stream metadata, its consumers included (written to meta.json.tmp, synced, renamed)
///         …/shard-&lt;index&gt;/&lt;first position, 20 digits&gt;.seg   record frames
///         …/shard-&lt;index&gt;/&lt;first position, 20 digits&gt;.idx   index of a sealed segment
/// accounts/&lt;account&gt;.json               an account's settings and channels (written beside, synced, renamed)
/// trash/                                deleted streams, renamed here first and removed after
/// </code>
/// The creation time in a stream's directory name tells incarnations of one name apart.
/// </summary>
internal sealed class StoreLayout(string dataDirectory)
{
    public const string MetadataFile = "meta.json";
    public const string MetadataTempFile = "meta.json.tmp";
    public const string SegmentExtension = ".seg";
    private const int PositionDigits = 20;

    public string DataDirectory { get; } = Path.GetFullPath(dataDirectory);

    public string LockFile => Path.Combine(DataDirectory, "LOCK");

    public string FormatFile => Path.Combine(DataDirectory, "FORMAT");

    public string StreamsRoot => Path.Combine(DataDirectory, "streams");

    public string TrashRoot => Path.Combine(DataDirectory, "trash");

    public string AccountsRoot => Path.Combine(DataDirectory, "accounts");

    /// <summary>The account's file name without extension; the same rules as its stream directory.</summary>
    public string AccountFileName(string accountId) => Path.GetFileName(AccountDirectory(accountId));

    public string AccountDirectory(string accountId)
    {
        if (accountId.Length == 0 || accountId is "." or ".." || HasSeparator(accountId))
        {
            throw new ArgumentException($"'{accountId}' cannot name an account directory.", nameof(accountId));
        }

        return Path.Combine(StreamsRoot, accountId);
    }

    public string StreamDirectory(StreamKey key, long createdAtMs)
    {
        if (key.StreamName.Length == 0 || HasSeparator(key.StreamName))
        {
            throw new ArgumentException($"'{key.StreamName}' cannot name a stream directory.", nameof(key));
        }

        return Path.Combine(AccountDirectory(key.AccountId), string.Create(CultureInfo.InvariantCulture, $"{key.StreamName}.{createdAtMs}"));
    }

    public static string ShardDirectory(string streamDirectory, int shardIndex) =>
        Path.Combine(streamDirectory, string.Create(CultureInfo.InvariantCulture, $"shard-{shardIndex}"));

    public static bool TryParseShardDirectory(string name, out int shardIndex)
    {
        shardIndex = -1;
        return name.StartsWith("shard-", StringComparison.Ordinal) &&
            int.TryParse(name.AsSpan(6), NumberStyles.None, CultureInfo.InvariantCulture, out shardIndex);
    }

    /// <summary>Splits <c>&lt;stream name&gt;.&lt;createdAtMs&gt;</c> at its last dot (stream names may contain dots).</summary>
    public static bool TryParseStreamDirectory(string name, out string streamName, out long createdAtMs)
    {
        var dot = name.LastIndexOf('.');
        streamName = dot > 0 ? name[..dot] : "";
        createdAtMs = 0;
        return dot > 0 && long.TryParse(name.AsSpan(dot + 1), NumberStyles.None, CultureInfo.InvariantCulture, out createdAtMs);
    }

    public static string SegmentFileName(long firstPosition) =>
        firstPosition.ToString("D20", CultureInfo.InvariantCulture) + SegmentExtension;

    public static bool TryParseSegmentFileName(string name, out long firstPosition)
    {
        firstPosition = -1;
        return name.Length == PositionDigits + SegmentExtension.Length &&
            name.EndsWith(SegmentExtension, StringComparison.Ordinal) &&
            long.TryParse(name.AsSpan(0, PositionDigits), NumberStyles.None, CultureInfo.InvariantCulture, out firstPosition);
    }

    private static bool HasSeparator(string name) =>
        name.Contains('/', StringComparison.Ordinal) || name.Contains('\\', StringComparison.Ordinal) || name.Contains('\0', StringComparison.Ordinal);
}
