using System.CommandLine;
using System.Globalization;
using System.Text;
using Rivulet.Api.Faults;
using Rivulet.Storage.Local;

namespace Rivulet.Server;

/// <summary>
/// Turns <c>serve --port 4567 …</c> and RIVULET_* environment variables into options. A flag on the
/// command line wins over the environment.
/// </summary>
internal static class CommandLine
{
    /// <summary>Every option of <c>serve</c>, in the order they are applied (a shorthand before what it abbreviates, so the specific one wins).</summary>
    private static readonly Setting[] Settings =
    [
        new("--host", "RIVULET_HOST", "<address>", "address to listen on (default 127.0.0.1)", (o, v, n) => (o with { Host = v ?? "" }, null)),
        new("--port", "RIVULET_PORT", "<number>", "port to listen on, 0 for any free one (default 4567)", (o, v, n) => Apply(o, Port(v, n), (o, x) => o with { Port = x })),
        new("--data-dir", "RIVULET_DATA_DIR", "<path>", "where the embedded store keeps data (default ./rivulet-data)", (o, v, n) => (o with { DataDir = v ?? "" }, null)),
        new("--in-memory", "RIVULET_IN_MEMORY", null, "keep everything in memory; nothing survives a restart", (o, v, n) => (o with { InMemory = v is "1" or "true" or "TRUE" or "yes" }, null)),
        new("--fsync", "RIVULET_FSYNC", "<policy>", "always (default) | interval:<ms> | never: when writes reach the disk", (o, v, n) => Apply(o, Fsync(v, n), (o, x) => o with { Fsync = x })),
        new("--tls-port", "RIVULET_TLS_PORT", "<number|off>", "TLS port, HTTP/1.1 and HTTP/2 by ALPN; 0 for any free one, off for none (default 4568)", (o, v, n) => Apply(o, TlsPort(v, n), (o, x) => o with { TlsPort = x })),
        new("--tls-cert", "RIVULET_TLS_CERT", "<pem file>", "TLS certificate (default: a self-signed one for localhost kept in the data directory)", (o, v, n) => (o with { TlsCertificatePath = v }, null)),
        new("--tls-key", "RIVULET_TLS_KEY", "<pem file>", "private key of --tls-cert", (o, v, n) => (o with { TlsKeyPath = v }, null)),
        new("--auth", "RIVULET_AUTH", "none|verify", "none (default): any well-formed signature; verify: signatures checked against --credentials", (o, v, n) => Apply(o, Auth(v, n), (o, x) => o with { Auth = x })),
        new("--credentials", "RIVULET_CREDENTIALS", "<file>", "access keys --auth verify accepts, in the AWS credentials file format", (o, v, n) => (o with { CredentialsPath = v }, null)),
        new("--region", "RIVULET_REGION", "<name>", "region of requests whose signature names none (default us-east-1)", (o, v, n) => (o with { Region = v ?? "" }, null)),
        new("--account-id", "RIVULET_ACCOUNT_ID", "<12 digits>", "account of callers whose access key names none (default 000000000000)", (o, v, n) => Apply(o, Account(v, n), (o, x) => o with { AccountId = x })),
        new("--shard-limit", "RIVULET_SHARD_LIMIT", "<n>", "open shards per account (default: AWS's for the region, 20000 or 1000)", (o, v, n) => Apply(o, Positive(v, n), (o, x) => o with { ShardLimit = x })),
        new("--stream-delay-ms", "RIVULET_STREAM_DELAY_MS", "<ms>", "sets the stream delays below and --consumer-ms at once", (o, v, n) => Apply(o, Delay(v, n), AllDelays)),
        new("--create-stream-ms", "RIVULET_CREATE_STREAM_MS", "<ms>", "time a new stream spends CREATING (default 0)", (o, v, n) => Apply(o, Delay(v, n), (o, x) => o with { CreateStreamDelay = x })),
        new("--update-stream-ms", "RIVULET_UPDATE_STREAM_MS", "<ms>", "time a stream spends UPDATING after a change (default 0)", (o, v, n) => Apply(o, Delay(v, n), (o, x) => o with { UpdateStreamDelay = x })),
        new("--delete-stream-ms", "RIVULET_DELETE_STREAM_MS", "<ms>", "time a deleted stream spends DELETING (default 0)", (o, v, n) => Apply(o, Delay(v, n), (o, x) => o with { DeleteStreamDelay = x })),
        new("--consumer-ms", "RIVULET_CONSUMER_MS", "<ms>", "time a consumer spends CREATING, and DELETING when deregistered (default 0)", (o, v, n) => Apply(o, Delay(v, n), (o, x) => o with { ConsumerDelay = x })),
        new("--subscription-ms", "RIVULET_SUBSCRIPTION_MS", "<ms>", "how long a SubscribeToShard subscription lasts (default 300000, as AWS)", (o, v, n) => Apply(o, Positive(v, n), (o, x) => o with { SubscriptionLifetime = TimeSpan.FromMilliseconds(x) })),
        new("--heartbeat-ms", "RIVULET_HEARTBEAT_MS", "<ms>", "an empty SubscribeToShard event after this long without records (default 5000)", (o, v, n) => Apply(o, Positive(v, n), (o, x) => o with { SubscriptionHeartbeat = TimeSpan.FromMilliseconds(x) })),
        new("--limits", "RIVULET_LIMITS", "off|aws", "off (default): no throughput limits; aws: AWS's write, read and call-rate limits (a stream's rivulet:limits tag overrides)", (o, v, n) => Apply(o, Limits(v, n), (o, x) => o with { Limits = x })),
        new("--fault", "RIVULET_FAULT", "<op>=<p>[:<err>]", "comma-separated: fail an operation (or * for all) with probability p: InternalFailure (default, 500), ProvisionedThroughputExceededException (per entry in PutRecords) or LimitExceededException", (o, v, n) => Apply(o, Faults(v, n), (o, x) => o with { Faults = o.Faults with { Faults = x } })),
        new("--latency", "RIVULET_LATENCY", "<op>=<ms>,…", "answer an operation (or * for all) this many milliseconds late", (o, v, n) => Apply(o, Latency(v, n), (o, x) => o with { Faults = o.Faults with { Latency = x } })),
        new("--max-connections", "RIVULET_MAX_CONNECTIONS", "<n>", "connections served at once (default: the descriptor limit less 1088)", (o, v, n) => Apply(o, Positive(v, n), (o, x) => o with { MaxConnections = x })),
        new("--response-budget-mb", "RIVULET_RESPONSE_BUDGET_MB", "<n>", "memory all large answers in flight may hold (default 256)", (o, v, n) => Apply(o, Positive(v, n), (o, x) => o with { ResponseBudgetBytes = x * 1024 * 1024 })),
        new("--write-timeout-ms", "RIVULET_WRITE_TIMEOUT_MS", "<ms>", "drop a client that reads nothing of an answer this long (default 30000)", (o, v, n) => Apply(o, Positive(v, n), (o, x) => o with { WriteTimeout = TimeSpan.FromMilliseconds(x) })),
    ];

