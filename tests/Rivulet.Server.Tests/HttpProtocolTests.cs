using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Rivulet.Server.Tests;

[Collection(ServerCollection.Name)]
public sealed class HttpProtocolTests
{
    private readonly ServerFixture _server;

    public HttpProtocolTests(ServerFixture server) => _server = server;

    [Theory]
    [InlineData("1.1")]
    [InlineData("2.0")]
    public async Task One_port_serves_HTTP_1_1_and_HTTP_2_with_prior_knowledge(string version)
    {
        using var http = new KinesisHttp(_server.Endpoint, Version.Parse(version));
        var stream = ServerFixture.UniqueStreamName();

        await http.OkAsync("CreateStream", new { StreamName = stream, ShardCount = 1 });
        var (response, body) = await http.SendAsync("PutRecord", $$"""{"StreamName":"{{stream}}","PartitionKey":"k","Data":"aGVsbG8="}""");

        Assert.Equal(Version.Parse(version), response.Version);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("shardId-000000000000", JsonNode.Parse(body)!["ShardId"]!.GetValue<string>());
    }

    [Fact]
    public async Task Every_response_carries_a_request_id_and_the_request_content_type()
    {
        using var http = new KinesisHttp(_server.Endpoint);

        var (response, _) = await http.SendAsync("ListStreams", "{}");

        Assert.True(Guid.TryParse(response.Headers.GetValues("x-amzn-RequestId").Single(), out _));
        Assert.Equal(72, Convert.FromBase64String(response.Headers.GetValues("x-amz-id-2").Single()).Length);
        Assert.Equal("application/x-amz-json-1.1", response.Content.Headers.ContentType!.MediaType);
        Assert.NotNull(response.Content.Headers.ContentLength);
    }

    [Fact]
    public async Task Operations_without_output_answer_an_empty_200()
    {
        using var http = new KinesisHttp(_server.Endpoint);

        var (response, body) = await http.SendAsync("CreateStream", $$"""{"StreamName":"{{ServerFixture.UniqueStreamName()}}","ShardCount":1}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("", body);
        Assert.Equal(0, response.Content.Headers.ContentLength);
    }

    [Fact]
    public async Task A_body_over_the_cap_is_answered_with_413()
    {
        using var http = new KinesisHttp(_server.Endpoint);

        var (response, _) = await http.SendAsync("PutRecords", new string(' ', (16 * 1024 * 1024) + 1));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task A_server_error_never_leaks_a_stack_trace_for_hostile_input()
    {
        using var http = new KinesisHttp(_server.Endpoint);

        foreach (var body in new[] { "[]", "\"x\"", "{\"Records\":{}}", "{\"Records\":[1]}", "{\"Records\":[{\"Data\":[]}]}", "{\"ShardIterator\":\"" + new string('A', 600) + "\"}" })
        {
            foreach (var operation in new[] { "PutRecords", "GetRecords", "CreateStream", "ListShards" })
            {
                var (response, text) = await http.SendAsync(operation, body);
                Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
                Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task Many_short_HTTP_2_sessions_in_a_row_all_succeed()
    {
        // The JS SDK v3 opens a new HTTP/2 session per request by default.
        for (var i = 0; i < 50; i++)
        {
            using var http = new KinesisHttp(_server.Endpoint, HttpVersion.Version20);
            var (response, _) = await http.SendAsync("ListStreams", "{}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public async Task A_raw_HTTP_2_preface_gets_a_SETTINGS_frame_back()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, _server.Endpoint.Port);
        await socket.SendAsync(Encoding.ASCII.GetBytes("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"));
        await socket.SendAsync(new byte[] { 0, 0, 0, 4, 0, 0, 0, 0, 0 });

        var frame = new byte[9];
        var read = 0;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (read < frame.Length)
        {
            read += await socket.ReceiveAsync(frame.AsMemory(read), timeout.Token);
        }

        Assert.Equal(4, frame[3]); // frame type 4 = SETTINGS
    }
}
