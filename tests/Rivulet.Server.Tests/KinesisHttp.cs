using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Rivulet.Server.Tests;

/// <summary>Raw Kinesis JSON calls over HTTP/1.1 or HTTP/2, with a syntactically complete SigV4 header.</summary>
internal sealed class KinesisHttp : IDisposable
{
    private const string Authorization = "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20251121/us-east-1/kinesis/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    private readonly HttpClient _client;
    private readonly Version _version;

    public KinesisHttp(Uri endpoint, Version? version = null)
    {
        _version = version ?? HttpVersion.Version11;
        _client = new HttpClient(new SocketsHttpHandler()) { BaseAddress = endpoint };
    }

    public async Task<(HttpResponseMessage Response, string Body)> SendAsync(string? operation, string body, string contentType = "application/x-amz-json-1.1", bool signed = true)
    {
        var response = await _client.SendAsync(Build(operation, body, contentType, signed));
        return (response, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Sends and returns as soon as the headers are in, for an answer read as it streams (SubscribeToShard's events).</summary>
    public Task<HttpResponseMessage> OpenAsync(string operation, string body, CancellationToken cancellationToken = default) =>
        _client.SendAsync(Build(operation, body, "application/x-amz-json-1.1", signed: true), HttpCompletionOption.ResponseHeadersRead, cancellationToken);

    private HttpRequestMessage Build(string? operation, string body, string contentType, bool signed)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/")
        {
            Version = _version,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new StringContent(body, Encoding.UTF8),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (operation is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Amz-Target", "Kinesis_20131202." + operation);
        }

        request.Headers.TryAddWithoutValidation("X-Amz-Date", DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture));
        if (signed)
        {
            request.Headers.TryAddWithoutValidation("Authorization", Authorization);
        }

        return request;
    }

    public async Task<JsonObject> OkAsync(string operation, object body)
    {
        var (response, text) = await SendAsync(operation, JsonSerializer.Serialize(body));
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{operation}: {(int)response.StatusCode} {text}");
        return text.Length == 0 ? [] : JsonNode.Parse(text)!.AsObject();
    }

    public void Dispose() => _client.Dispose();
}
