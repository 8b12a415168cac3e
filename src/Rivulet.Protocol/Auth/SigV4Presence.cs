using System.Text;

namespace Rivulet.Protocol.Auth;

/// <summary>
/// The presence checks AWS makes before it looks at a signature (wire reference §2.1 rows 1–4):
/// one of header or query authentication, each with all of its parts. Verifying the signature
/// itself is a separate step (<see cref="SigV4Verifier"/>). What passes names its access key and,
/// when the credential scope has five parts and a valid region, that region.
/// </summary>
public static class SigV4Presence
{
    private static readonly string[] QueryParameters = ["X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature", "X-Amz-SignedHeaders", "X-Amz-Date"];

    /// <param name="authorization">The Authorization header, or null.</param>
    /// <param name="hasDateHeader">Whether X-Amz-Date or Date is present.</param>
    /// <param name="queryParameter">Looks up a query-string parameter by name; null when absent.</param>
    public static AuthenticationCheck Check(string? authorization, bool hasDateHeader, Func<string, string?> queryParameter)
    {
        var queryAlgorithm = queryParameter("X-Amz-Algorithm");
        if (authorization is not null && queryAlgorithm is not null)
        {
            return Fail("InvalidSignatureException", "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.");
        }

        if (authorization is null && queryAlgorithm is null)
        {
            return Fail("MissingAuthenticationTokenException", "Missing Authentication Token");
        }

        return authorization is not null ? CheckHeader(authorization, hasDateHeader) : CheckQuery(queryParameter);
    }

    private static AuthenticationCheck CheckHeader(string authorization, bool hasDateHeader)
    {
        var credential = Parameter(authorization, "Credential");
        var signature = Parameter(authorization, "Signature");
        var signedHeaders = Parameter(authorization, "SignedHeaders");
        var message = new StringBuilder();
        if (credential is null)
        {
            message.Append("Authorization header requires 'Credential' parameter. ");
        }

        if (signature is null)
        {
            message.Append("Authorization header requires 'Signature' parameter. ");
        }

        if (signedHeaders is null)
        {
            message.Append("Authorization header requires 'SignedHeaders' parameter. ");
        }

        if (!hasDateHeader)
        {
            message.Append("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ");
        }

        if (message.Length > 0)
        {
            return Fail("IncompleteSignatureException", message.Append("Authorization=").Append(authorization).ToString());
        }

        return new AuthenticationCheck(null, null, AccessKeyOf(credential!), ScopeRegion(credential!));
    }

    private static AuthenticationCheck CheckQuery(Func<string, string?> queryParameter)
    {
        var message = new StringBuilder();
        foreach (var name in QueryParameters)
        {
            if (queryParameter(name) is null)
            {
                message.Append("AWS query-string parameters must include '").Append(name).Append("'. ");
            }
        }

        if (message.Length > 0)
        {
            return Fail("IncompleteSignatureException", message.Append("Re-examine the query-string parameters.").ToString());
        }

        var credential = queryParameter("X-Amz-Credential")!;
        return new AuthenticationCheck(null, null, AccessKeyOf(credential), ScopeRegion(credential));
    }

    // "AWS4-HMAC-SHA256 Credential=AKID/20250101/us-east-1/kinesis/aws4_request, SignedHeaders=a;b, Signature=hex"
    internal static string? Parameter(string authorization, string name)
    {
        var span = authorization.AsSpan();
        var at = 0;
        while (true)
        {
            var found = span[at..].IndexOf(name, StringComparison.Ordinal);
            if (found < 0)
            {
                return null;
            }

            var start = at + found;
            var end = start + name.Length;
            var boundary = start == 0 || span[start - 1] is ' ' or ',';
            if (boundary && end < span.Length && span[end] == '=')
            {
                var valueStart = end + 1;
                var valueEnd = span[valueStart..].IndexOfAny(',', ' ');
                return (valueEnd < 0 ? span[valueStart..] : span.Slice(valueStart, valueEnd)).ToString();
            }

            at = end;
        }
    }

    private static string AccessKeyOf(string credential)
    {
        var slash = credential.IndexOf('/');
        return slash < 0 ? credential : credential[..slash];
    }

    // <key>/<yyyymmdd>/<region>/<service>/aws4_request
    private static string? ScopeRegion(string credential)
    {
        var span = credential.AsSpan();
        Span<Range> parts = stackalloc Range[6];
        if (span.Split(parts, '/') != 5)
        {
            return null;
        }

        var region = span[parts[2]];
        return RegionName.IsValid(region) ? region.ToString() : null;
    }

    private static AuthenticationCheck Fail(string type, string message) => new(type, message, null);
}
