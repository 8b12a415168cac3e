using System.Security.Cryptography;
using System.Text;

namespace Rivulet.LoadGen;

// Produces the SigV4 Authorization header (AWS SigV4 docs; kinesis-wire.md §2.2). Without a secret the header is
// well formed but carries a fixed dummy signature, which is all presence-checking servers look at and costs nothing
// per request. With a secret it signs content-type;host;x-amz-date;x-amz-target and the body's SHA-256, as boto3 does.
// One instance per connection: it caches per-day state without locking.
internal sealed class RequestSigner
{
    public const string SignedHeaders = "content-type;host;x-amz-date;x-amz-target";
    private const string Service = "kinesis";
    private const string DummySignature = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    private readonly string _accessKey;
    private readonly string _region;
    private readonly string _host;
    private readonly string _contentType;
    private readonly byte[]? _secret;
    private string _day = "";
    private string _dummyAuthorization = "";
    private byte[] _signingKey = [];

    public RequestSigner(string accessKey, string? secretKey, string region, string host, string contentType)
    {
        _accessKey = accessKey;
        _region = region;
        _host = host;
        _contentType = contentType;
        _secret = secretKey is null ? null : Encoding.UTF8.GetBytes("AWS4" + secretKey);
    }

    // amzDate is yyyyMMddTHHmmssZ.
    public string Authorization(string amzDate, string target, ReadOnlySpan<byte> body)
    {
        var day = amzDate[..8];
        if (day != _day)
        {
            _day = day;
            _dummyAuthorization = Header(DummySignature);
            if (_secret is not null)
            {
                var key = HMACSHA256.HashData(_secret, Encoding.UTF8.GetBytes(day));
                key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(_region));
                key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(Service));
                _signingKey = HMACSHA256.HashData(key, "aws4_request"u8);
            }
        }

        if (_secret is null)
            return _dummyAuthorization;

        var canonicalRequest =
            $"POST\n/\n\ncontent-type:{_contentType}\nhost:{_host}\nx-amz-date:{amzDate}\nx-amz-target:{target}\n\n" +
            $"{SignedHeaders}\n{Hex(SHA256.HashData(body))}";
        var stringToSign =
            $"AWS4-HMAC-SHA256\n{amzDate}\n{Scope()}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)))}";
        return Header(Hex(HMACSHA256.HashData(_signingKey, Encoding.UTF8.GetBytes(stringToSign))));
    }

    private string Scope() => $"{_day}/{_region}/{Service}/aws4_request";

    private string Header(string signature) =>
        $"AWS4-HMAC-SHA256 Credential={_accessKey}/{Scope()}, SignedHeaders={SignedHeaders}, Signature={signature}";

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
}
