using System.Globalization;
using Rivulet.Storage.Local;

namespace Rivulet.Server;

/// <summary>
/// Turns <c>serve --port 4567 …</c> and RIVULET_* environment variables into options. A flag on the
/// command line wins over the environment.
/// </summary>
internal static class CommandLine
{
    public const string Usage = """
        Rivulet: an Amazon Kinesis Data Streams server.

        Usage: rivulet serve [options]

        Options (each also settable as an environment variable):
          --host <address>         RIVULET_HOST         address to listen on (default 127.0.0.1)
          --port <number>          RIVULET_PORT         port to listen on, 0 for any free one (default 4567)
          --data-dir <path>        RIVULET_DATA_DIR     where the embedded store keeps data (default ./rivulet-data)
          --in-memory              RIVULET_IN_MEMORY    keep everything in memory; nothing survives a restart
          --fsync <policy>         RIVULET_FSYNC        always (default) | interval:<ms> | never: when writes reach the disk
          --region <name>          RIVULET_REGION       AWS region in ARNs and signatures (default us-east-1)
          --account-id <12 digits> RIVULET_ACCOUNT_ID   account of callers whose access key names none (default 000000000000)
          --shard-limit <n>        RIVULET_SHARD_LIMIT  open shards per account (default: AWS's for the region, 20000 or 1000)
          --create-stream-ms <ms>  RIVULET_CREATE_STREAM_MS  time a new stream spends CREATING (default 0)
          --update-stream-ms <ms>  RIVULET_UPDATE_STREAM_MS  time a stream spends UPDATING after a change (default 0)
          --delete-stream-ms <ms>  RIVULET_DELETE_STREAM_MS  time a deleted stream spends DELETING (default 0)
          --stream-delay-ms <ms>   RIVULET_STREAM_DELAY_MS  sets all three at once
          --max-connections <n>    RIVULET_MAX_CONNECTIONS  connections served at once (default: the descriptor limit less 1088)
          --response-budget-mb <n> RIVULET_RESPONSE_BUDGET_MB  memory all large answers in flight may hold (default 256)
          --write-timeout-ms <ms>  RIVULET_WRITE_TIMEOUT_MS  drop a client that reads nothing of an answer this long (default 30000)
          --help                                        show this text
        """;

    public static bool TryParse(string[] args, Func<string, string?> environment, out ServerOptions options, out string? error)
    {
        options = new ServerOptions();
        error = null;
        options = FromEnvironment(options, environment, ref error);
        if (error is not null)
        {
            return false;
        }

        if (args.Length == 0 || args[0] != "serve")
        {
            error = args.Length == 0 ? "missing command: serve" : $"unknown command: {args[0]}";
            return false;
        }

        for (var i = 1; i < args.Length && error is null; i++)
        {
            var flag = args[i];
            string? Value() => i + 1 < args.Length ? args[++i] : null;
            options = flag switch
            {
                "--host" => options with { Host = Value() ?? Missing(flag, ref error) },
                "--port" => options with { Port = Port(Value(), flag, ref error) },
                "--data-dir" => options with { DataDir = Value() ?? Missing(flag, ref error) },
                "--in-memory" => options with { InMemory = true },
                "--fsync" => options with { Fsync = Fsync(Value(), flag, ref error) },
                "--region" => options with { Region = Value() ?? Missing(flag, ref error) },
                "--account-id" => options with { AccountId = Account(Value(), flag, ref error) },
                "--shard-limit" => options with { ShardLimit = Positive(Value(), flag, ref error) },
                "--create-stream-ms" => options with { CreateStreamDelay = Delay(Value(), flag, ref error) },
                "--update-stream-ms" => options with { UpdateStreamDelay = Delay(Value(), flag, ref error) },
                "--delete-stream-ms" => options with { DeleteStreamDelay = Delay(Value(), flag, ref error) },
                "--stream-delay-ms" => AllDelays(options, Delay(Value(), flag, ref error)),
                "--max-connections" => options with { MaxConnections = Positive(Value(), flag, ref error) },
                "--response-budget-mb" => options with { ResponseBudgetBytes = Positive(Value(), flag, ref error) * 1024 * 1024 },
                "--write-timeout-ms" => options with { WriteTimeout = TimeSpan.FromMilliseconds(Positive(Value(), flag, ref error)) },
                _ => Unknown(options, flag, ref error),
            };
        }

        return error is null;
    }

