using System.Globalization;
using System.Text;
using Rivulet.Protocol.Model;

namespace Rivulet.Api.Faults;

/// <summary>
/// Which operations fail on purpose, how often and with what, and which answer late: parsed from
/// <c>--fault PutRecords=0.1:ProvisionedThroughputExceededException,GetRecords=0.05</c> and
/// <c>--latency GetRecords=200,*=10</c>, or from the admin endpoint in the same syntax. <c>*</c>
/// stands for every operation an entry of its own does not name.
/// </summary>
public sealed record FaultPlan
{
    public const string Everything = "*";
    public const string InternalFailure = "InternalFailure";
    public const string ProvisionedThroughputExceeded = "ProvisionedThroughputExceededException";
    public const string LimitExceeded = "LimitExceededException";

    /// <summary>The longest injected latency, so that a typo cannot hold a connection for days.</summary>
    public const int MaxLatencyMs = 600_000;

    public static readonly FaultPlan None = new();

    /// <summary>Faults by operation name (or <see cref="Everything"/>).</summary>
    public IReadOnlyDictionary<string, Fault> Faults { get; init; } = new Dictionary<string, Fault>();

    /// <summary>Milliseconds added before answering, by operation name (or <see cref="Everything"/>).</summary>
    public IReadOnlyDictionary<string, int> Latency { get; init; } = new Dictionary<string, int>();

    public bool IsEmpty => Faults.Count == 0 && Latency.Count == 0;

    /// <summary>The faults in the syntax they are given in.</summary>
    public string FaultsText => string.Join(',', Faults.Select(entry => string.Create(CultureInfo.InvariantCulture, $"{entry.Key}={entry.Value.Probability}:{entry.Value.Error}")));

    /// <summary>The latencies in the syntax they are given in.</summary>
    public string LatencyText => string.Join(',', Latency.Select(entry => string.Create(CultureInfo.InvariantCulture, $"{entry.Key}={entry.Value}")));

    /// <summary>The fault that applies to <paramref name="operation"/>, if any: its own, else the wildcard's if the operation can answer that error.</summary>
    public Fault? FaultFor(KinesisOperation operation)
    {
        if (Faults.Count == 0)
        {
            return null;
        }

        if (Faults.TryGetValue(KinesisOperations.Name(operation), out var own))
        {
            return own;
        }

        return Faults.TryGetValue(Everything, out var any) && CanAnswer(operation, any.Error) ? any : null;
    }

    public int LatencyFor(KinesisOperation operation) =>
        Latency.Count == 0 ? 0
            : Latency.TryGetValue(KinesisOperations.Name(operation), out var own) ? own
            : Latency.TryGetValue(Everything, out var any) ? any : 0;

    /// <summary>Parses a comma-separated list of <c>&lt;operation|*&gt;=&lt;probability&gt;[:&lt;error&gt;]</c>; empty for none.</summary>
    public static bool TryParseFaults(string? text, out Dictionary<string, Fault> faults, out string? error)
    {
        faults = [];
        error = null;
        foreach (var entry in Entries(text))
        {
            var (operation, value) = Split(entry, '=');
            var (probabilityText, errorName) = Split(value ?? "", ':');
            errorName = errorName is null or "" ? InternalFailure : errorName == "InternalFailureException" ? InternalFailure : errorName;
            if (!TryOperation(operation, out var known))
            {
                error = $"unknown operation in fault {entry}: {operation} (an operation name of the Kinesis API, or *)";
                return false;
            }

            if (!double.TryParse(probabilityText, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var probability) || probability is < 0 or > 1)
            {
                error = $"fault {entry} needs <operation>=<probability from 0 to 1>[:<error>]";
                return false;
            }

            if (errorName is not (InternalFailure or ProvisionedThroughputExceeded or LimitExceeded))
            {
                error = $"fault {entry}: the error must be {InternalFailure}, {ProvisionedThroughputExceeded} or {LimitExceeded}";
                return false;
            }

            if (known is { } named && !CanAnswer(named, errorName))
            {
                error = $"fault {entry}: {operation} never answers {errorName}";
                return false;
            }

            faults[operation] = new Fault(probability, errorName);
        }

        return true;
    }

    /// <summary>Parses a comma-separated list of <c>&lt;operation|*&gt;=&lt;milliseconds&gt;</c>; empty for none.</summary>
    public static bool TryParseLatency(string? text, out Dictionary<string, int> latency, out string? error)
    {
        latency = [];
        error = null;
        foreach (var entry in Entries(text))
        {
            var (operation, value) = Split(entry, '=');
            if (!TryOperation(operation, out _))
            {
                error = $"unknown operation in latency {entry}: {operation} (an operation name of the Kinesis API, or *)";
                return false;
            }

            if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds) || milliseconds > MaxLatencyMs)
            {
                error = $"latency {entry} needs <operation>=<milliseconds from 0 to {MaxLatencyMs}>";
                return false;
            }

            latency[operation] = milliseconds;
        }

        return true;
    }

    /// <summary>
    /// Whether the operation can answer the error: InternalFailure any operation can; the others
    /// only where the model lists them (throughput for the data plane, rates for the control plane).
    /// </summary>
    public static bool CanAnswer(KinesisOperation operation, string error) =>
        error == InternalFailure || KinesisOperations.DeclaresError(operation, error);

    private static IEnumerable<string> Entries(string? text) =>
        (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static (string, string?) Split(string text, char separator)
    {
        var at = text.IndexOf(separator, StringComparison.Ordinal);
        return at < 0 ? (text, null) : (text[..at], text[(at + 1)..]);
    }

    private static bool TryOperation(string name, out KinesisOperation? operation)
    {
        operation = null;
        if (name == Everything)
        {
            return true;
        }

        if (name.Length > 64 || !KinesisOperations.TryParse(Encoding.UTF8.GetBytes(name), out var parsed))
        {
            return false;
        }

        operation = parsed;
        return true;
    }
}

/// <summary>An operation fails with <see cref="Error"/> this often (0 never, 1 always).</summary>
public sealed record Fault(double Probability, string Error);
