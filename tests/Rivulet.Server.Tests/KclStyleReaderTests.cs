using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Numerics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Rivulet.Server.Tests;

/// <summary>
/// A reader that does what the KCL does with enhanced fan-out: subscribe each shard, keep the last
/// continuation, resubscribe AFTER_SEQUENCE_NUMBER of it when a subscription ends, and when an event
/// carries ChildShards, start the children whose parents are all finished. Subscriptions end often:
/// the server's last 300 ms, and the reader drops each one itself after its first event with
/// records (retrying while the server still holds the old one, as the KCL does on ResourceInUse). A writer puts records throughout
/// while the stream is split and then merged; every record must be read exactly once, and each
/// partition key's records in the order they were written.
/// </summary>
public sealed class KclStyleReaderTests : IAsyncLifetime
{
    private const int Records = 600;

    private RivuletServer? _server;
    private KinesisHttp? _http;
    private KinesisHttp? _h2;

    public async ValueTask InitializeAsync()
    {
        _server = await RivuletServer.StartAsync(
            new ServerOptions { Port = 0, TlsPort = null, InMemory = true, SubscriptionLifetime = TimeSpan.FromMilliseconds(300), SubscriptionHeartbeat = TimeSpan.FromMilliseconds(100) },
            TextWriter.Null,
            default);
        _http = new KinesisHttp(_server.Endpoint);
        _h2 = new KinesisHttp(_server.Endpoint, HttpVersion.Version20);
    }

    public async ValueTask DisposeAsync()
    {
        _h2?.Dispose();
        _http?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    [Fact]
    public async Task Every_record_of_a_stream_split_and_merged_while_written_is_read_once_through_subscriptions_alone()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var name = ServerFixture.UniqueStreamName("kcl");
        await _http!.OkAsync("CreateStream", new { StreamName = name, ShardCount = 1 });
        var streamArn = (await _http.OkAsync("DescribeStreamSummary", new { StreamName = name }))["StreamDescriptionSummary"]!["StreamARN"]!.GetValue<string>();
        var consumerArn = (await _http.OkAsync("RegisterStreamConsumer", new { StreamARN = streamArn, ConsumerName = "kcl" }))["Consumer"]!["ConsumerARN"]!.GetValue<string>();
        Assert.Equal("ACTIVE", (await _http.OkAsync("DescribeStreamConsumer", new { ConsumerARN = consumerArn }))["ConsumerDescription"]!["ConsumerStatus"]!.GetValue<string>());

        var reader = new Reader(this, consumerArn, deadline.Token);
        reader.Start("shardId-000000000000", []);

        // The writer: records 0..599 under 12 keys; the split after a third, the merge after two thirds.
        for (var i = 0; i < Records; i++)
        {
            await _http.OkAsync("PutRecord", new { StreamName = name, PartitionKey = $"key-{i % 12}", Data = Convert.ToBase64String(Encoding.UTF8.GetBytes(i.ToString(CultureInfo.InvariantCulture))) });
            if (i == Records / 3)
            {
                await _http.OkAsync("SplitShard", new { StreamName = name, ShardToSplit = "shardId-000000000000", NewStartingHashKey = (BigInteger.One << 127).ToString(CultureInfo.InvariantCulture) });
            }
            else if (i == 2 * Records / 3)
            {
                await _http.OkAsync("MergeShards", new { StreamName = name, ShardToMerge = "shardId-000000000001", AdjacentShardToMerge = "shardId-000000000002" });
            }
        }

        await reader.UntilAsync(Records);
        var read = reader.Read.ToArray();
        Assert.Equal(Records, read.Length);
        Assert.Equal(Enumerable.Range(0, Records), read.Select(r => r.Index).Order());
        foreach (var key in read.GroupBy(r => r.Key))
        {
            var indexes = key.Select(r => r.Index).ToList();
            Assert.Equal(indexes.Order(), indexes);
        }

        Assert.True(reader.Reconnects > 0, "no subscription was resumed mid-shard");
        Assert.Equal(["shardId-000000000000", "shardId-000000000001", "shardId-000000000002"], reader.Finished.Order());
        Assert.Contains("shardId-000000000003", reader.Started);
        await _http.OkAsync("DeleteStream", new { StreamName = name, EnforceConsumerDeletion = true });
    }

