using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Rivulet.Api.Faults;
using Rivulet.Api.Throughput;
using Rivulet.Protocol.Auth;

namespace Rivulet.Server;

/// <summary>
/// Rivulet's own controls, on the same ports as the API under <see cref="PathPrefix"/>, a path no
/// AWS client sends to (they all post to <c>/</c>), so that a test can change them between two calls:
/// <list type="bullet">
/// <item><c>GET /_rivulet/faults</c>: the faults and latencies in force, as <c>{"fault":"…","latency":"…"}</c> in the syntax of <c>--fault</c> and <c>--latency</c>;</item>
/// <item><c>PUT /_rivulet/faults</c> with such a body: replaces what it names (a member left out stays as it is, an empty string clears it);</item>
/// <item><c>DELETE /_rivulet/faults</c>: no faults and no latency;</item>
/// <item><c>GET</c> and <c>PUT /_rivulet/limits</c>: <c>{"limits":"off"|"aws"}</c>, the default of streams without a <c>rivulet:limits</c> tag.</item>
/// </list>
/// With <c>--auth verify</c> a request must be signed (SigV4, service <c>kinesis</c>) by a known
/// credential, like any API call; otherwise anyone who can reach the API can use it.
/// </summary>
internal sealed class AdminEndpoint
{
    public const string PathPrefix = "/_rivulet";

    private const int MaxBodyBytes = 64 * 1024;

    private delegate bool Parser<T>(string? text, out T value, out string? error);

    private readonly FaultInjection _faults;
    private readonly AwsThroughputLimits _limits;
    private readonly SigV4Verifier? _verifier;

    public AdminEndpoint(FaultInjection faults, AwsThroughputLimits limits, SigV4Verifier? verifier)
    {
        _faults = faults;
        _limits = limits;
        _verifier = verifier;
    }

    public static bool Serves(HttpRequest request) => request.Path.StartsWithSegments(PathPrefix, StringComparison.Ordinal);

    public async Task HandleAsync(HttpContext http)
    {
        var request = http.Request;
        // One byte more than accepted is read, to tell a body at the limit from one over it; no more, however much is sent.
        var buffer = new byte[MaxBodyBytes + 1];
        var length = 0;
        while (length < buffer.Length && await request.Body.ReadAsync(buffer.AsMemory(length), http.RequestAborted).ConfigureAwait(false) is > 0 and var read)
        {
            length += read;
        }

        var body = buffer[..Math.Min(length, MaxBodyBytes)];
        var (status, answer) = length > MaxBodyBytes
            ? (413, Message("The body is larger than the admin endpoint accepts."))
            : Authenticate(http, body) is { } refusal ? (403, Message(refusal)) : Answer(request.Method, request.Path.Value ?? "", body);
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(answer, http.RequestAborted).ConfigureAwait(false);
    }

    private string? Authenticate(HttpContext http, byte[] body)
    {
        if (_verifier is null)
        {
            return null;
        }

        var headers = http.Request.Headers;
        var check = _verifier.Verify(
            new SignedRequest
            {
                Method = http.Request.Method,
                RawTarget = http.Features.Get<IHttpRequestFeature>()?.RawTarget ?? http.Request.Path.Value ?? "/",
                Headers = name => headers.TryGetValue(name, out var values) ? (IReadOnlyList<string?>)values : null,
                Body = body,
            },
            DateTimeOffset.UtcNow);
        return check.Passed ? null : $"{check.ErrorType}: {check.ErrorMessage}";
    }

    private (int Status, string Body) Answer(string method, string path, byte[] body)
    {
        switch (path.TrimEnd('/'))
        {
            case PathPrefix + "/faults":
                return method switch
                {
                    "GET" => (200, Faults()),
                    "DELETE" => Set(() => _faults.Plan = FaultPlan.None, Faults),
                    "PUT" or "POST" => SetFaults(body),
                    _ => (405, Message("Use GET, PUT or DELETE.")),
                };
            case PathPrefix + "/limits":
                return method switch
                {
                    "GET" => (200, Limits()),
                    "PUT" or "POST" => SetLimits(body),
                    _ => (405, Message("Use GET or PUT.")),
                };
            default:
                return (404, Message($"No such admin resource: {path}. There are {PathPrefix}/faults and {PathPrefix}/limits."));
        }
    }

    private (int, string) SetFaults(byte[] body)
    {
        if (!TryReadObject(body, out var json, out var error))
        {
            return (400, Message(error));
        }

        // Both members are checked before either takes effect: a refused request changes nothing.
        var plan = _faults.Plan;
        var refused = Apply<Dictionary<string, Fault>>(json, "fault", "PutRecords=0.1:ProvisionedThroughputExceededException", FaultPlan.TryParseFaults, faults => plan = plan with { Faults = faults })
            ?? Apply<Dictionary<string, int>>(json, "latency", "GetRecords=200", FaultPlan.TryParseLatency, latency => plan = plan with { Latency = latency });
        if (refused is not null)
        {
            return (400, Message(refused));
        }

        return Set(() => _faults.Plan = plan, Faults);
    }

    private (int, string) SetLimits(byte[] body)
    {
        if (!TryReadObject(body, out var json, out var error))
        {
            return (400, Message(error));
        }

        if (!json.TryGetProperty("limits", out var limits) || limits.ValueKind != JsonValueKind.String || limits.GetString() is not ("off" or "aws"))
        {
            return (400, Message("limits must be \"off\" or \"aws\"."));
        }

        return Set(() => _limits.OnByDefault = limits.GetString() == "aws", Limits);
    }

    private string Faults() => JsonSerializer.Serialize(new Dictionary<string, string> { ["fault"] = _faults.Plan.FaultsText, ["latency"] = _faults.Plan.LatencyText });

    private string Limits() => JsonSerializer.Serialize(new Dictionary<string, string> { ["limits"] = _limits.OnByDefault ? "aws" : "off" });

    /// <summary>Parses the string member <paramref name="name"/>, if present, and hands its value on; the reason when it cannot be.</summary>
    private static string? Apply<T>(JsonElement json, string name, string example, Parser<T> parse, Action<T> apply)
    {
        if (!json.TryGetProperty(name, out var member))
        {
            return null;
        }

        if (member.ValueKind != JsonValueKind.String)
        {
            return $"{name} must be a string such as \"{example}\".";
        }

        if (!parse(member.GetString(), out var value, out var error))
        {
            return error;
        }

        apply(value);
        return null;
    }

    private static (int, string) Set(Action change, Func<string> state)
    {
        change();
        return (200, state());
    }

    private static bool TryReadObject(byte[] body, out JsonElement json, out string error)
    {
        json = default;
        error = "The body must be a JSON object.";
        try
        {
            using var document = JsonDocument.Parse(body);
            json = document.RootElement.Clone();
            return json.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string Message(string text) => JsonSerializer.Serialize(new Dictionary<string, string> { ["message"] = text });
}
