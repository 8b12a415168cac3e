using Rivulet.Api.Faults;
using Rivulet.Storage.Local;

namespace Rivulet.Server;

/// <summary>How to run the server; filled from the command line and RIVULET_* environment variables.</summary>
public sealed record ServerOptions
{
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>0 picks a free port; the chosen one is in the "listening on" line and <see cref="RivuletServer.Endpoint"/>.</summary>
    public int Port { get; init; } = 4567;

    public string DataDir { get; init; } = "./rivulet-data";

    public bool InMemory { get; init; }

    /// <summary>
    /// The region of requests whose credential scope names no valid one, and of data directories
    /// written before streams had a region. A signed request's region is its credential scope's.
    /// </summary>
    public string Region { get; init; } = "us-east-1";

    /// <summary>The TLS port (HTTP/1.1 and HTTP/2 by ALPN); 0 picks a free one; null serves no TLS.</summary>
    public int? TlsPort { get; init; } = 4568;

    /// <summary>A PEM certificate (chain) for TLS; null: a self-signed one for localhost (<see cref="TlsCertificate"/>).</summary>
    public string? TlsCertificatePath { get; init; }

    /// <summary>The PEM private key of <see cref="TlsCertificatePath"/>.</summary>
    public string? TlsKeyPath { get; init; }

    /// <summary>Whether signatures are only checked for presence (AWS's shape) or verified against <see cref="CredentialsPath"/>.</summary>
    public AuthMode Auth { get; init; } = AuthMode.None;

    /// <summary>Whether AWS's throughput limits apply to streams that do not choose for themselves.</summary>
    public LimitsMode Limits { get; init; } = LimitsMode.Off;

    /// <summary>Faults and latency injected into calls from the start (<c>--fault</c>, <c>--latency</c>); the admin endpoint changes them at run time.</summary>
    public FaultPlan Faults { get; init; } = FaultPlan.None;

    /// <summary>The credentials file <see cref="AuthMode.Verify"/> checks signatures against (<see cref="CredentialsFile"/>).</summary>
    public string? CredentialsPath { get; init; }

    /// <summary>
    /// Open shards an account may hold. Null: AWS's default quota for a new account in
    /// <see cref="Region"/>: 20,000 in us-east-1, us-west-2 and eu-west-1, 1,000 elsewhere (AWS says
    /// "1,000 or 6,000"; the lower keeps code that works here working there).
    /// </summary>
    public long? ShardLimit { get; init; }

    public int EffectiveShardLimit => ShardLimit is { } limit ? (int)limit : Region is "us-east-1" or "us-west-2" or "eu-west-1" ? 20_000 : 1_000;

    public string AccountId { get; init; } = "000000000000";

    /// <summary>When acknowledged records reach stable storage: <c>always</c> (before the answer), <c>interval:&lt;ms&gt;</c> or <c>never</c>.</summary>
    public FsyncPolicy Fsync { get; init; } = FsyncPolicy.Always;

    /// <summary>How often expired records are cleared from storage.</summary>
    public TimeSpan RetentionSweepInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>How long streams stay CREATING (AWS: seconds; default 0 so tests never wait).</summary>
    public TimeSpan CreateStreamDelay { get; init; } = TimeSpan.Zero;

    /// <summary>How long streams stay UPDATING after a reshard or another change.</summary>
    public TimeSpan UpdateStreamDelay { get; init; } = TimeSpan.Zero;

    /// <summary>How long streams stay DELETING.</summary>
    public TimeSpan DeleteStreamDelay { get; init; } = TimeSpan.Zero;

    /// <summary>How long consumers stay CREATING, and DELETING once deregistered.</summary>
    public TimeSpan ConsumerDelay { get; init; } = TimeSpan.Zero;

    /// <summary>How long a SubscribeToShard subscription lasts (AWS: 5 minutes).</summary>
    public TimeSpan SubscriptionLifetime { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a subscription goes without records before an empty event.</summary>
    public TimeSpan SubscriptionHeartbeat { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Connections served at once; beyond it new ones are closed at once. Null: what RLIMIT_NOFILE
    /// leaves after the store's file cache and the runtime (<see cref="ConnectionLimits.DefaultMaxConnections"/>).
    /// </summary>
    public long? MaxConnections { get; init; }

    /// <summary>Bytes of large response bodies that all connections together may hold while clients read them.</summary>
    public long ResponseBudgetBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>How long a client may take to read one 64 KiB piece of an answer (or an answer may wait for the budget) before its connection is dropped.</summary>
    public TimeSpan WriteTimeout { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>How requests are authenticated.</summary>
public enum AuthMode
{
    /// <summary>A well-formed SigV4 signature must be present; any secret signs it.</summary>
    None,

    /// <summary>Signatures are verified against known credentials, with AWS's errors.</summary>
    Verify,
}

/// <summary>Which throughput limits apply.</summary>
public enum LimitsMode
{
    /// <summary>None: local development is never throttled by surprise.</summary>
    Off,

    /// <summary>AWS's limits: per-shard writes and reads, GetShardIterator, SubscribeToShard and the control plane's rates.</summary>
    Aws,
}
