using Rivulet.Protocol.Auth;

namespace Rivulet.Api;

/// <summary>What the API layer needs to know about the deployment it serves.</summary>
public sealed record KinesisOptions
{
    /// <summary>The region of requests whose credential scope names no valid one (a signed request's region is its scope's).</summary>
    public string Region { get; init; } = "us-east-1";

    /// <summary>Verifies signatures against known credentials; null checks only that a well-formed one is present.</summary>
    public SigV4Verifier? SignatureVerifier { get; init; }

    /// <summary>The account of callers whose access key does not name one (12 digits).</summary>
    public string DefaultAccountId { get; init; } = "000000000000";

    /// <summary>How long a new stream stays CREATING. AWS takes seconds; 0 (ACTIVE at once) suits tests.</summary>
    public TimeSpan CreateStreamDelay { get; init; } = TimeSpan.Zero;

    /// <summary>How long a stream stays UPDATING after a reshard, an encryption change or a mode change.</summary>
    public TimeSpan UpdateStreamDelay { get; init; } = TimeSpan.Zero;

    /// <summary>How long a deleted stream stays DELETING before it is gone.</summary>
    public TimeSpan DeleteStreamDelay { get; init; } = TimeSpan.Zero;

    /// <summary>How long a registered consumer stays CREATING, and a deregistered one DELETING. AWS takes seconds.</summary>
    public TimeSpan ConsumerDelay { get; init; } = TimeSpan.Zero;

    /// <summary>How long a SubscribeToShard subscription lasts before the server ends it (AWS: 5 minutes).</summary>
    public TimeSpan SubscriptionLifetime { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a subscription waits for records before it sends an empty event, as AWS does, to show it is alive.</summary>
    public TimeSpan SubscriptionHeartbeat { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Open shards an account may hold in one region. Null: AWS's default quota for a new account in
    /// that region, 20,000 in us-east-1, us-west-2 and eu-west-1 and 1,000 elsewhere (AWS says
    /// "1,000 or 6,000"; the lower keeps code that works here working there).
    /// </summary>
    public int? ShardLimit { get; init; }

    /// <summary>Key that authenticates shard iterators and paging tokens. Servers sharing a store must share it.</summary>
    public required byte[] TokenKey { get; init; }

    /// <summary>Largest request body accepted before answering 413 (a full PutRecords is about 13.4 MiB as JSON).</summary>
    public long MaxRequestBodyBytes { get; init; } = 16L * 1024 * 1024;

    /// <summary>On-demand streams an account may hold (AWS: 50 by default; more on request).</summary>
    public int OnDemandStreamLimit { get; init; } = 50;

    /// <summary>
    /// Channels an account may hold in any state until they are gone (DescribeLimits' ChannelCountLimit).
    /// AWS bounds it only through its quotas: two channels per stream (one to S3 Tables, one to S3)
    /// on at most 50 on-demand streams.
    /// </summary>
    public int ChannelCountLimit { get; init; } = 100;

    public int ShardLimitIn(string region) =>
        ShardLimit ?? (region is "us-east-1" or "us-west-2" or "eu-west-1" ? 20_000 : 1_000);
}
