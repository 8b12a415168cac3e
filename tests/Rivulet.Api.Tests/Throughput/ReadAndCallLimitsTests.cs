using System.Text.Json;
using System.Text.Json.Nodes;
using Rivulet.Api.Throughput;
using Rivulet.Storage.Memory;

namespace Rivulet.Api.Tests.Throughput;

/// <summary>
/// AWS's read and call-rate limits on the test clock: GetRecords at 5 calls and 2 MiB a second per
/// shard with the 5-second rule after a 10 MiB answer, GetShardIterator at 5 a second per shard,
/// SubscribeToShard at 1 a second per consumer and shard, and the control plane's documented rates
/// per account and per stream, each refused with AWS's error and message.
/// </summary>
public sealed class ReadAndCallLimitsTests
{
    private const string ShardMessage = "Rate exceeded for shard shardId-000000000000 in stream s under account 000000000000.";
    private const string StreamArn = "arn:aws:kinesis:us-east-1:000000000000:stream/s";

    [Fact]
    public async Task GetRecords_takes_five_calls_a_second_per_shard()
    {
        var api = LimitsSetup.Harness(onByDefault: true);
        await api.CreateStreamAsync("s", shards: 2);
        var iterator = await IteratorAsync(api, "shardId-000000000000");
        var other = await IteratorAsync(api, "shardId-000000000001");
        for (var i = 0; i < 5; i++)
        {
            iterator = (await api.OkAsync("GetRecords", new { ShardIterator = iterator }))["NextShardIterator"]!.GetValue<string>();
        }

        var refused = await api.ErrorAsync("GetRecords", new { ShardIterator = iterator }, "ProvisionedThroughputExceededException");
        Assert.Equal((400, ShardMessage), (refused.Status, refused.Message));

        // The other shard has its own budget; a fifth of a second gives this one a call back.
        await api.OkAsync("GetRecords", new { ShardIterator = other });
        api.Clock.Advance(TimeSpan.FromMilliseconds(200));
        iterator = (await api.OkAsync("GetRecords", new { ShardIterator = iterator }))["NextShardIterator"]!.GetValue<string>();
        await api.ErrorAsync("GetRecords", new { ShardIterator = iterator }, "ProvisionedThroughputExceededException");
    }

    [Fact]
    public async Task After_a_10_MiB_answer_the_shard_refuses_reads_for_the_next_5_seconds()
    {
        var api = LimitsSetup.Harness(onByDefault: false);
        await api.OkAsync("CreateStream", new { StreamName = "s", ShardCount = 1, MaxRecordSizeInKiB = 4096 });

        // Five records of exactly 2 MiB (data and key), written before the limits are switched on for the stream.
        var data = Convert.ToBase64String(new byte[(2 * 1024 * 1024) - 1]);
        for (var i = 0; i < 5; i++)
        {
            await api.OkAsync("PutRecord", new { StreamName = "s", PartitionKey = "k", Data = data });
        }

        await api.OkAsync("AddTagsToStream", new { StreamName = "s", Tags = new Dictionary<string, string> { [AwsThroughputLimits.TagKey] = "aws" } });
        var iterator = await IteratorAsync(api, "shardId-000000000000");
        var answer = await api.OkAsync("GetRecords", new { ShardIterator = iterator });
        Assert.Equal(5, answer["Records"]!.AsArray().Count);
        iterator = answer["NextShardIterator"]!.GetValue<string>();

        api.Clock.Advance(TimeSpan.FromMilliseconds(4_999));
        var refused = await api.ErrorAsync("GetRecords", new { ShardIterator = iterator }, "ProvisionedThroughputExceededException");
        Assert.Equal(ShardMessage, refused.Message);
        api.Clock.Advance(TimeSpan.FromMilliseconds(1));
        await api.OkAsync("GetRecords", new { ShardIterator = iterator });
    }

