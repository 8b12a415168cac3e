using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Rivulet.FanOut;

/// <summary>Kinesis JSON calls with a well-formed (unverified) SigV4 header; SubscribeToShard over HTTP/2 with prior knowledge.</summary>
internal sealed class KinesisClient : IDisposable
{
    private const string Authorization = "AWS4-HMAC-SHA256 Credential=AKIAFANOUTEXAMPLE001/20251121/us-east-1/kinesis/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, Signature=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    private readonly HttpClient _http;

    public KinesisClient(Uri endpoint) =>
        _http = new HttpClient(new SocketsHttpHandler { EnableMultipleHttp2Connections = true, MaxConnectionsPerServer = 64 })
        {
            BaseAddress = endpoint,
            Timeout = Timeout.InfiniteTimeSpan,
        };

    public async Task<JsonObject> CallAsync(string operation, object body, CancellationToken cancellationToken)
    {
        using var request = Request(operation, JsonSerializer.SerializeToUtf8Bytes(body), HttpVersion.Version11);
        using var response = await _http.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"{operation} answered {(int)response.StatusCode}: {text}");
        }

        return text.Length == 0 ? [] : JsonNode.Parse(text)!.AsObject();
    }

    /// <summary>Opens a subscription; the caller reads events from the returned stream and disposes the response.</summary>
    public async Task<HttpResponseMessage> SubscribeAsync(string consumerArn, string shardId, object startingPosition, CancellationToken cancellationToken)
    {
        var request = Request("SubscribeToShard", JsonSerializer.SerializeToUtf8Bytes(new { ConsumerARN = consumerArn, ShardId = shardId, StartingPosition = startingPosition }), HttpVersion.Version20);
        var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            response.Dispose();
            throw new InvalidOperationException($"SubscribeToShard answered {(int)response.StatusCode}: {text}");
        }

        return response;
    }

    public void Dispose() => _http.Dispose();

    private static HttpRequestMessage Request(string operation, byte[] body, Version version)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/")
        {
            Version = version,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/x-amz-json-1.1");
        request.Headers.TryAddWithoutValidation("X-Amz-Target", "Kinesis_20131202." + operation);
        request.Headers.TryAddWithoutValidation("X-Amz-Date", DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation("Authorization", Authorization);
        return request;
    }
}
