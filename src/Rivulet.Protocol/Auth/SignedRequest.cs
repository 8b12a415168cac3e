namespace Rivulet.Protocol.Auth;

/// <summary>What a SigV4 signature covers, as the host received it.</summary>
public readonly struct SignedRequest
{
    public required string Method { get; init; }

    /// <summary>
    /// The request target exactly as sent (still percent-encoded): the path and, after a '?', the
    /// query; an absolute-form target (<c>http://host/path?query</c>) is taken from its path on.
    /// On HTTP/2 this is the <c>:path</c> pseudo-header.
    /// </summary>
    public required string RawTarget { get; init; }

    /// <summary>Every value of a header by case-insensitive name, null when absent; on HTTP/2 <c>host</c> is <c>:authority</c>.</summary>
    public required Func<string, IReadOnlyList<string?>?> Headers { get; init; }

    public ReadOnlyMemory<byte> Body { get; init; }
}