    [Fact]
    public async Task GetRecords_reads_two_MiB_a_second_whatever_the_size_of_each_answer()
    {
        var api = LimitsSetup.Harness(onByDefault: false);
        await api.CreateStreamAsync("s");
        var data = Convert.ToBase64String(new byte[(512 * 1024) - 1]);
        for (var i = 0; i < 8; i++)
        {
            await api.OkAsync("PutRecord", new { StreamName = "s", PartitionKey = "k", Data = data });
        }

        await api.OkAsync("AddTagsToStream", new { StreamName = "s", Tags = new Dictionary<string, string> { [AwsThroughputLimits.TagKey] = "aws" } });
        var iterator = await IteratorAsync(api, "shardId-000000000000");
        var read = 0;

        // 1 MiB a call: a call every half second goes through, one a quarter second after it does not.
        for (var call = 0; call < 4; call++)
        {
            var answer = await api.OkAsync("GetRecords", new { ShardIterator = iterator, Limit = 2 });
            read += answer["Records"]!.AsArray().Count;
            iterator = answer["NextShardIterator"]!.GetValue<string>();
            api.Clock.Advance(TimeSpan.FromMilliseconds(250));
            await api.ErrorAsync("GetRecords", new { ShardIterator = iterator, Limit = 2 }, "ProvisionedThroughputExceededException");
            api.Clock.Advance(TimeSpan.FromMilliseconds(250));
        }

        Assert.Equal(8, read);
    }

    [Fact]
    public async Task GetShardIterator_takes_five_a_second_per_shard()
    {
        var api = LimitsSetup.Harness(onByDefault: true);
        await api.CreateStreamAsync("s", shards: 2);
        for (var i = 0; i < 5; i++)
        {
            await IteratorAsync(api, "shardId-000000000000");
        }

        var refused = await api.ErrorAsync("GetShardIterator", new { StreamName = "s", ShardId = "shardId-000000000000", ShardIteratorType = "LATEST" }, "ProvisionedThroughputExceededException");
        Assert.Equal(ShardMessage, refused.Message);
        await IteratorAsync(api, "shardId-000000000001");
        api.Clock.Advance(TimeSpan.FromMilliseconds(200));
        await IteratorAsync(api, "shardId-000000000000");
    }

    [Fact]
    public async Task Control_plane_calls_over_their_rate_per_account_get_LimitExceeded_naming_the_account()
    {
        var api = LimitsSetup.Harness(onByDefault: true);
        await api.CreateStreamAsync("s");
        for (var i = 0; i < 10; i++)
        {
            await api.OkAsync("DescribeStream", new { StreamName = "s" });
        }

        var refused = await api.ErrorAsync("DescribeStream", new { StreamName = "s" }, "LimitExceededException");
        Assert.Equal((400, "Rate exceeded for account 000000000000."), (refused.Status, refused.Message));

        // Each operation has its own rate: DescribeStreamSummary allows 20, DescribeLimits one.
        for (var i = 0; i < 20; i++)
        {
            await api.OkAsync("DescribeStreamSummary", new { StreamName = "s" });
        }

        await api.ErrorAsync("DescribeStreamSummary", new { StreamName = "s" }, "LimitExceededException");
        await api.OkAsync("DescribeLimits", new { });
        await api.ErrorAsync("DescribeLimits", new { }, "LimitExceededException");

        // A refused CreateStream creates nothing.
        for (var i = 0; i < 4; i++)
        {
            await api.OkAsync("CreateStream", new { StreamName = $"more{i}", ShardCount = 1 });
        }

        await api.ErrorAsync("CreateStream", new { StreamName = "refused", ShardCount = 1 }, "LimitExceededException");
        api.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.DoesNotContain("refused", (await api.OkAsync("ListStreams", new { }))["StreamNames"]!.AsArray().Select(name => name!.GetValue<string>()));
        await api.OkAsync("DescribeStream", new { StreamName = "s" });
        await api.OkAsync("DescribeLimits", new { });
    }

    [Fact]
    public async Task Calls_limited_per_stream_get_LimitExceeded_naming_the_stream_and_other_streams_are_not_held_up()
    {
        var api = LimitsSetup.Harness(onByDefault: true);
        await api.CreateStreamAsync("s");
        await api.CreateStreamAsync("t");
        for (var i = 0; i < 5; i++)
        {
            await api.OkAsync("ListStreamConsumers", new { StreamARN = StreamArn });
        }

        var refused = await api.ErrorAsync("ListStreamConsumers", new { StreamARN = StreamArn }, "LimitExceededException");
        Assert.Equal("Rate exceeded for stream s under account 000000000000.", refused.Message);
        await api.OkAsync("ListStreamConsumers", new { StreamARN = "arn:aws:kinesis:us-east-1:000000000000:stream/t" });

        await api.OkAsync("RegisterStreamConsumer", new { StreamARN = StreamArn, ConsumerName = "app" });
        for (var i = 0; i < 20; i++)
        {
            await api.OkAsync("DescribeStreamConsumer", new { StreamARN = StreamArn, ConsumerName = "app" });
        }

        await api.ErrorAsync("DescribeStreamConsumer", new { StreamARN = StreamArn, ConsumerName = "app" }, "LimitExceededException");
    }