    public static string Usage { get; } = BuildUsage();

    /// <summary>
    /// Parses <c>serve [options]</c> with System.CommandLine. Environment variables are read first
    /// and flags override them; a bad value of either gives a one-line <paramref name="error"/>.
    /// </summary>
    public static bool TryParse(string[] args, Func<string, string?> environment, out ServerOptions options, out string? error)
    {
        options = new ServerOptions();
        error = null;
        foreach (var setting in Settings)
        {
            if (environment(setting.Variable) is { } value)
            {
                (options, error) = setting.Apply(options, value, setting.Variable);
                if (error is not null)
                {
                    return false;
                }
            }
        }

        var serve = new Command("serve", "Run the server.");
        var parsed = new Option[Settings.Length];
        for (var i = 0; i < Settings.Length; i++)
        {
            Option option = Settings[i].ValueName is null ? new Option<bool>(Settings[i].Flag) : new Option<string>(Settings[i].Flag) { HelpName = Settings[i].ValueName };
            option.Description = Settings[i].Description;
            parsed[i] = option;
            serve.Options.Add(option);
        }

        var root = new RootCommand("Rivulet: an Amazon Kinesis Data Streams server.");
        root.Subcommands.Add(serve);
        var result = root.Parse(args);
        if (result.UnmatchedTokens.Count > 0)
        {
            error = $"unknown command or option: {result.UnmatchedTokens[0]}";
            return false;
        }

        if (result.Errors.Count > 0)
        {
            error = result.Errors[0].Message;
            return false;
        }

        if (result.CommandResult.Command != serve)
        {
            error = "missing command: serve";
            return false;
        }

        for (var i = 0; i < Settings.Length; i++)
        {
            if (result.GetResult(parsed[i]) is not { Implicit: false })
            {
                continue;
            }

            var value = parsed[i] is Option<bool> flag ? (result.GetValue(flag) ? "true" : "false") : result.GetValue((Option<string>)parsed[i]);
            (options, error) = Settings[i].Apply(options, value, Settings[i].Flag);
            if (error is not null)
            {
                return false;
            }
        }

        error = Consistency(options);
        return error is null;
    }

