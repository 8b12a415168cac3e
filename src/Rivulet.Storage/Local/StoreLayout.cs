using System.Globalization;

namespace Rivulet.Storage.Local;

/// <summary>
/// Where things live in a data directory:
/// <code>
/// LOCK                                  held exclusively by the process that has the store open
/// FORMAT                                "rivulet-local 1"
/// streams/&lt;account&gt;/&lt;region&gt;/&lt;stream name&gt;.&lt;createdAtMs&gt;/meta.json
///                                       stream metadata, its consumers included (written to meta.json.tmp, synced, renamed)
///         …/shard-&lt;index&gt;/&lt;first position, 20 digits&gt;.seg   record frames
///         …/shard-&lt;index&gt;/&lt;first position, 20 digits&gt;.idx   index of a sealed segment
/// streams/&lt;account&gt;/&lt;stream name&gt;.&lt;createdAtMs&gt;/…   a stream stored before regions were: it stays
///                                       where it is, in the region its meta.json names or else
///                                       <see cref="LocalStoreOptions.DefaultRegion"/>
/// accounts/&lt;region&gt;/&lt;account&gt;.json      an account's settings and channels in a region (written beside, synced, renamed)
/// accounts/&lt;account&gt;.json               the same, stored before regions were (region as for streams)
/// trash/                                deleted streams, renamed here first and removed after
/// </code>
/// The creation time in a stream's directory name tells incarnations of one name apart. Region
/// names never contain a dot and stream directory names always do, so the two kinds of entry
/// in an account's directory cannot be mistaken for each other.
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

    /// <summary>Where the account's file in its region is, without extension; the account and region follow the rules of stream directories.</summary>
    public string AccountFileStem(AccountKey account) =>
        Path.Combine(AccountsRoot, RegionName(account.Region), Path.GetFileName(AccountDirectory(account.AccountId)));

    /// <summary>Whether a directory entry can be a region's (as opposed to a stream directory, whose name has a dot).</summary>
    public static bool IsRegionName(string name) =>
        name.Length > 0 && !name.Contains('.', StringComparison.Ordinal) && !HasSeparator(name);

    /// <exception cref="ArgumentException"><paramref name="region"/> cannot name a directory.</exception>
    public static string RegionName(string region) =>
        IsRegionName(region) ? region : throw new ArgumentException($"'{region}' cannot name a region directory.", nameof(region));

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

        return Path.Combine(AccountDirectory(key.AccountId), RegionName(key.Region), string.Create(CultureInfo.InvariantCulture, $"{key.StreamName}.{createdAtMs}"));
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
