using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Rivulet.Api.Faults;

namespace Rivulet.Server.Tests;

/// <summary>
/// The admin endpoint under /_rivulet on the API's own port: faults, latency and the limits' default
/// read and changed between two calls of a test, bad requests answered with a reason, and nothing
/// changed without a valid signature when signatures are verified.
/// </summary>
public sealed class AdminEndpointTests : IAsyncLifetime
{
    private RivuletServer _server = null!;
    private HttpClient _admin = null!;
    private KinesisHttp _kinesis = null!;

    public async ValueTask InitializeAsync()
    {
        Assert.True(FaultPlan.TryParseLatency("DescribeLimits=1", out var latency, out _));
        _server = await RivuletServer.StartAsync(new ServerOptions { Port = 0, TlsPort = null, InMemory = true, Faults = new FaultPlan { Latency = latency } }, TextWriter.Null, default);
        _admin = new HttpClient { BaseAddress = _server.Endpoint };
        _kinesis = new KinesisHttp(_server.Endpoint);
    }

    public async ValueTask DisposeAsync()
    {
        _admin.Dispose();
        _kinesis.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Faults_set_at_run_time_apply_from_the_next_call_and_go_when_deleted()
    {
        Assert.Equal(("", "DescribeLimits=1"), Plan(await SendAsync(HttpMethod.Get, "/_rivulet/faults", null, HttpStatusCode.OK)));
        await _kinesis.OkAsync("CreateStream", new { StreamName = "s", ShardCount = 1 });

        var set = await SendAsync(HttpMethod.Put, "/_rivulet/faults", """{"fault":"PutRecord=1:ProvisionedThroughputExceededException,ListStreams=1"}""", HttpStatusCode.OK);
        Assert.Equal(("PutRecord=1:ProvisionedThroughputExceededException,ListStreams=1:InternalFailure", "DescribeLimits=1"), Plan(set));
        var (throttled, body) = await _kinesis.SendAsync("PutRecord", """{"StreamName":"s","PartitionKey":"k","Data":"AAAA"}""");
        Assert.Equal(HttpStatusCode.BadRequest, throttled.StatusCode);
        Assert.Equal("ProvisionedThroughputExceededException", JsonNode.Parse(body)!["__type"]!.GetValue<string>());
        var (failed, _) = await _kinesis.SendAsync("ListStreams", "{}");
        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);

        Assert.Equal(("", ""), Plan(await SendAsync(HttpMethod.Delete, "/_rivulet/faults", null, HttpStatusCode.OK)));
        await _kinesis.OkAsync("PutRecord", new { StreamName = "s", PartitionKey = "k", Data = "AAAA" });
        await _kinesis.OkAsync("ListStreams", new { });
    }

    [Fact]
    public async Task Latency_set_at_run_time_holds_the_answer_at_least_that_long()
    {
        await SendAsync(HttpMethod.Put, "/_rivulet/faults", """{"latency":"ListStreamConsumers=400"}""", HttpStatusCode.OK);
        try
        {
            var watch = Stopwatch.StartNew();
            var (response, _) = await _kinesis.SendAsync("ListStreamConsumers", """{"StreamARN":"arn:aws:kinesis:us-east-1:000000000000:stream/none"}""");
            Assert.True(watch.ElapsedMilliseconds >= 400, $"answered after {watch.ElapsedMilliseconds} ms");
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }
        finally
        {
            await SendAsync(HttpMethod.Put, "/_rivulet/faults", """{"latency":"DescribeLimits=1"}""", HttpStatusCode.OK);
        }
    }

    [Fact]
    public async Task The_limits_default_can_be_switched_at_run_time()
    {
        Assert.Equal("off", JsonNode.Parse(await SendAsync(HttpMethod.Get, "/_rivulet/limits", null, HttpStatusCode.OK))!["limits"]!.GetValue<string>());
        await SendAsync(HttpMethod.Put, "/_rivulet/limits", """{"limits":"aws"}""", HttpStatusCode.OK);
        try
        {
            var name = ServerFixture.UniqueStreamName();
            await _kinesis.OkAsync("CreateStream", new { StreamName = name, ShardCount = 1 });
            for (var i = 0; i < 5; i++)
            {
                await _kinesis.OkAsync("GetShardIterator", new { StreamName = name, ShardId = "shardId-000000000000", ShardIteratorType = "LATEST" });
            }

            // Five a second per shard: the bucket refills in real time, so look for a refusal in a bounded run rather than at the sixth call.
            var refused = false;
            for (var i = 0; i < 50 && !refused; i++)
            {
                var (response, _) = await _kinesis.SendAsync("GetShardIterator", $$"""{"StreamName":"{{name}}","ShardId":"shardId-000000000000","ShardIteratorType":"LATEST"}""");
                refused = response.StatusCode == HttpStatusCode.BadRequest;
            }

            Assert.True(refused);
        }
        finally
        {
            await SendAsync(HttpMethod.Put, "/_rivulet/limits", """{"limits":"off"}""", HttpStatusCode.OK);
        }

        Assert.Equal("off", JsonNode.Parse(await SendAsync(HttpMethod.Get, "/_rivulet/limits", null, HttpStatusCode.OK))!["limits"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("PUT", "/_rivulet/faults", """{"fault":"PutRecord=2"}""", 400, "probability from 0 to 1")]
    [InlineData("PUT", "/_rivulet/faults", """{"fault":"GetRecords=1:LimitExceededException"}""", 400, "GetRecords never answers LimitExceededException")]
    [InlineData("PUT", "/_rivulet/faults", """{"latency":5}""", 400, "latency must be a string")]
    [InlineData("PUT", "/_rivulet/faults", "not json", 400, "JSON object")]
    [InlineData("PUT", "/_rivulet/limits", """{"limits":"some"}""", 400, "\"off\" or \"aws\"")]
    [InlineData("PATCH", "/_rivulet/faults", "{}", 405, "GET, PUT or DELETE")]
    [InlineData("GET", "/_rivulet/nothing", null, 404, "/_rivulet/faults")]
    public async Task A_bad_admin_request_gets_a_reason_and_changes_nothing(string method, string path, string? body, int status, string reason)
    {
        var answer = await SendAsync(new HttpMethod(method), path, body, (HttpStatusCode)status);
        Assert.Contains(reason, JsonNode.Parse(answer)!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(("", "DescribeLimits=1"), Plan(await SendAsync(HttpMethod.Get, "/_rivulet/faults", null, HttpStatusCode.OK)));
    }

    [Fact]
    public async Task A_body_over_64_KiB_is_refused()
    {
        var huge = $$"""{"fault":"{{new string(' ', 70_000)}}"}""";
        await SendAsync(HttpMethod.Put, "/_rivulet/faults", huge, HttpStatusCode.RequestEntityTooLarge);
    }

    private async Task<string> SendAsync(HttpMethod method, string path, string? body, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await _admin.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == expected, $"{method} {path}: {(int)response.StatusCode} {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return text;
    }

    private static (string Fault, string Latency) Plan(string json)
    {
        var node = JsonNode.Parse(json)!;
        return (node["fault"]!.GetValue<string>(), node["latency"]!.GetValue<string>());
    }
}
