namespace Rivulet.Api.Dispatch;

/// <summary>One HTTP request as the API layer sees it; the host fills it in and knows nothing else of Kinesis.</summary>
public sealed record ApiRequest
{
    public required string Method { get; init; }

    public string? Target { get; init; }

    /// <summary>The request target as sent, still percent-encoded (path and query), for signature verification.</summary>
    public string RawTarget { get; init; } = "/";

    /// <summary>Every value of a header by case-insensitive name, null when absent; host is :authority on HTTP/2.</summary>
    public Func<string, IReadOnlyList<string?>?> Headers { get; init; } = static _ => null;

    public string? ContentType { get; init; }

    public ReadOnlyMemory<byte> Body { get; init; }

    public string? Authorization { get; init; }

    /// <summary>Whether X-Amz-Date or Date is present.</summary>
    public bool HasDateHeader { get; init; }

    public Func<string, string?> QueryParameter { get; init; } = static _ => null;

    public string? Origin { get; init; }

    /// <summary>A CORS preflight's Access-Control-Request-Method: what the page is about to send.</summary>
    public string? AccessControlRequestMethod { get; init; }

    /// <summary>A CORS preflight's Access-Control-Request-Headers, echoed back as allowed.</summary>
    public string? AccessControlRequestHeaders { get; init; }
}