    private Task<HttpResponseMessage> SubscribeAsync(string consumerArn, string shardId, object startingPosition, CancellationToken cancellationToken) =>
        _h2!.OpenAsync("SubscribeToShard", JsonSerializer.Serialize(new { ConsumerARN = consumerArn, ShardId = shardId, StartingPosition = startingPosition }), cancellationToken);

    private sealed class Reader(KclStyleReaderTests owner, string consumerArn, CancellationToken cancellationToken)
    {
        private readonly ConcurrentDictionary<string, Task> _workers = new();
        private readonly TaskCompletionSource _failed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _reconnects;

        public ConcurrentQueue<(int Index, string Key)> Read { get; } = new();

        public ConcurrentBag<string> Finished { get; } = [];

        public ICollection<string> Started => _workers.Keys;

        public int Reconnects => Volatile.Read(ref _reconnects);

        public void Start(string shardId, IReadOnlyList<string> parents) =>
            _workers.GetOrAdd(shardId, id => Task.Run(async () =>
            {
                try
                {
                    foreach (var parent in parents)
                    {
                        await _workers[parent];
                    }

                    await ReadShardAsync(id);
                }
                catch (Exception exception)
                {
                    _failed.TrySetException(exception);
                    throw;
                }
            }));

        public async Task UntilAsync(int count)
        {
            while (Read.Count < count)
            {
                var finished = await Task.WhenAny(_failed.Task, Task.Delay(50, cancellationToken));
                await finished;
            }
        }

        private async Task ReadShardAsync(string shardId)
        {
            string? continuation = null;
            for (var attempt = 0; attempt < 1000; attempt++)
            {
                object position = continuation is null ? new { Type = "TRIM_HORIZON" } : new { Type = "AFTER_SEQUENCE_NUMBER", SequenceNumber = continuation };
                using var response = await owner.SubscribeAsync(consumerArn, shardId, position, cancellationToken);
                if (response.StatusCode == HttpStatusCode.BadRequest && (await response.Content.ReadAsStringAsync(cancellationToken)).Contains("ResourceInUseException", StringComparison.Ordinal))
                {
                    await Task.Delay(100, cancellationToken);
                    continue;
                }

                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                var events = new EventStreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
                Assert.Equal("initial-response", (await events.ReadAsync(cancellationToken))!.EventType);
                var withRecords = 0;
                while (withRecords < 1 && await events.ReadAsync(cancellationToken) is { } message)
                {
                    Assert.Equal(("event", "SubscribeToShardEvent"), (message.MessageType, message.EventType));
                    var payload = JsonNode.Parse(message.PayloadText)!.AsObject();
                    foreach (var record in payload["Records"]!.AsArray())
                    {
                        var index = int.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(record!["Data"]!.GetValue<string>())), CultureInfo.InvariantCulture);
                        Read.Enqueue((index, record["PartitionKey"]!.GetValue<string>()));
                    }

                    withRecords += payload["Records"]!.AsArray().Count > 0 ? 1 : 0;

                    if (payload["ChildShards"] is JsonArray children && children.Count > 0)
                    {
                        // The KCL's invariant: the end of a shard has children and no continuation.
                        Assert.Null(payload["ContinuationSequenceNumber"]);
                        Finished.Add(shardId);
                        foreach (var child in children)
                        {
                            Start(child!["ShardId"]!.GetValue<string>(), [.. child["ParentShards"]!.AsArray().Select(parent => parent!.GetValue<string>()).Where(parent => parent != shardId)]);
                        }

                        return;
                    }

                    continuation = payload["ContinuationSequenceNumber"]!.GetValue<string>();
                }

                Interlocked.Increment(ref _reconnects);
            }

            Assert.Fail($"{shardId} never ended");
        }
    }
}
