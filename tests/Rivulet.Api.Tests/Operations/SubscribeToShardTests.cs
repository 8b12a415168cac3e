using System.Buffers.Binary;
using System.Formats.Cbor;
using System.IO.Hashing;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Rivulet.Api.Dispatch;
using Rivulet.Api.Throughput;
using Rivulet.Protocol.Model;

namespace Rivulet.Api.Tests.Operations;

/// <summary>
/// SubscribeToShard through <see cref="KinesisService"/> with a sink that collects messages: payloads
/// in the request's codec, the takeover rule on the test clock, the end of the subscription's
/// lifetime, and a sink that stops taking messages holding the subscription at one event.
/// </summary>
public sealed class SubscribeToShardTests
{
    private const string StreamArn = "arn:aws:kinesis:us-east-1:000000000000:stream/s";

    [Fact]
    public async Task A_CBOR_request_gets_CBOR_events_with_byte_string_data_and_millisecond_timestamps()
    {
        var api = await WithConsumerAsync();
        await api.OkAsync("PutRecord", new { StreamName = "s", PartitionKey = "k", Data = Convert.ToBase64String([1, 2, 3]) });
        var body = new CborWriter();
        body.WriteStartMap(null);
        body.WriteTextString("ConsumerARN");
        body.WriteTextString(ConsumerArn(api));
        body.WriteTextString("ShardId");
        body.WriteTextString("shardId-000000000000");
        body.WriteTextString("StartingPosition");
        body.WriteStartMap(null);
        body.WriteTextString("Type");
        body.WriteTextString("TRIM_HORIZON");
        body.WriteEndMap();
        body.WriteEndMap();

        await using var subscription = await OpenAsync(api, body.Encode(), "application/x-amz-cbor-1.1");
        var initial = await subscription.NextAsync();
        Assert.Equal(("initial-response", "application/x-amz-cbor-1.1"), (initial.Headers[":event-type"], initial.Headers[":content-type"]));
        var shardEvent = await subscription.NextAsync();
        Assert.Equal("application/x-amz-cbor-1.1", shardEvent.Headers[":content-type"]);

        var reader = new CborReader(shardEvent.Payload);
        var record = FindMember(reader, "Records", r =>
        {
            r.ReadStartArray();
            return ReadRecord(r);
        });
        Assert.Equal([1, 2, 3], record.data);
        Assert.Equal(api.Clock.NowMs, record.arrival);
    }

    [Fact]
    public async Task A_second_subscription_within_5_seconds_is_refused_and_a_later_one_takes_over()
    {
        var api = await WithConsumerAsync();
        await using var first = await OpenAsync(api, Json(api, "LATEST"));
        Assert.Equal("initial-response", (await first.NextAsync()).Headers[":event-type"]);

        api.Clock.Advance(TimeSpan.FromSeconds(4));
        var refused = await api.SendAsync("SubscribeToShard", Encoding.UTF8.GetString(Json(api, "LATEST")));
        Assert.Equal("ResourceInUseException", refused.Type);
        Assert.Equal($"Another active subscription exists for this consumer: {ConsumerArn(api)}", refused.Message);

        api.Clock.Advance(TimeSpan.FromSeconds(1));
        await using var second = await OpenAsync(api, Json(api, "LATEST"));
        Assert.Equal("initial-response", (await second.NextAsync()).Headers[":event-type"]);
        var ended = await first.NextAsync();
        Assert.Equal(("exception", "ResourceInUseException"), (ended.Headers[":message-type"], ended.Headers[":exception-type"]));
        Assert.Null(await first.TryNextAsync());
    }

