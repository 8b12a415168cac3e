using System.Collections.Immutable;
using System.Text.Json;

namespace Rivulet.Storage.Local;

/// <summary>
/// Reads and replaces an account's accounts/&lt;region&gt;/&lt;id&gt;.json (or the accounts/&lt;id&gt;.json of
/// an account stored before regions were) the way <see cref="MetadataFile"/> does a
/// stream's: written beside, synced, renamed over, directory synced; a crash leaves the old or the new.
/// </summary>
internal static class AccountFile
{
    public const string Extension = ".json";
    private const string TempExtension = ".json.tmp";

    /// <param name="stem">The file's path without <see cref="Extension"/>; its directory exists.</param>
    public static void Write(StoreContext store, string stem, AccountMetadata account)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(ToDocument(account), LocalJsonContext.Default.AccountDocument);
        store.ReplaceFileDurably(stem + Extension, stem + TempExtension, bytes);
    }

    public static bool IsTemp(string path) => path.EndsWith(TempExtension, StringComparison.Ordinal);

    /// <param name="defaultRegion">The region of a document that names none (written before regions were stored).</param>
    /// <exception cref="CorruptLogException">The file is not an account document this version understands.</exception>
    public static AccountMetadata Read(string path, string defaultRegion)
    {
        AccountDocument? document;
        try
        {
            document = JsonSerializer.Deserialize(File.ReadAllBytes(path), LocalJsonContext.Default.AccountDocument);
        }
        catch (JsonException exception)
        {
            throw new CorruptLogException(path, exception.BytePositionInLine ?? 0, $"account metadata is not valid JSON ({exception.Message})");
        }

        if (document is null || document.Format != AccountDocument.CurrentFormat || document.AccountId.Length == 0)
        {
            throw new CorruptLogException(path, 0, $"account metadata of format {document?.Format} (this version reads {AccountDocument.CurrentFormat})");
        }

        return new AccountMetadata
        {
            AccountId = document.AccountId,
            Region = document.Region ?? defaultRegion,
            Version = document.Version,
            CommitmentStatus = document.CommitmentStatus,
            CommitmentStartedAtMs = document.CommitmentStartedAtMs,
            CommitmentEndedAtMs = document.CommitmentEndedAtMs,
            CommitmentEarliestEndAtMs = document.CommitmentEarliestEndAtMs,
            Channels = [.. document.Channels.Select(channel => new ChannelMetadata
            {
                ChannelName = channel.ChannelName,
                ChannelId = channel.ChannelId,
                CreatedAtMs = channel.CreatedAtMs,
                Status = channel.Status,
                StatusSettlesAtMs = channel.StatusSettlesAtMs,
                ConfigurationJson = channel.ConfigurationJson,
                Tags = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, channel.Tags),
                ResourcePolicy = channel.ResourcePolicy,
            })],
        };
    }

    private static AccountDocument ToDocument(AccountMetadata account) => new()
    {
        AccountId = account.AccountId,
        Region = account.Region,
        Version = account.Version,
        CommitmentStatus = account.CommitmentStatus,
        CommitmentStartedAtMs = account.CommitmentStartedAtMs,
        CommitmentEndedAtMs = account.CommitmentEndedAtMs,
        CommitmentEarliestEndAtMs = account.CommitmentEarliestEndAtMs,
        Channels = [.. account.Channels.Select(channel => new AccountDocument.ChannelDocument
        {
            ChannelName = channel.ChannelName,
            ChannelId = channel.ChannelId,
            CreatedAtMs = channel.CreatedAtMs,
            Status = channel.Status,
            StatusSettlesAtMs = channel.StatusSettlesAtMs,
            ConfigurationJson = channel.ConfigurationJson,
            Tags = new Dictionary<string, string>(channel.Tags, StringComparer.Ordinal),
            ResourcePolicy = channel.ResourcePolicy,
        })],
    };
}

/// <summary><see cref="AccountMetadata"/> as accounts/&lt;region&gt;/&lt;id&gt;.json holds it.</summary>
internal sealed class AccountDocument
{
    public const int CurrentFormat = 1;

    public int Format { get; set; } = CurrentFormat;

    public string AccountId { get; set; } = "";

    /// <summary>Null in documents written before regions were stored: the store's <see cref="LocalStoreOptions.DefaultRegion"/>.</summary>
    public string? Region { get; set; }

    public long Version { get; set; }

    public string CommitmentStatus { get; set; } = "DISABLED";

    public long? CommitmentStartedAtMs { get; set; }

    public long? CommitmentEndedAtMs { get; set; }

    public long? CommitmentEarliestEndAtMs { get; set; }

    public List<ChannelDocument> Channels { get; set; } = [];

    internal sealed class ChannelDocument
    {
        public string ChannelName { get; set; } = "";

        public string ChannelId { get; set; } = "";

        public long CreatedAtMs { get; set; }

        public string Status { get; set; } = "";

        public long? StatusSettlesAtMs { get; set; }

        public string ConfigurationJson { get; set; } = "";

        public Dictionary<string, string> Tags { get; set; } = [];

        public string? ResourcePolicy { get; set; }
    }
}