    private static ServerOptions FromEnvironment(ServerOptions options, Func<string, string?> environment, ref string? error)
    {
        if (environment("RIVULET_HOST") is { } host)
        {
            options = options with { Host = host };
        }

        if (environment("RIVULET_PORT") is { } port)
        {
            options = options with { Port = Port(port, "RIVULET_PORT", ref error) };
        }

        if (environment("RIVULET_DATA_DIR") is { } dataDir)
        {
            options = options with { DataDir = dataDir };
        }

        if (environment("RIVULET_IN_MEMORY") is { } inMemory)
        {
            options = options with { InMemory = inMemory is "1" or "true" or "TRUE" or "yes" };
        }

        if (environment("RIVULET_FSYNC") is { } fsync)
        {
            options = options with { Fsync = Fsync(fsync, "RIVULET_FSYNC", ref error) };
        }

        if (environment("RIVULET_REGION") is { } region)
        {
            options = options with { Region = region };
        }

        if (environment("RIVULET_ACCOUNT_ID") is { } account)
        {
            options = options with { AccountId = Account(account, "RIVULET_ACCOUNT_ID", ref error) };
        }

        if (environment("RIVULET_SHARD_LIMIT") is { } shardLimit)
        {
            options = options with { ShardLimit = Positive(shardLimit, "RIVULET_SHARD_LIMIT", ref error) };
        }

        if (environment("RIVULET_STREAM_DELAY_MS") is { } delay)
        {
            options = AllDelays(options, Delay(delay, "RIVULET_STREAM_DELAY_MS", ref error));
        }

        // The per-phase variables are more specific than the shorthand, so they win over it.
        if (environment("RIVULET_CREATE_STREAM_MS") is { } create)
        {
            options = options with { CreateStreamDelay = Delay(create, "RIVULET_CREATE_STREAM_MS", ref error) };
        }

        if (environment("RIVULET_UPDATE_STREAM_MS") is { } update)
        {
            options = options with { UpdateStreamDelay = Delay(update, "RIVULET_UPDATE_STREAM_MS", ref error) };
        }

        if (environment("RIVULET_DELETE_STREAM_MS") is { } delete)
        {
            options = options with { DeleteStreamDelay = Delay(delete, "RIVULET_DELETE_STREAM_MS", ref error) };
        }

        if (environment("RIVULET_MAX_CONNECTIONS") is { } connections)
        {
            options = options with { MaxConnections = Positive(connections, "RIVULET_MAX_CONNECTIONS", ref error) };
        }

        if (environment("RIVULET_RESPONSE_BUDGET_MB") is { } budget)
        {
            options = options with { ResponseBudgetBytes = Positive(budget, "RIVULET_RESPONSE_BUDGET_MB", ref error) * 1024 * 1024 };
        }

        if (environment("RIVULET_WRITE_TIMEOUT_MS") is { } timeout)
        {
            options = options with { WriteTimeout = TimeSpan.FromMilliseconds(Positive(timeout, "RIVULET_WRITE_TIMEOUT_MS", ref error)) };
        }

        return options;
    }

    private static ServerOptions AllDelays(ServerOptions options, TimeSpan delay) =>
        options with { CreateStreamDelay = delay, UpdateStreamDelay = delay, DeleteStreamDelay = delay };

    private static long Positive(string? value, string name, ref string? error)
    {
        if (long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number is > 0 and <= int.MaxValue)
        {
            return number;
        }

        error ??= $"{name} needs a whole number from 1 to {int.MaxValue}";
        return 1;
    }

    private static int Port(string? value, string name, ref string? error)
    {
        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port <= 65535)
        {
            return port;
        }

        error ??= $"{name} needs a port number from 0 to 65535";
        return 0;
    }

    private static FsyncPolicy Fsync(string? value, string name, ref string? error)
    {
        if (FsyncPolicy.TryParse(value, out var policy))
        {
            return policy;
        }

        error ??= $"{name} needs always, never or interval:<milliseconds>";
        return FsyncPolicy.Always;
    }

    private static string Account(string? value, string name, ref string? error)
    {
        if (value is { Length: 12 } && value.AsSpan().IndexOfAnyExceptInRange('0', '9') < 0)
        {
            return value;
        }

        error ??= $"{name} needs a 12-digit account ID";
        return "";
    }

    private static TimeSpan Delay(string? value, string name, ref string? error)
    {
        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds))
        {
            return TimeSpan.FromMilliseconds(milliseconds);
        }

        error ??= $"{name} needs a whole number of milliseconds";
        return TimeSpan.Zero;
    }

    private static string Missing(string flag, ref string? error)
    {
        error ??= $"{flag} needs a value";
        return "";
    }

    private static ServerOptions Unknown(ServerOptions options, string flag, ref string? error)
    {
        error ??= $"unknown option: {flag}";
        return options;
    }
}