    [Fact]
    public async Task Deleting_the_stream_or_deregistering_the_consumer_ends_the_subscription_at_once_with_ResourceNotFound()
    {
        var quiet = new KinesisOptions { TokenKey = new byte[32], SubscriptionHeartbeat = TimeSpan.FromHours(1) };
        var api = await WithConsumerAsync(quiet);
        await using (var subscription = await OpenAsync(api, Json(api, "LATEST")))
        {
            Assert.Equal("initial-response", (await subscription.NextAsync()).Headers[":event-type"]);
            await api.OkAsync("DeregisterStreamConsumer", new { ConsumerARN = ConsumerArn(api) });
            var ended = await subscription.NextAsync();
            Assert.Equal("ResourceNotFoundException", ended.Headers[":exception-type"]);
            Assert.Equal("Consumer app with creation timestamp 1763700000 under stream s and account 000000000000 not found.", JsonNode.Parse(ended.Payload)!["message"]!.GetValue<string>());
        }

        await api.OkAsync("RegisterStreamConsumer", new { StreamARN = StreamArn, ConsumerName = "app" });
        await using (var subscription = await OpenAsync(api, Json(api, "LATEST")))
        {
            Assert.Equal("initial-response", (await subscription.NextAsync()).Headers[":event-type"]);
            await api.OkAsync("DeleteStream", new { StreamName = "s", EnforceConsumerDeletion = true });
            var ended = await subscription.NextAsync();
            Assert.Equal("ResourceNotFoundException", ended.Headers[":exception-type"]);
            Assert.Equal("Stream s under account 000000000000 not found.", JsonNode.Parse(ended.Payload)!["message"]!.GetValue<string>());
            Assert.Null(await subscription.TryNextAsync());
        }
    }

    [Fact]
    public async Task The_subscription_ends_without_an_error_when_its_lifetime_is_over()
    {
        var api = await WithConsumerAsync(new KinesisOptions { TokenKey = new byte[32], SubscriptionLifetime = TimeSpan.FromMilliseconds(200) });
        await using var subscription = await OpenAsync(api, Json(api, "LATEST"));
        Assert.Equal("initial-response", (await subscription.NextAsync()).Headers[":event-type"]);
        while (await subscription.TryNextAsync() is { } message)
        {
            Assert.Equal("event", message.Headers[":message-type"]);
        }

        Assert.Equal(0, api.Service.RunningSubscriptions);
    }

    [Fact]
    public async Task With_the_limits_on_every_push_is_paced_at_two_MiB_a_second_and_every_record_still_arrives_in_order()
    {
        var limits = new PaceRecorder(new AwsThroughputLimits(onByDefault: true));
        var api = new ApiHarness(new KinesisOptions { TokenKey = new byte[32], SubscriptionHeartbeat = TimeSpan.FromMilliseconds(100) }, null, limits);
        await api.OkAsync("CreateStream", new { StreamName = "s", ShardCount = 1, Tags = new Dictionary<string, string> { [AwsThroughputLimits.TagKey] = "off" } });
        await api.OkAsync("RegisterStreamConsumer", new { StreamARN = StreamArn, ConsumerName = "app" });
        var data = Convert.ToBase64String(new byte[99_999]);
        for (var i = 0; i < 30; i++)
        {
            await api.OkAsync("PutRecord", new { StreamName = "s", PartitionKey = "k", Data = data });
        }

        // Three megabytes are stored; the subscription may push two at once, then waits a twentieth of a second for each further record.
        await api.OkAsync("AddTagsToStream", new { StreamName = "s", Tags = new Dictionary<string, string> { [AwsThroughputLimits.TagKey] = "aws" } });
        await using var subscription = await OpenAsync(api, Json(api, "TRIM_HORIZON"));
        Assert.Equal("initial-response", (await subscription.NextAsync()).Headers[":event-type"]);
        var seen = new List<string>();
        for (var events = 0; seen.Count < 30 && events < 100; events++)
        {
            var payload = JsonNode.Parse((await subscription.NextAsync()).Payload)!.AsObject();
            seen.AddRange(payload["Records"]!.AsArray().Select(record => record!["SequenceNumber"]!.GetValue<string>()));

            // The clock stands still until the 21st record is out, so that push overdraws the two MiB whatever the scheduling.
            if (seen.Count > 20)
            {
                api.Clock.Advance(TimeSpan.FromMilliseconds(50));
            }
        }

        Assert.Equal(30, seen.Distinct().Count());
        Assert.Equal(seen.OrderBy(s => System.Numerics.BigInteger.Parse(s, System.Globalization.CultureInfo.InvariantCulture)), seen);
        var paces = limits.Paces;
        Assert.Equal(30L * 100_000, paces.Sum(pace => pace.Bytes));
        Assert.All(paces.Take(20), pace => Assert.Equal(TimeSpan.Zero, pace.Wait));
        Assert.True(paces[20].Wait > TimeSpan.Zero);
    }

