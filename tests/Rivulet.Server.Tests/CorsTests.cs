using System.Net;

namespace Rivulet.Server.Tests;

/// <summary>What a browser needs to call Rivulet from a page on another origin, as AWS answers it.</summary>
[Collection(ServerCollection.Name)]
public sealed class CorsTests
{
    private readonly ServerFixture _server;

    public CorsTests(ServerFixture server) => _server = server;

    [Fact]
    public async Task A_preflight_allows_the_method_and_headers_the_page_asks_for()
    {
        using var http = new HttpClient { BaseAddress = _server.Endpoint };
        using var request = new HttpRequestMessage(HttpMethod.Options, "/");
        request.Headers.TryAddWithoutValidation("Origin", "http://localhost:8080");
        request.Headers.TryAddWithoutValidation("Access-Control-Request-Method", "POST");
        request.Headers.TryAddWithoutValidation("Access-Control-Request-Headers", "amz-sdk-invocation-id,amz-sdk-request,authorization,content-type,x-amz-content-sha256,x-amz-date,x-amz-target,x-amz-user-agent");

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal("POST", response.Headers.GetValues("Access-Control-Allow-Methods").Single());
        Assert.Equal("amz-sdk-invocation-id,amz-sdk-request,authorization,content-type,x-amz-content-sha256,x-amz-date,x-amz-target,x-amz-user-agent", response.Headers.GetValues("Access-Control-Allow-Headers").Single());
        Assert.Equal("172800", response.Headers.GetValues("Access-Control-Max-Age").Single());
    }

    [Fact]
    public async Task Answers_and_errors_expose_the_request_id_headers_to_scripts()
    {
        using var http = new KinesisHttp(_server.Endpoint);

        var (ok, _) = await http.SendAsync("ListStreams", "{}");
        var (error, _) = await http.SendAsync("DescribeStream", """{"StreamName":"no-such-stream"}""");

        foreach (var response in new[] { ok, error })
        {
            Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
            var exposed = response.Headers.GetValues("Access-Control-Expose-Headers").Single().Split(',');
            Assert.Contains("x-amzn-RequestId", exposed);
            Assert.Contains("x-amz-id-2", exposed);
            Assert.Contains("x-amzn-ErrorType", exposed);
        }
    }
}
