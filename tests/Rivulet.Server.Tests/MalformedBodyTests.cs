using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Rivulet.Server.Tests;

/// <summary>Bodies that no HTTP parser can accept get a 400 like any other malformed request, and the server goes on serving.</summary>
[Collection(ServerCollection.Name)]
public sealed class MalformedBodyTests
{
    private readonly ServerFixture _server;

    public MalformedBodyTests(ServerFixture server) => _server = server;

    [Theory]
    [InlineData("80000000")]
    [InlineData("FFFFFFFF")]
    [InlineData("FFFFFFFFFFFFFFFFF")]
    [InlineData("-1")]
    [InlineData("zz")]
    public async Task A_chunk_size_that_is_out_of_range_or_garbled_is_answered_with_400(string chunkSize)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, _server.Endpoint.Port);
        var request = "POST / HTTP/1.1\r\nHost: localhost\r\nX-Amz-Target: Kinesis_20131202.PutRecord\r\n"
            + "Content-Type: application/x-amz-json-1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
            + chunkSize + "\r\n{\"StreamName\":";
        await socket.SendAsync(Encoding.ASCII.GetBytes(request));

        var statusLine = await ReadStatusLineAsync(socket);

        Assert.StartsWith("HTTP/1.1 400 ", statusLine, StringComparison.Ordinal);
        using var http = new KinesisHttp(_server.Endpoint);
        var (response, _) = await http.SendAsync("ListStreams", "{}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static async Task<string> ReadStatusLineAsync(Socket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var received = new List<byte>();
        var buffer = new byte[1024];
        while (!received.Contains((byte)'\n'))
        {
            var read = await socket.ReceiveAsync(buffer, timeout.Token);
            if (read == 0)
            {
                break;
            }

            received.AddRange(buffer.AsSpan(0, read));
        }

        var text = Encoding.ASCII.GetString(received.ToArray());
        var end = text.IndexOf('\r', StringComparison.Ordinal);
        return end < 0 ? text : text[..end];
    }
}