    [Fact]
    public async Task A_reader_that_takes_nothing_holds_one_event_and_gets_every_record_once_it_reads_again()
    {
        var api = await WithConsumerAsync();
        await using var subscription = await OpenAsync(api, Json(api, "TRIM_HORIZON"), capacity: 1);
        Assert.Equal("initial-response", (await subscription.NextAsync()).Headers[":event-type"]);
        var data = Convert.ToBase64String(new byte[100_000]);
        for (var i = 0; i < 40; i++)
        {
            await api.OkAsync("PutRecord", new { StreamName = "s", PartitionKey = "k", Data = data });
        }

        // Four megabytes are stored, but the subscription waits with what the sink holds and one event in hand.
        await subscription.WaitUntilBlockedAsync();
        Assert.InRange(subscription.Buffered, 0, 2);

        var seen = new List<string>();
        while (seen.Count < 40)
        {
            var payload = JsonNode.Parse((await subscription.NextAsync()).Payload)!.AsObject();
            seen.AddRange(payload["Records"]!.AsArray().Select(record => record!["SequenceNumber"]!.GetValue<string>()));
        }

        Assert.Equal(40, seen.Distinct().Count());
        Assert.Equal(seen.OrderBy(s => System.Numerics.BigInteger.Parse(s, System.Globalization.CultureInfo.InvariantCulture)), seen);
    }

    [Fact]
    public async Task Every_starting_position_starts_where_an_iterator_of_that_type_would()
    {
        var api = await WithConsumerAsync();
        var sequenceNumbers = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            api.Clock.Advance(TimeSpan.FromSeconds(10));
            sequenceNumbers.Add((await api.OkAsync("PutRecord", new { StreamName = "s", PartitionKey = "k", Data = Convert.ToBase64String([(byte)i]) }))["SequenceNumber"]!.GetValue<string>());
        }

        var shard = (await api.OkAsync("ListShards", new { StreamName = "s" }))["Shards"]![0]!;
        var starting = shard["SequenceNumberRange"]!["StartingSequenceNumber"]!.GetValue<string>();
        var secondArrival = (api.Clock.NowMs - 10_000) / 1000.0;
        var cases = new (object Position, int[] Expected)[]
        {
            (new { Type = "TRIM_HORIZON" }, [0, 1, 2]),
            (new { Type = "AT_SEQUENCE_NUMBER", SequenceNumber = sequenceNumbers[1] }, [1, 2]),
            (new { Type = "AFTER_SEQUENCE_NUMBER", SequenceNumber = sequenceNumbers[1] }, [2]),
            (new { Type = "AFTER_SEQUENCE_NUMBER", SequenceNumber = starting }, [0, 1, 2]),
            (new { Type = "AT_SEQUENCE_NUMBER", SequenceNumber = starting }, [0, 1, 2]),
            (new { Type = "AT_TIMESTAMP", Timestamp = secondArrival }, [1, 2]),
        };

        foreach (var (position, expected) in cases)
        {
            api.Clock.Advance(TimeSpan.FromSeconds(6));
            var body = JsonSerializer.SerializeToUtf8Bytes(new { ConsumerARN = ConsumerArn(api), ShardId = "shardId-000000000000", StartingPosition = position });
            await using var subscription = await OpenAsync(api, body);
            Assert.Equal("initial-response", (await subscription.NextAsync()).Headers[":event-type"]);
            var records = JsonNode.Parse((await subscription.NextAsync()).Payload)!["Records"]!.AsArray();
            Assert.Equal(expected, records.Select(record => (int)Convert.FromBase64String(record!["Data"]!.GetValue<string>())[0]));

            // The same position through GetShardIterator reads the same records.
            var iterator = (await api.OkAsync("GetShardIterator", new { StreamName = "s", ShardId = "shardId-000000000000", ShardIteratorType = JsonNode.Parse(JsonSerializer.Serialize(position))!["Type"]!.GetValue<string>(), StartingSequenceNumber = JsonNode.Parse(JsonSerializer.Serialize(position))!["SequenceNumber"]?.GetValue<string>(), Timestamp = JsonNode.Parse(JsonSerializer.Serialize(position))!["Timestamp"]?.GetValue<double>() }))["ShardIterator"]!.GetValue<string>();
            var page = await api.OkAsync("GetRecords", new { ShardIterator = iterator });
            Assert.Equal(expected, page["Records"]!.AsArray().Select(record => (int)Convert.FromBase64String(record!["Data"]!.GetValue<string>())[0]));
        }

