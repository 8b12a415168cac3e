using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Rivulet.Server.Tests;

/// <summary>
/// Clients that ask for a large GetRecords answer and never read it: together they hold no more
/// than the response budget (answers not yet built included), a connection that stops reading is
/// dropped after the write timeout, and everyone else is served once the budget is free again.
/// </summary>
public sealed class StalledReaderTests
{
    // Some 12 MB of answer: far more than the loopback socket buffers take in for a client that does not read.
    private const int Records = 10;
    private const int RecordBytes = 900 * 1024;

    [Fact]
    public async Task A_GetRecords_behind_a_stalled_reader_waits_for_the_budget_before_its_answer_is_built_and_is_served_once_the_reader_goes()
    {
        // One answer's reservation fills the whole budget; the timeout is long enough never to fire here.
        await using var server = await StartAsync(budgetMb: 20, writeTimeout: TimeSpan.FromMinutes(10));
        var iterator = await FillStreamAsync(server);

        var stalled = await SendWithoutReadingAsync(server, GetRecordsRequest(iterator));
        await WaitUntilAsync(() => server.Budget.Available < server.Budget.Capacity);

        // Its answer (one record) would fit what is left; it waits anyway, since how large it is cannot be known before it is built.
        using var http = new KinesisHttp(server.Endpoint);
        var waiting = http.OkAsync("GetRecords", new { ShardIterator = iterator, Limit = 1 });
        await WaitUntilAsync(() => server.Budget.Waiting == 1);
        Assert.False(waiting.IsCompleted);

        stalled.Dispose();
        var answer = await waiting;
        Assert.Single(answer["Records"]!.AsArray());
        await WaitUntilAsync(() => server.Budget.Available == server.Budget.Capacity);
    }

    [Fact]
    public async Task A_reader_that_stops_reading_is_dropped_after_the_write_timeout_and_gives_its_share_back()
    {
        await using var server = await StartAsync(budgetMb: 64, writeTimeout: TimeSpan.FromMilliseconds(300));
        var iterator = await FillStreamAsync(server);

        using var stalled = await SendWithoutReadingAsync(server, GetRecordsRequest(iterator));
        await WaitUntilAsync(() => server.Budget.Available < server.Budget.Capacity);
        await WaitUntilAsync(() => server.Budget.Available == server.Budget.Capacity);

        // The connection was closed under the answer: the client gets less than it was promised.
        var (declared, received) = await ReadAnswerAsync(stalled);
        Assert.True(received < declared, $"received {received} of {declared} bytes");

        using var http = new KinesisHttp(server.Endpoint);
        var answer = await http.OkAsync("GetRecords", new { ShardIterator = iterator });
        Assert.Equal(Records, answer["Records"]!.AsArray().Count);
    }

    private static Task<RivuletServer> StartAsync(long budgetMb, TimeSpan writeTimeout) =>
        RivuletServer.StartAsync(
            new ServerOptions { Port = 0, TlsPort = null, InMemory = true, ResponseBudgetBytes = budgetMb * 1024 * 1024, WriteTimeout = writeTimeout },
            TextWriter.Null,
            default);

    private static async Task<string> FillStreamAsync(RivuletServer server)
    {
        using var http = new KinesisHttp(server.Endpoint);
        await http.OkAsync("CreateStream", new { StreamName = "wide", ShardCount = 1 });
        var data = Convert.ToBase64String(new byte[RecordBytes]);
        for (var i = 0; i < Records; i += 2)
        {
            await http.OkAsync("PutRecords", new { StreamName = "wide", Records = new[] { new { Data = data, PartitionKey = $"k{i}" }, new { Data = data, PartitionKey = $"k{i + 1}" } } });
        }

        var shards = await http.OkAsync("ListShards", new { StreamName = "wide" });
        var shardId = shards["Shards"]![0]!["ShardId"]!.GetValue<string>();
        var iterator = await http.OkAsync("GetShardIterator", new { StreamName = "wide", ShardId = shardId, ShardIteratorType = "TRIM_HORIZON" });
        return iterator["ShardIterator"]!.GetValue<string>();
    }

    private static byte[] GetRecordsRequest(string iterator)
    {
        var body = JsonSerializer.Serialize(new { ShardIterator = iterator });
        var head = "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-amz-json-1.1\r\n"
            + "X-Amz-Target: Kinesis_20131202.GetRecords\r\nX-Amz-Date: 20251121T000000Z\r\n"
            + "Authorization: AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20251121/us-east-1/kinesis/aws4_request, SignedHeaders=host, Signature=00\r\n"
            + $"Content-Length: {Encoding.UTF8.GetByteCount(body)}\r\n\r\n";
        return Encoding.UTF8.GetBytes(head + body);
    }

    /// <summary>A connection with the smallest receive buffer, so the answer stays in the server until the client reads.</summary>
    private static async Task<Socket> SendWithoutReadingAsync(RivuletServer server, byte[] request)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        await socket.ConnectAsync(IPAddress.Loopback, server.Endpoint.Port);
        await socket.SendAsync(request);
        return socket;
    }

    /// <summary>The Content-Length the answer declared and the body bytes that came before the connection ended.</summary>
    private static async Task<(long Declared, long Received)> ReadAnswerAsync(Socket socket)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var received = new MemoryStream();
        var buffer = new byte[64 * 1024];
        while (true)
        {
            int read;
            try
            {
                read = await socket.ReceiveAsync(buffer, limit.Token);
            }
            catch (SocketException)
            {
                break; // reset by the server
            }

            if (read == 0)
            {
                break;
            }

            received.Write(buffer, 0, read);
        }

        var text = Encoding.ASCII.GetString(received.ToArray());
        var headerEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        Assert.True(headerEnd > 0, "no answer head came");
        var lengthLine = text[..headerEnd].Split("\r\n").Single(line => line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
        return (long.Parse(lengthLine["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture), received.Length - headerEnd - 4);
    }

    /// <summary>The long limit only keeps a broken build from hanging; no outcome depends on it.</summary>
    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition never held");
            await Task.Delay(5);
        }
    }
}
