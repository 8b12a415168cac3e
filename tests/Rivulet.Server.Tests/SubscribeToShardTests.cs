using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Rivulet.Server.Tests;

/// <summary>
/// SubscribeToShard end to end over HTTP/2 with prior knowledge, read with the tests' own
/// event-stream decoder: events pushed as records are acknowledged, heartbeats that carry a
/// continuation to resume from, the end of a closed shard, and the errors before and during a stream.
/// </summary>
public sealed class SubscribeToShardTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private RivuletServer? _server;
    private KinesisHttp? _http;
    private KinesisHttp? _h2;

    private KinesisHttp Http => _http!;

    public async ValueTask InitializeAsync()
    {
        _server = await RivuletServer.StartAsync(new ServerOptions { Port = 0, TlsPort = null, InMemory = true, SubscriptionHeartbeat = TimeSpan.FromMilliseconds(200) }, TextWriter.Null, default);
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
    public async Task Records_already_there_and_records_put_later_arrive_in_order_with_continuations()
    {
        var (streamArn, consumerArn) = await StreamWithConsumerAsync(1);
        var first = await PutAsync(streamArn, "a", "one");
        await PutAsync(streamArn, "a", "two");

        using var subscription = await SubscribeAsync(consumerArn, "shardId-000000000000", new { Type = "TRIM_HORIZON" });
        var initial = await subscription.NextAsync();
        Assert.Equal(("event", "initial-response", "application/json"), (initial.MessageType, initial.EventType, initial.Headers[":content-type"]));
        Assert.Equal("{}", initial.PayloadText);

        var received = await subscription.RecordsAsync(2);
        Assert.Equal(["one", "two"], received.Select(record => Encoding.UTF8.GetString(Convert.FromBase64String(record["Data"]!.GetValue<string>()))));
        Assert.Equal(first, received[0]["SequenceNumber"]!.GetValue<string>());
        Assert.Equal(received[1]["SequenceNumber"]!.GetValue<string>(), subscription.LastContinuation);

        var third = await PutAsync(streamArn, "a", "three");
        var later = await subscription.RecordsAsync(1);
        Assert.Equal(third, later[0]["SequenceNumber"]!.GetValue<string>());
        Assert.Equal(third, subscription.LastContinuation);
        Assert.Equal(0, subscription.LastMillisBehindLatest);
    }

    [Fact]
    public async Task An_idle_shard_gets_empty_events_whose_continuation_resumes_exactly()
    {
        var (streamArn, consumerArn) = await StreamWithConsumerAsync(1);
        string continuation;
        using (var subscription = await SubscribeAsync(consumerArn, "shardId-000000000000", new { Type = "LATEST" }))
        {
            Assert.Equal("initial-response", (await subscription.NextAsync()).EventType);
            var heartbeat = JsonNode.Parse((await subscription.NextAsync()).PayloadText)!.AsObject();
            Assert.Empty(heartbeat["Records"]!.AsArray());
            continuation = heartbeat["ContinuationSequenceNumber"]!.GetValue<string>();
            Assert.Equal(0, heartbeat["MillisBehindLatest"]!.GetValue<long>());
        }

        // The empty shard's continuation is the shard's StartingSequenceNumber: after it comes the first record.
        var shards = await Http.OkAsync("ListShards", new { StreamARN = streamArn });
        Assert.Equal(shards["Shards"]![0]!["SequenceNumberRange"]!["StartingSequenceNumber"]!.GetValue<string>(), continuation);

        var put = await PutAsync(streamArn, "k", "after the beat");
        using var resumed = await SubscribeEventuallyAsync(consumerArn, "shardId-000000000000", new { Type = "AFTER_SEQUENCE_NUMBER", SequenceNumber = continuation });
        Assert.Equal("initial-response", (await resumed.NextAsync()).EventType);
        var records = await resumed.RecordsAsync(1);
        Assert.Equal(put, records[0]["SequenceNumber"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_closed_shard_ends_with_its_children_and_no_continuation_then_the_stream_ends()
    {
        var (streamArn, consumerArn) = await StreamWithConsumerAsync(1);
        await PutAsync(streamArn, "a", "before split");
        using var subscription = await SubscribeAsync(consumerArn, "shardId-000000000000", new { Type = "TRIM_HORIZON" });
        Assert.Equal("initial-response", (await subscription.NextAsync()).EventType);
        Assert.Single(await subscription.RecordsAsync(1));

        await Http.OkAsync("SplitShard", new { StreamARN = streamArn, ShardToSplit = "shardId-000000000000", NewStartingHashKey = "170141183460469231731687303715884105728" });
        JsonObject last;
        do
        {
            last = JsonNode.Parse((await subscription.NextAsync()).PayloadText)!.AsObject();
        }
        while (last["ChildShards"] is null);

        Assert.Null(last["ContinuationSequenceNumber"]);
        Assert.Empty(last["Records"]!.AsArray());
        var children = last["ChildShards"]!.AsArray();
        Assert.Equal(["shardId-000000000001", "shardId-000000000002"], children.Select(child => child!["ShardId"]!.GetValue<string>()));
        Assert.All(children, child => Assert.Equal(["shardId-000000000000"], child!["ParentShards"]!.AsArray().Select(parent => parent!.GetValue<string>())));
        Assert.Null(await subscription.TryNextAsync());
    }

    [Fact]
    public async Task Errors_before_the_stream_are_ordinary_error_responses()
    {
        var (streamArn, consumerArn) = await StreamWithConsumerAsync(1);
        var missing = consumerArn[..consumerArn.LastIndexOf(':')] + ":1";
        await ExpectErrorAsync(new { ConsumerARN = missing, ShardId = "shardId-000000000000", StartingPosition = new { Type = "LATEST" } }, "ResourceNotFoundException", "not found");
        await ExpectErrorAsync(new { ConsumerARN = consumerArn, ShardId = "shardId-000000000009", StartingPosition = new { Type = "LATEST" } }, "ResourceNotFoundException", "shardId-000000000009");
        await ExpectErrorAsync(new { ConsumerARN = consumerArn, ShardId = "shardId-000000000000", StartingPosition = new { Type = "AFTER_SEQUENCE_NUMBER" } }, "InvalidArgumentException", "AFTER_SEQUENCE_NUMBER");
        await ExpectErrorAsync(new { ConsumerARN = consumerArn, ShardId = "shardId-000000000000", StartingPosition = new { Type = "LATEST" }, DryRun = true }, "DryRunOperationException", null);
        await ExpectErrorAsync(new { ConsumerARN = consumerArn, ShardId = "shardId-000000000000" }, "ValidationException", "startingPosition");

        using var first = await SubscribeAsync(consumerArn, "shardId-000000000000", new { Type = "LATEST" });
        await ExpectErrorAsync(new { ConsumerARN = consumerArn, ShardId = "shardId-000000000000", StartingPosition = new { Type = "LATEST" } }, "ResourceInUseException", "Another active subscription exists for this consumer");
        Assert.Equal("initial-response", (await first.NextAsync()).EventType);
        _ = streamArn;
    }

    [Fact]
    public async Task Deregistering_the_consumer_ends_its_subscription_with_a_ResourceNotFound_event()
    {
        var (_, consumerArn) = await StreamWithConsumerAsync(1);
        using var subscription = await SubscribeAsync(consumerArn, "shardId-000000000000", new { Type = "LATEST" });
        Assert.Equal("initial-response", (await subscription.NextAsync()).EventType);
        await Http.OkAsync("DeregisterStreamConsumer", new { ConsumerARN = consumerArn });
        EventMessage message;
        do
        {
            message = await subscription.NextAsync();
        }
        while (message.MessageType == "event");

        Assert.Equal(("exception", "ResourceNotFoundException"), (message.MessageType, message.ExceptionType));
        Assert.Contains("not found", JsonNode.Parse(message.PayloadText)!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(await subscription.TryNextAsync());
    }

    [Fact]
    public async Task A_stopping_server_ends_its_subscriptions_cleanly_instead_of_waiting_five_minutes_for_them()
    {
        var (_, consumerArn) = await StreamWithConsumerAsync(1);
        using var subscription = await SubscribeAsync(consumerArn, "shardId-000000000000", new { Type = "LATEST" });
        Assert.Equal("initial-response", (await subscription.NextAsync()).EventType);

        var stopping = _server!.DisposeAsync().AsTask();
        _server = null;
        while (await subscription.TryNextAsync() is { } message)
        {
            Assert.Equal("event", message.MessageType);
        }

        await stopping.WaitAsync(Patience);
    }

    private async Task ExpectErrorAsync(object body, string type, string? messagePart)
    {
        var (response, text) = await Http.SendAsync("SubscribeToShard", JsonSerializer.Serialize(body));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonNode.Parse(text)!.AsObject();
        Assert.Equal(type, error["__type"]!.GetValue<string>());
        if (messagePart is not null)
        {
            Assert.Contains(messagePart, error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        }
    }

    private async Task<(string StreamArn, string ConsumerArn)> StreamWithConsumerAsync(int shards)
    {
        var name = ServerFixture.UniqueStreamName("sub");
        await Http.OkAsync("CreateStream", new { StreamName = name, ShardCount = shards });
        var streamArn = (await Http.OkAsync("DescribeStreamSummary", new { StreamName = name }))["StreamDescriptionSummary"]!["StreamARN"]!.GetValue<string>();
        var consumer = await Http.OkAsync("RegisterStreamConsumer", new { StreamARN = streamArn, ConsumerName = "reader" });
        Assert.Equal("CREATING", consumer["Consumer"]!["ConsumerStatus"]!.GetValue<string>());
        var consumerArn = consumer["Consumer"]!["ConsumerARN"]!.GetValue<string>();
        var described = await Http.OkAsync("DescribeStreamConsumer", new { ConsumerARN = consumerArn });
        Assert.Equal("ACTIVE", described["ConsumerDescription"]!["ConsumerStatus"]!.GetValue<string>());
        return (streamArn, consumerArn);
    }

    private async Task<string> PutAsync(string streamArn, string key, string data) =>
        (await Http.OkAsync("PutRecord", new { StreamARN = streamArn, PartitionKey = key, Data = Convert.ToBase64String(Encoding.UTF8.GetBytes(data)) }))["SequenceNumber"]!.GetValue<string>();

    private async Task<Subscription> SubscribeAsync(string consumerArn, string shardId, object startingPosition)
    {
        var subscription = await TrySubscribeAsync(consumerArn, shardId, startingPosition);
        Assert.True(subscription.Response.IsSuccessStatusCode, $"SubscribeToShard answered {(int)subscription.Response.StatusCode}");
        return subscription;
    }

    /// <summary>Subscribes again after a subscription this test ended: the server may not have seen it go yet.</summary>
    private async Task<Subscription> SubscribeEventuallyAsync(string consumerArn, string shardId, object startingPosition)
    {
        for (var attempt = 0; ; attempt++)
        {
            var subscription = await TrySubscribeAsync(consumerArn, shardId, startingPosition);
            if (subscription.Response.IsSuccessStatusCode || attempt == 100)
            {
                Assert.True(subscription.Response.IsSuccessStatusCode, $"SubscribeToShard answered {(int)subscription.Response.StatusCode}");
                return subscription;
            }

            subscription.Dispose();
            await Task.Delay(100);
        }
    }

    private async Task<Subscription> TrySubscribeAsync(string consumerArn, string shardId, object startingPosition)
    {
        var response = await _h2!.OpenAsync("SubscribeToShard", JsonSerializer.Serialize(new { ConsumerARN = consumerArn, ShardId = shardId, StartingPosition = startingPosition }));
        Assert.Equal(new Version(2, 0), response.Version);
        return new Subscription(response, response.IsSuccessStatusCode ? await response.Content.ReadAsStreamAsync() : Stream.Null);
    }

    private sealed class Subscription(HttpResponseMessage response, Stream body) : IDisposable
    {
        private readonly EventStreamReader _reader = new(body);

        public HttpResponseMessage Response => response;

        public string? LastContinuation { get; private set; }

        public long? LastMillisBehindLatest { get; private set; }

        public async Task<EventMessage> NextAsync() =>
            await TryNextAsync() ?? throw new InvalidOperationException("the event stream ended");

        public async Task<EventMessage?> TryNextAsync()
        {
            using var timeout = new CancellationTokenSource(Patience);
            return await _reader.ReadAsync(timeout.Token);
        }

        /// <summary>Reads events until <paramref name="count"/> records came, skipping empty ones.</summary>
        public async Task<List<JsonObject>> RecordsAsync(int count)
        {
            var records = new List<JsonObject>();
            while (records.Count < count)
            {
                var message = await NextAsync();
                Assert.Equal(("event", "SubscribeToShardEvent"), (message.MessageType, message.EventType));
                var payload = JsonNode.Parse(message.PayloadText)!.AsObject();
                records.AddRange(payload["Records"]!.AsArray().Select(record => record!.AsObject()));
                LastContinuation = payload["ContinuationSequenceNumber"]?.GetValue<string>();
                LastMillisBehindLatest = payload["MillisBehindLatest"]?.GetValue<long>();
            }

            Assert.Equal(count, records.Count);
            return records;
        }

        public void Dispose()
        {
            body.Dispose();
            response.Dispose();
        }
    }
}
