using System.Globalization;

namespace Rivulet.LoadGen;

internal static class OptionsParser
{
    public const string HelpText = """
        Rivulet.LoadGen — end-to-end load generator for any Kinesis Data Streams endpoint.

        Creates a stream, runs timed put phases with concurrent keep-alive clients, reads every shard back to
        verify each acknowledged record, prints a table (and optionally JSON), then deletes the stream.

        Options:
          --endpoint <url>              Kinesis endpoint (default http://127.0.0.1:4567); https:// connects over TLS
          --ca-file <pem>               with https, trust this certificate (e.g. the one Rivulet prints) as well as the system's
          --stream <name>               stream to create (default a unique loadgen-<time>-<hex> name); must not exist
          --shards <n>                  ShardCount for CreateStream (default 4)
          --clients <n>                 concurrent clients, one HTTP/1.1 connection each (default 8)
          --duration <seconds>          time bound per phase (default 10)
          --max-requests <n>            request bound per phase, across all clients (default 1000000)
          --phases <list>               comma-separated phases (default putrecords-100,putrecords-1k,putrecord):
                                          putrecords-<size>  PutRecords calls of --records-per-request entries
                                          putrecord-<size>   single PutRecord calls (size defaults to 100)
                                        <size> is the data size of each record in bytes, suffix k = KiB
          --protocol json|cbor          body format of the put phases (default json; cbor as the Java SDK v2 sends it)
          --records-per-request <n>     entries per PutRecords call, 1..500 (default 500)
          --json-out <file>             write a machine-readable summary
          --keep-stream                 do not delete the stream at the end
          --no-verify                   skip the read-back verification
          --sign                        compute real SigV4 signatures (default: well-formed header, dummy signature)
          --access-key <id>             access key id for the Authorization header (default AKIAIOSFODNN7EXAMPLE)
          --secret-key <secret>         secret key used with --sign
          --region <region>             credential scope region (default us-east-1)
          --request-timeout <seconds>   per-request timeout (default 30)
          --active-timeout <seconds>    bound on waiting for the stream to become ACTIVE (default 60)
          --verify-timeout <seconds>    bound on the whole verification read-back (default 600)
          -h, --help                    show this help

        Exit codes: 0 verification passed (or skipped), 1 verification failed, 2 bad usage, 3 setup or endpoint failure,
        130 interrupted.
        """;

    // Returns null options and null error for --help.
    public static bool TryParse(string[] args, out LoadGenOptions? options, out string? error)
    {
        options = new LoadGenOptions();
        error = null;
        var phases = LoadGenOptions.DefaultPhases;
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (name is "-h" or "--help")
            {
                options = null;
                return false;
            }

            switch (name)
            {
                case "--keep-stream":
                    options = options with { KeepStream = true };
                    continue;
                case "--no-verify":
                    options = options with { Verify = false };
                    continue;
                case "--sign":
                    options = options with { Sign = true };
                    continue;
            }

            if (i + 1 >= args.Length)
            {
                error = name.StartsWith("--", StringComparison.Ordinal) ? $"{name} needs a value" : $"unexpected argument '{name}'";
                return false;
            }

            var value = args[++i];
            var ok = true;
            switch (name)
            {
                case "--endpoint":
                    ok = Uri.TryCreate(value, UriKind.Absolute, out var endpoint) && endpoint.Scheme is "http" or "https";
                    if (ok)
                        options = options with { Endpoint = endpoint! };
                    break;
                case "--ca-file":
                    ok = File.Exists(value);
                    if (ok)
                        options = options with { CaFile = value };
                    break;
                case "--stream":
                    ok = IsStreamName(value);
                    options = options with { StreamName = value };
                    break;
                case "--shards":
                    ok = TryInt(value, 1, 10_000, out var shards);
                    options = options with { Shards = shards };
                    break;
                case "--clients":
                    ok = TryInt(value, 1, 1024, out var clients);
                    options = options with { Clients = clients };
                    break;
                case "--duration":
                    ok = TrySeconds(value, out var duration);
                    options = options with { DurationSeconds = duration };
                    break;
                case "--max-requests":
                    ok = long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var maxRequests) && maxRequests > 0;
                    options = options with { MaxRequests = maxRequests };
                    break;
                case "--phases":
                    phases = value;
                    break;
                case "--records-per-request":
                    ok = TryInt(value, 1, 500, out var perRequest);
                    options = options with { RecordsPerRequest = perRequest };
                    break;
                case "--protocol":
                    ok = value is "json" or "cbor";
                    options = options with { Cbor = value == "cbor" };
                    break;
                case "--json-out":
                    options = options with { JsonOut = value };
                    break;
                case "--access-key":
                    ok = value.Length > 0 && !value.Contains('/', StringComparison.Ordinal);
                    options = options with { AccessKey = value };
                    break;
                case "--secret-key":
                    options = options with { SecretKey = value };
                    break;
                case "--region":
                    ok = value.Length > 0 && !value.Contains('/', StringComparison.Ordinal);
                    options = options with { Region = value };
                    break;
                case "--request-timeout":
                    ok = TrySeconds(value, out var requestTimeout);
                    options = options with { RequestTimeoutSeconds = requestTimeout };
                    break;
                case "--active-timeout":
                    ok = TrySeconds(value, out var activeTimeout);
                    options = options with { ActiveTimeoutSeconds = activeTimeout };
                    break;
                case "--verify-timeout":
                    ok = TrySeconds(value, out var verifyTimeout);
                    options = options with { VerifyTimeoutSeconds = verifyTimeout };
                    break;
                default:
                    error = $"unknown option '{name}'";
                    return false;
            }

            if (!ok)
            {
                error = $"bad value '{value}' for {name}";
                return false;
            }
        }

        var specs = new List<PhaseSpec>();
        foreach (var text in phases.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!PhaseSpec.TryParse(text, out var spec, out error))
                return false;
            specs.Add(spec!);
        }

        // The phase index travels in one byte of every record's data (RecordFactory).
        if (specs.Count is 0 or > 255)
        {
            error = "--phases needs 1 to 255 phases";
            return false;
        }

        options = options with { Phases = specs };
        return true;
    }

    // Stream names are written into request bodies unescaped, so only the model's pattern [a-zA-Z0-9_.-]{1,128} is accepted.
    private static bool IsStreamName(string value)
    {
        if (value.Length is 0 or > 128)
            return false;
        foreach (var c in value)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('_' or '.' or '-'))
                return false;
        }

        return true;
    }

    private static bool TryInt(string text, int min, int max, out int value) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max;

    private static bool TrySeconds(string text, out double seconds) =>
        double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out seconds) && seconds > 0 && seconds <= 86_400;
}
