using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Rivulet.LoadGen;

internal readonly record struct KinesisResponse(int StatusCode, ReadOnlyMemory<byte> Body)
{
    public bool IsSuccess => StatusCode == 200;

    // A 4xx means the server refused the request as a whole, so nothing of it was written; anything else that is
    // not a 200 (5xx, odd statuses) leaves the outcome open.
    public bool IsRejection => StatusCode is >= 400 and < 500;
}

// One client's HTTP/1.1 keep-alive connection to the endpoint. Not thread-safe: one request at a time, which is
// the model (one connection per client). The response body lands in a reusable buffer that is only valid until
// the next call.
internal sealed class KinesisConnection : IDisposable
{
    public const string ContentType = "application/x-amz-json-1.1";
    public const string CborContentType = "application/x-amz-cbor-1.1";
    public const string TargetPrefix = "Kinesis_20131202.";

    private readonly HttpClient _http;
    private readonly Uri _endpoint;
    private readonly RequestSigner _signer;
    private readonly string _contentType;
    private byte[] _response = new byte[64 * 1024];
    private long _dateSecond = -1;
    private string _amzDate = "";

    // cbor: the put phases' connections speak CBOR; setup and verification stay JSON.
    public KinesisConnection(LoadGenOptions options, bool cbor = false)
    {
        _endpoint = options.Endpoint;
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = 1,
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10),
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        };
        if (options.CaFile is { } caFile)
            handler.SslOptions.RemoteCertificateValidationCallback = TrustAlso(X509Certificate2.CreateFromPem(File.ReadAllText(caFile)));
        _http = new HttpClient(handler)
        {
            Timeout = TimeSpan.FromSeconds(options.RequestTimeoutSeconds),
            DefaultRequestVersion = HttpVersion.Version11,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        // HttpClient sends Host without the port when it is the scheme's default; Uri.Authority does the same.
        _contentType = cbor ? CborContentType : ContentType;
        _signer = new RequestSigner(options.AccessKey, options.Sign ? options.SecretKey : null, options.Region, _endpoint.Authority, _contentType);
    }

    // target is the full X-Amz-Target value, e.g. "Kinesis_20131202.PutRecords".
    public async Task<KinesisResponse> SendAsync(string target, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var amzDate = AmzDate();
        using var request = new HttpRequestMessage(HttpMethod.Post, _endpoint);
        var content = new ReadOnlyMemoryContent(body);
        content.Headers.TryAddWithoutValidation("Content-Type", _contentType);
        request.Content = content;
        request.Headers.TryAddWithoutValidation("X-Amz-Target", target);
        request.Headers.TryAddWithoutValidation("X-Amz-Date", amzDate);
        request.Headers.TryAddWithoutValidation("Authorization", _signer.Authorization(amzDate, target, body.Span));

        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        var length = await ReadBodyAsync(response, cancellationToken).ConfigureAwait(false);
        return new KinesisResponse((int)response.StatusCode, _response.AsMemory(0, length));
    }

    public void Dispose() => _http.Dispose();

    // Accepts what the system trusts, and chains ending at the given certificate for the name connected to.
    private static RemoteCertificateValidationCallback TrustAlso(X509Certificate2 anchor) => (_, certificate, _, errors) =>
    {
        if (errors == SslPolicyErrors.None)
            return true;
        if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
            return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(anchor);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(new X509Certificate2(certificate));
    };

    private async Task<int> ReadBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength is long expected && expected > _response.Length)
            _response = new byte[(int)Math.Min(Array.MaxLength, expected)];
        using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var length = 0;
        while (true)
        {
            if (length == _response.Length)
                Array.Resize(ref _response, (int)Math.Min(Array.MaxLength, _response.Length * 2L));
            var read = await stream.ReadAsync(_response.AsMemory(length), cancellationToken).ConfigureAwait(false);
            if (read == 0)
                return length;
            length += read;
        }
    }

    // X-Amz-Date changes once a second; format it once a second too.
    private string AmzDate()
    {
        var now = DateTime.UtcNow;
        var second = now.Ticks / TimeSpan.TicksPerSecond;
        if (second != _dateSecond)
        {
            _dateSecond = second;
            _amzDate = now.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        }

        return _amzDate;
    }
}