        api.Clock.Advance(TimeSpan.FromSeconds(6));
        var latest = JsonSerializer.SerializeToUtf8Bytes(new { ConsumerARN = ConsumerArn(api), ShardId = "shardId-000000000000", StartingPosition = new { Type = "LATEST" } });
        await using var tail = await OpenAsync(api, latest);
        Assert.Equal("initial-response", (await tail.NextAsync()).Headers[":event-type"]);
        var beat = JsonNode.Parse((await tail.NextAsync()).Payload)!;
        Assert.Empty(beat["Records"]!.AsArray());
        Assert.Equal(sequenceNumbers[2], beat["ContinuationSequenceNumber"]!.GetValue<string>());
    }

    private static async Task<ApiHarness> WithConsumerAsync(KinesisOptions? options = null)
    {
        var api = new ApiHarness(options ?? new KinesisOptions { TokenKey = new byte[32], SubscriptionHeartbeat = TimeSpan.FromMilliseconds(100) });
        await api.CreateStreamAsync("s");
        await api.OkAsync("RegisterStreamConsumer", new { StreamARN = StreamArn, ConsumerName = "app" });
        return api;
    }

    // The harness's clock starts at 1,763,700,000,000 ms, when every test registers its consumer.
    private static string ConsumerArn(ApiHarness api) => $"{StreamArn}/consumer/app:1763700000";

    private static byte[] Json(ApiHarness api, string type) =>
        JsonSerializer.SerializeToUtf8Bytes(new { ConsumerARN = ConsumerArn(api), ShardId = "shardId-000000000000", StartingPosition = new { Type = type } });

    private static async Task<Subscription> OpenAsync(ApiHarness api, byte[] body, string contentType = "application/x-amz-json-1.1", int capacity = 1000)
    {
        var response = await api.Service.HandleAsync(ApiHarness.Request("SubscribeToShard", body, contentType), default);
        Assert.True(response.EventStream is not null, $"SubscribeToShard answered {response.StatusCode} {Encoding.UTF8.GetString(response.BodyBytes.Span)}");
        Assert.Equal("application/vnd.amazon.eventstream", response.ContentType);
        return new Subscription(response.EventStream!, capacity);
    }

    /// <summary>The limits as they are, recording what each push was charged and told to wait.</summary>
    private sealed class PaceRecorder(AwsThroughputLimits limits) : IThroughputGate
    {
        private readonly List<(long Bytes, TimeSpan Wait)> _paces = [];

        public IReadOnlyList<(long Bytes, TimeSpan Wait)> Paces
        {
            get
            {
                lock (_paces)
                {
                    return [.. _paces];
                }
            }
        }

        public TimeSpan Pace(Storage.StreamMetadata stream, Storage.ShardMetadata shard, string consumerArn, long bytes, long nowMs)
        {
            var wait = limits.Pace(stream, shard, consumerArn, bytes, nowMs);
            lock (_paces)
            {
                _paces.Add((bytes, wait));
            }

            return wait;
        }

        public bool TryAdmit(RequestContext context, Storage.StreamMetadata stream, Storage.ShardMetadata shard, int recordBytes) => limits.TryAdmit(context, stream, shard, recordBytes);

        public bool TryRead(RequestContext context, Storage.StreamMetadata stream, Storage.ShardMetadata shard) => limits.TryRead(context, stream, shard);

        public void ChargeRead(RequestContext context, Storage.StreamMetadata stream, Storage.ShardMetadata shard, long bytes) => limits.ChargeRead(context, stream, shard, bytes);

        public bool TryGetIterator(RequestContext context, Storage.StreamMetadata stream, Storage.ShardMetadata shard) => limits.TryGetIterator(context, stream, shard);

        public bool TrySubscribe(RequestContext context, Storage.StreamMetadata stream, Storage.ShardMetadata shard, string consumerArn) => limits.TrySubscribe(context, stream, shard, consumerArn);

        public bool TryCall(RequestContext context, KinesisOperation operation, Storage.StreamMetadata? stream) => limits.TryCall(context, operation, stream);
    }

    // Reads the map at the reader up to one member and hands its value to read.
    private static T FindMember<T>(CborReader reader, string name, Func<CborReader, T> read)
    {
        reader.ReadStartMap();
        while (reader.PeekState() != CborReaderState.EndMap)
        {
            if (reader.ReadTextString() == name)
            {
                return read(reader);
            }

            reader.SkipValue();
        }

        throw new InvalidOperationException($"{name} is missing");
    }

    // A record's data and its arrival time, which must be tag 1 over epoch milliseconds.
    private static (byte[] data, long arrival) ReadRecord(CborReader reader)
    {
        byte[]? value = null;
        var arrival = -1L;
        reader.ReadStartMap();
        while (reader.PeekState() != CborReaderState.EndMap)
        {
            var member = reader.ReadTextString();
            if (member == "Data")
            {
                value = reader.ReadByteString();
            }
            else if (member == "ApproximateArrivalTimestamp")
            {
                Assert.Equal(CborTag.UnixTimeSeconds, reader.ReadTag());
                arrival = reader.ReadInt64();
            }
            else
            {
                reader.SkipValue();
            }
        }

        return (value ?? throw new InvalidOperationException("Data is missing"), arrival);
    }

    private sealed record Message(IReadOnlyDictionary<string, string> Headers, byte[] Payload);

    /// <summary>Runs an event stream into a bounded queue; a full queue makes the stream wait, as a shut flow-control window does.</summary>
    private sealed class Subscription : IEventSink, IAsyncDisposable
    {
        private readonly Channel<byte[]> _messages;
        private readonly CancellationTokenSource _gone = new();
        private readonly Task _running;
        private int _blocked;

        public Subscription(IEventStreamBody body, int capacity)
        {
            _messages = Channel.CreateBounded<byte[]>(capacity);
            _running = Task.Run(async () =>
            {
                try
                {
                    await body.RunAsync(this, _gone.Token);
                }
                finally
                {
                    _messages.Writer.TryComplete();
                }
            });
        }

        public int Buffered => _messages.Reader.Count;

        public async ValueTask SendAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
        {
            var copy = message.ToArray();
            if (!_messages.Writer.TryWrite(copy))
            {
                Interlocked.Exchange(ref _blocked, 1);
                await _messages.Writer.WriteAsync(copy, cancellationToken);
            }
        }

        public async Task WaitUntilBlockedAsync()
        {
            for (var i = 0; i < 3000 && Volatile.Read(ref _blocked) == 0; i++)
            {
                await Task.Delay(10);
            }

            Assert.Equal(1, Volatile.Read(ref _blocked));
        }

        public async Task<Message> NextAsync() => await TryNextAsync() ?? throw new InvalidOperationException("the stream ended");

        public async Task<Message?> TryNextAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            if (!await _messages.Reader.WaitToReadAsync(timeout.Token))
            {
                return null;
            }

            var bytes = await _messages.Reader.ReadAsync(timeout.Token);
            var total = BinaryPrimitives.ReadInt32BigEndian(bytes);
            var headersLength = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4));
            Assert.Equal(bytes.Length, total);
            Assert.Equal(Crc32.HashToUInt32(bytes.AsSpan(0, 8)), BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(8)));
            Assert.Equal(Crc32.HashToUInt32(bytes.AsSpan(0, total - 4)), BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(total - 4)));
            var headers = new Dictionary<string, string>();
            for (var at = 12; at < 12 + headersLength;)
            {
                var name = Encoding.UTF8.GetString(bytes, at + 1, bytes[at]);
                at += 1 + bytes[at];
                var length = BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(at + 1));
                headers[name] = Encoding.UTF8.GetString(bytes, at + 3, length);
                at += 3 + length;
            }

            return new Message(headers, bytes[(12 + headersLength)..(total - 4)]);
        }

        public async ValueTask DisposeAsync()
        {
            await _gone.CancelAsync();
            await _running;
            _gone.Dispose();
        }
    }
}