    /// <summary>What no single option can check: options that need one another.</summary>
    private static string? Consistency(ServerOptions options)
    {
        if (options.Auth == AuthMode.Verify && string.IsNullOrEmpty(options.CredentialsPath))
        {
            return "--auth verify needs --credentials <file> (or RIVULET_CREDENTIALS)";
        }

        if (string.IsNullOrEmpty(options.TlsCertificatePath) != string.IsNullOrEmpty(options.TlsKeyPath))
        {
            return "--tls-cert and --tls-key go together";
        }

        return null;
    }

    private static string BuildUsage()
    {
        var text = new StringBuilder("""
            Rivulet: an Amazon Kinesis Data Streams server.

            Usage: rivulet serve [options]

            Options (each also settable as an environment variable; a flag wins over its variable):

            """);
        foreach (var setting in Settings)
        {
            var flag = setting.ValueName is null ? setting.Flag : $"{setting.Flag} {setting.ValueName}";
            text.Append(CultureInfo.InvariantCulture, $"  {flag,-25} {setting.Variable,-27} {setting.Description}\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"  {"--help",-25} {"",-27} show this text\n");
        return text.ToString();
    }

    private static (ServerOptions, string?) Apply<T>(ServerOptions options, (T Value, string? Error) parsed, Func<ServerOptions, T, ServerOptions> set) =>
        parsed.Error is null ? (set(options, parsed.Value), null) : (options, parsed.Error);

    private static ServerOptions AllDelays(ServerOptions options, TimeSpan delay) =>
        options with { CreateStreamDelay = delay, UpdateStreamDelay = delay, DeleteStreamDelay = delay, ConsumerDelay = delay };

    private static (long, string?) Positive(string? value, string name) =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number is > 0 and <= int.MaxValue
            ? (number, null)
            : (1, $"{name} needs a whole number from 1 to {int.MaxValue}");

    private static (int, string?) Port(string? value, string name) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port <= 65535
            ? (port, null)
            : (0, $"{name} needs a port number from 0 to 65535");

    private static (int?, string?) TlsPort(string? value, string name) =>
        value is "off" ? (null, null) : Port(value, name) is var (port, error) && error is null ? (port, null) : (null, $"{name} needs a port number from 0 to 65535, or off");

    private static (AuthMode, string?) Auth(string? value, string name) => value switch
    {
        "none" => (AuthMode.None, null),
        "verify" => (AuthMode.Verify, null),
        _ => (AuthMode.None, $"{name} needs none or verify"),
    };

    private static (LimitsMode, string?) Limits(string? value, string name) => value switch
    {
        "off" => (LimitsMode.Off, null),
        "aws" => (LimitsMode.Aws, null),
        _ => (LimitsMode.Off, $"{name} needs off or aws"),
    };

    private static (Dictionary<string, Fault>, string?) Faults(string? value, string name) =>
        FaultPlan.TryParseFaults(value, out var faults, out var error) ? (faults, null) : (faults, $"{name}: {error}");

    private static (Dictionary<string, int>, string?) Latency(string? value, string name) =>
        FaultPlan.TryParseLatency(value, out var latency, out var error) ? (latency, null) : (latency, $"{name}: {error}");

    private static (FsyncPolicy, string?) Fsync(string? value, string name) =>
        FsyncPolicy.TryParse(value, out var policy) ? (policy, null) : (FsyncPolicy.Always, $"{name} needs always, never or interval:<milliseconds>");

    private static (string, string?) Account(string? value, string name) =>
        value is { Length: 12 } && value.AsSpan().IndexOfAnyExceptInRange('0', '9') < 0 ? (value, null) : ("", $"{name} needs a 12-digit account ID");

    private static (TimeSpan, string?) Delay(string? value, string name) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds)
            ? (TimeSpan.FromMilliseconds(milliseconds), null)
            : (TimeSpan.Zero, $"{name} needs a whole number of milliseconds");

    /// <summary>One option: its flag, its environment variable, how help shows it, and how a value changes the options (or why it cannot).</summary>
    private sealed record Setting(string Flag, string Variable, string? ValueName, string Description, Func<ServerOptions, string?, string, (ServerOptions, string?)> Apply);
}