    [Fact]
    public async Task SubscribeToShard_takes_one_call_a_second_per_consumer_and_shard_then_the_5_second_rule_applies()
    {
        var api = LimitsSetup.Harness(onByDefault: true);
        await api.CreateStreamAsync("s", shards: 2);
        await api.OkAsync("RegisterStreamConsumer", new { StreamARN = StreamArn, ConsumerName = "app" });
        var consumerArn = $"{StreamArn}/consumer/app:1763700000";
        using (var opened = await SubscribeAsync(api, consumerArn, "shardId-000000000000"))
        {
            Assert.NotNull(opened.EventStream);
        }

        var refused = await api.ErrorAsync("SubscribeToShard", Subscribe(consumerArn, "shardId-000000000000"), "LimitExceededException");
        Assert.Equal($"Rate exceeded for consumer {consumerArn} and shard shardId-000000000000.", refused.Message);
        using (var otherShard = await SubscribeAsync(api, consumerArn, "shardId-000000000001"))
        {
            Assert.NotNull(otherShard.EventStream);
        }

        api.Clock.Advance(TimeSpan.FromSeconds(1));
        await api.ErrorAsync("SubscribeToShard", Subscribe(consumerArn, "shardId-000000000000"), "ResourceInUseException");
    }

    [Fact]
    public void A_subscription_pushes_two_MiB_a_second_and_waits_out_what_it_pushed_beyond()
    {
        var limits = new AwsThroughputLimits(onByDefault: true);
        var stream = LimitsSetup.Stream(shards: 1);
        const string consumer = "arn:aws:kinesis:us-east-1:000000000000:stream/s/consumer/app:1";
        Assert.Equal(TimeSpan.Zero, limits.Pace(stream, stream.Shards[0], consumer, 2 * 1024 * 1024, 0));
        Assert.Equal(TimeSpan.FromMilliseconds(500), limits.Pace(stream, stream.Shards[0], consumer, 1024 * 1024, 0));
        Assert.Equal(TimeSpan.Zero, limits.Pace(stream, stream.Shards[0], "another consumer", 1024 * 1024, 0));
        Assert.Equal(TimeSpan.Zero, new AwsThroughputLimits(onByDefault: false).Pace(stream, stream.Shards[0], consumer, 100L * 1024 * 1024, 0));
    }

    [Fact]
    public async Task With_the_limits_off_nothing_is_refused()
    {
        var api = LimitsSetup.Harness(onByDefault: false);
        await api.CreateStreamAsync("s");
        var iterator = await IteratorAsync(api, "shardId-000000000000");
        for (var i = 0; i < 30; i++)
        {
            await api.OkAsync("DescribeLimits", new { });
            await api.OkAsync("ListStreamConsumers", new { StreamARN = StreamArn });
            await IteratorAsync(api, "shardId-000000000000");
            iterator = (await api.OkAsync("GetRecords", new { ShardIterator = iterator }))["NextShardIterator"]!.GetValue<string>();
        }
    }

    private static async Task<string> IteratorAsync(ApiHarness api, string shardId) =>
        (await api.OkAsync("GetShardIterator", new { StreamName = "s", ShardId = shardId, ShardIteratorType = "TRIM_HORIZON" }))["ShardIterator"]!.GetValue<string>();

    private static object Subscribe(string consumerArn, string shardId) =>
        new { ConsumerARN = consumerArn, ShardId = shardId, StartingPosition = new { Type = "LATEST" } };

    private static async Task<Dispatch.ApiResponse> SubscribeAsync(ApiHarness api, string consumerArn, string shardId) =>
        await api.Service.HandleAsync(ApiHarness.Request("SubscribeToShard", JsonSerializer.SerializeToUtf8Bytes(Subscribe(consumerArn, shardId))), default);
}
