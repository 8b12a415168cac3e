using System.Collections.Immutable;

namespace Rivulet.Storage;

/// <summary>
/// What an account holds in one region beyond its streams: its settings and its channels. Like streams it is
/// replaced whole, compare-and-set on <see cref="Version"/>; an account nobody has changed has no
/// stored value and reads as <see cref="New"/> (version 0).
/// </summary>
public sealed record AccountMetadata
{
    public required string AccountId { get; init; }

    public required string Region { get; init; }

    public AccountKey Key => new(AccountId, Region);

    public long Version { get; init; }

    /// <summary>The account's minimum throughput billing commitment: ENABLED, DISABLED or ENABLED_UNTIL_EARLIEST_ALLOWED_END (a disable asked for before the earliest allowed end, which takes effect then).</summary>
    public string CommitmentStatus { get; init; } = "DISABLED";

    public long? CommitmentStartedAtMs { get; init; }

    public long? CommitmentEndedAtMs { get; init; }

    /// <summary>The commitment cannot be ended before this time (epoch ms).</summary>
    public long? CommitmentEarliestEndAtMs { get; init; }

    public ImmutableArray<ChannelMetadata> Channels { get; init; } = [];

    public static AccountMetadata New(AccountKey account) => new() { AccountId = account.AccountId, Region = account.Region };
}

/// <summary>
/// A channel: a delivery of one or more streams to S3. Its configuration is kept as the JSON the
/// API layer wrote (this layer does not know the wire shapes); the store only keeps it durably.
/// </summary>
public sealed record ChannelMetadata
{
    public required string ChannelName { get; init; }

    public required string ChannelId { get; init; }

    public required long CreatedAtMs { get; init; }

    public required string Status { get; init; }

    /// <summary>When a CREATING or UPDATING channel becomes ACTIVE, or a DELETING one disappears (epoch ms).</summary>
    public long? StatusSettlesAtMs { get; init; }

    public required string ConfigurationJson { get; init; }

    public ImmutableSortedDictionary<string, string> Tags { get; init; } = ImmutableSortedDictionary<string, string>.Empty.WithComparers(StringComparer.Ordinal);

    public string? ResourcePolicy { get; init; }
}
