using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace Rivulet.Server.Tests;

/// <summary>
/// A SigV4 signer written from AWS's documentation for these tests alone, so that what the server
/// accepts is checked against a signer it does not share: header signatures over
/// content-type;host;x-amz-date;x-amz-target (what boto3 signs; :authority for host as the JS SDK
/// v3 signs over HTTP/2) and presigned query strings.
/// </summary>
internal sealed record TestSigner(string AccessKeyId, string Secret, string Region = "us-east-1", string? SessionToken = null)
{
    /// <summary>The header that carries the authority in the signature: host, or :authority as the JS SDK v3 signs over HTTP/2.</summary>
    public string AuthorityHeader { get; init; } = "host";

    public static string Basic(DateTimeOffset time) => time.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    /// <summary>A signed JSON 1.1 request for <paramref name="operation"/>; the body is fixed here and must not change afterwards.</summary>
    public HttpRequestMessage Sign(Uri endpoint, string operation, string body, DateTimeOffset time, string method = "POST", string path = "/")
    {
        var request = new HttpRequestMessage(new HttpMethod(method), new Uri(endpoint, path)) { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/x-amz-json-1.1");
        request.Headers.TryAddWithoutValidation("X-Amz-Target", "Kinesis_20131202." + operation);
        var amzDate = Basic(time);
        request.Headers.TryAddWithoutValidation("X-Amz-Date", amzDate);
        var signed = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["content-type"] = "application/x-amz-json-1.1",
            [AuthorityHeader] = endpoint.Authority,
            ["x-amz-date"] = amzDate,
            ["x-amz-target"] = "Kinesis_20131202." + operation,
        };
        if (SessionToken is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Amz-Security-Token", SessionToken);
            signed["x-amz-security-token"] = SessionToken;
        }

        var names = string.Join(';', signed.Keys);
        var canonical = new StringBuilder($"{method}\n{path}\n\n");
        foreach (var (name, value) in signed)
        {
            canonical.Append(name).Append(':').Append(value).Append('\n');
        }

        canonical.Append('\n').Append(names).Append('\n').Append(Hex(SHA256.HashData(Encoding.UTF8.GetBytes(body))));
        var signature = Signature(amzDate, canonical.ToString());
        request.Headers.TryAddWithoutValidation("Authorization", $"AWS4-HMAC-SHA256 Credential={AccessKeyId}/{amzDate[..8]}/{Region}/kinesis/aws4_request, SignedHeaders={names}, Signature={signature}");
        return request;
    }

    /// <summary>A presigned URL (only host signed, the body's hash in the signature), valid for <paramref name="expiresSeconds"/>.</summary>
    public Uri Presign(Uri endpoint, string body, DateTimeOffset time, int expiresSeconds)
    {
        var amzDate = Basic(time);
        var query = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["X-Amz-Algorithm"] = "AWS4-HMAC-SHA256",
            ["X-Amz-Credential"] = $"{AccessKeyId}/{amzDate[..8]}/{Region}/kinesis/aws4_request",
            ["X-Amz-Date"] = amzDate,
            ["X-Amz-Expires"] = expiresSeconds.ToString(CultureInfo.InvariantCulture),
            ["X-Amz-SignedHeaders"] = "host",
        };
        var canonicalQuery = string.Join('&', query.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value)}"));
        var canonical = $"POST\n/\n{canonicalQuery}\nhost:{endpoint.Authority}\n\nhost\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(body)))}";
        return new Uri(endpoint, $"/?{canonicalQuery}&X-Amz-Signature={Signature(amzDate, canonical)}");
    }

    private string Signature(string amzDate, string canonicalRequest)
    {
        var scope = $"{amzDate[..8]}/{Region}/kinesis/aws4_request";
        var stringToSign = $"AWS4-HMAC-SHA256\n{amzDate}\n{scope}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)))}";
        var key = Encoding.UTF8.GetBytes("AWS4" + Secret);
        foreach (var part in new[] { amzDate[..8], Region, "kinesis", "aws4_request" })
        {
            key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(part));
        }

        return Hex(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));
    }

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
}
