namespace Rivulet.Api.Tests.Operations;

/// <summary>CreateStream, DescribeStream, DescribeStreamSummary, ListStreams, ListShards and DeleteStream together.</summary>
public sealed class StreamLifecycleTests
{
    private readonly ApiHarness _api = new();

    [Fact]
    public async Task A_new_stream_is_described_with_AWS_shapes()
    {
        await _api.OkAsync("CreateStream", new { StreamName = "s", ShardCount = 3, Tags = new Dictionary<string, string> { ["team"] = "data" } });

        var description = (await _api.OkAsync("DescribeStream", new { StreamName = "s" }))["StreamDescription"]!;

        Assert.Equal("arn:aws:kinesis:us-east-1:000000000000:stream/s", description["StreamARN"]!.GetValue<string>());
        Assert.Equal("ACTIVE", description["StreamStatus"]!.GetValue<string>());
        Assert.Equal("PROVISIONED", description["StreamModeDetails"]!["StreamMode"]!.GetValue<string>());
        Assert.Equal(24, description["RetentionPeriodHours"]!.GetValue<int>());
        Assert.False(description["HasMoreShards"]!.GetValue<bool>());
        Assert.Equal("NONE", description["EncryptionType"]!.GetValue<string>());
        var shards = description["Shards"]!.AsArray();
        Assert.Equal(3, shards.Count);
        Assert.Equal("113427455640312821154458202477256070484", shards[0]!["HashKeyRange"]!["EndingHashKey"]!.GetValue<string>());
        Assert.Equal("226854911280625642308916404954512140970", shards[2]!["HashKeyRange"]!["StartingHashKey"]!.GetValue<string>());
        Assert.NotNull(shards[1]!["SequenceNumberRange"]!["StartingSequenceNumber"]);
        Assert.Null(shards[1]!["SequenceNumberRange"]!["EndingSequenceNumber"]);
    }

    [Fact]
    public async Task Tags_given_at_creation_are_listed_in_key_order_and_paged()
    {
        await _api.OkAsync("CreateStream", new { StreamName = "s", ShardCount = 1, Tags = new Dictionary<string, string> { ["b"] = "2", ["a"] = "1", ["c"] = "" } });

        var first = await _api.OkAsync("ListTagsForStream", new { StreamName = "s", Limit = 2 });
        var rest = await _api.OkAsync("ListTagsForStream", new { StreamName = "s", ExclusiveStartTagKey = "b" });

        Assert.Equal(["a", "b"], first["Tags"]!.AsArray().Select(t => t!["Key"]!.GetValue<string>()));
        Assert.True(first["HasMoreTags"]!.GetValue<bool>());
        Assert.Equal("", rest["Tags"]![0]!["Value"]!.GetValue<string>());
        Assert.False(rest["HasMoreTags"]!.GetValue<bool>());
    }

    [Fact]
    public async Task The_summary_counts_open_shards_and_shows_the_maximum_record_size()
    {
        await _api.OkAsync("CreateStream", new { StreamName = "s", ShardCount = 2, MaxRecordSizeInKiB = 4096 });

        var summary = (await _api.OkAsync("DescribeStreamSummary", new { StreamARN = "arn:aws:kinesis:us-east-1:000000000000:stream/s" }))["StreamDescriptionSummary"]!;

        Assert.Equal(2, summary["OpenShardCount"]!.GetValue<int>());
        Assert.Equal(4096, summary["MaxRecordSizeInKiB"]!.GetValue<int>());
    }

    [Fact]
    public async Task An_on_demand_stream_needs_no_shard_count()
    {
        await _api.OkAsync("CreateStream", new { StreamName = "od", StreamModeDetails = new { StreamMode = "ON_DEMAND" } });

        var summary = (await _api.OkAsync("DescribeStreamSummary", new { StreamName = "od" }))["StreamDescriptionSummary"]!;

        Assert.Equal("ON_DEMAND", summary["StreamModeDetails"]!["StreamMode"]!.GetValue<string>());
        Assert.Equal(4, summary["OpenShardCount"]!.GetValue<int>());
    }

    [Fact]
    public async Task Creating_a_stream_twice_is_in_use()
    {
        await _api.CreateStreamAsync("s");

        var reply = await _api.ErrorAsync("CreateStream", new { StreamName = "s", ShardCount = 1 }, "ResourceInUseException");

        Assert.Equal("Stream s under account 000000000000 already exists.", reply.Message);
    }

    [Fact]
    public async Task Bad_stream_names_and_shard_counts_fail_validation()
    {
        var name = await _api.ErrorAsync("CreateStream", new { StreamName = "bad name", ShardCount = 1 }, "ValidationException");
        var count = await _api.ErrorAsync("CreateStream", new { StreamName = "s", ShardCount = 0 }, "ValidationException");

        Assert.Equal("1 validation error detected: Value at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+.", name.Message);
        Assert.Equal("1 validation error detected: Value at 'shardCount' failed to satisfy constraint: Member must have value greater than or equal to 1.", count.Message);
    }

    [Fact]
    public async Task More_shards_than_the_account_limit_is_refused()
    {
        var api = new ApiHarness(new KinesisOptions { TokenKey = new byte[32], ShardLimit = 10 });
        await api.CreateStreamAsync("a", 8);

        var reply = await api.ErrorAsync("CreateStream", new { StreamName = "b", ShardCount = 3 }, "LimitExceededException");

        Assert.StartsWith("This request would exceed the shard limit for the account 000000000000 in us-east-1. Current shard count for the account: 8. Limit: 10. Number of additional shards that would have resulted from this request: 3.", reply.Message);
    }

    [Fact]
    public async Task Streams_are_listed_by_name_and_paged()
    {
        foreach (var name in new[] { "c", "a", "b" })
        {
            await _api.CreateStreamAsync(name);
        }

        var first = await _api.OkAsync("ListStreams", new { Limit = 2 });
        var second = await _api.OkAsync("ListStreams", new { NextToken = first["NextToken"]!.GetValue<string>() });

        Assert.Equal(["a", "b"], first["StreamNames"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.True(first["HasMoreStreams"]!.GetValue<bool>());
        Assert.Equal(["c"], second["StreamNames"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.False(second["HasMoreStreams"]!.GetValue<bool>());
        Assert.Equal("arn:aws:kinesis:us-east-1:000000000000:stream/c", second["StreamSummaries"]![0]!["StreamARN"]!.GetValue<string>());
    }

    [Fact]
    public async Task Shards_are_listed_and_paged_with_a_token()
    {
        await _api.CreateStreamAsync("s", 5);

        var first = await _api.OkAsync("ListShards", new { StreamName = "s", MaxResults = 3 });
        var second = await _api.OkAsync("ListShards", new { NextToken = first["NextToken"]!.GetValue<string>() });

        Assert.Equal(3, first["Shards"]!.AsArray().Count);
        Assert.Equal(["shardId-000000000003", "shardId-000000000004"], second["Shards"]!.AsArray().Select(s => s!["ShardId"]!.GetValue<string>()));
        Assert.Null(second["NextToken"]);
    }

    [Fact]
    public async Task ListShards_needs_a_stream_or_a_token_but_not_both()
    {
        await _api.CreateStreamAsync("s", 2);
        var token = (await _api.OkAsync("ListShards", new { StreamName = "s", MaxResults = 1 }))["NextToken"]!.GetValue<string>();

        var neither = await _api.ErrorAsync("ListShards", new { }, "InvalidArgumentException");
        var both = await _api.ErrorAsync("ListShards", new { StreamName = "s", NextToken = token }, "InvalidArgumentException");

        Assert.Equal("Either NextToken or StreamName should be provided.", neither.Message);
        Assert.Equal("NextToken and StreamName cannot be provided together.", both.Message);
    }

    [Fact]
    public async Task ListShards_filters_after_a_shard_id()
    {
        await _api.CreateStreamAsync("s", 4);

        var output = await _api.OkAsync("ListShards", new { StreamName = "s", ShardFilter = new { Type = "AFTER_SHARD_ID", ShardId = "shardId-000000000001" } });

        Assert.Equal(["shardId-000000000002", "shardId-000000000003"], output["Shards"]!.AsArray().Select(s => s!["ShardId"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_deleted_stream_is_gone()
    {
        await _api.CreateStreamAsync("s");

        await _api.OkAsync("DeleteStream", new { StreamName = "s" });

        await _api.ErrorAsync("DescribeStream", new { StreamName = "s" }, "ResourceNotFoundException");
        await _api.ErrorAsync("DeleteStream", new { StreamName = "s" }, "ResourceNotFoundException");
    }

    [Fact]
    public async Task With_a_transition_delay_streams_pass_through_CREATING_and_DELETING()
    {
        var api = new ApiHarness(new KinesisOptions { TokenKey = new byte[32], CreateStreamDelay = TimeSpan.FromMilliseconds(500), DeleteStreamDelay = TimeSpan.FromMilliseconds(500) });
        await api.CreateStreamAsync("s");

        Assert.Equal("CREATING", (await api.OkAsync("DescribeStreamSummary", new { StreamName = "s" }))["StreamDescriptionSummary"]!["StreamStatus"]!.GetValue<string>());
        api.Clock.Advance(TimeSpan.FromMilliseconds(500));
        Assert.Equal("ACTIVE", (await api.OkAsync("DescribeStreamSummary", new { StreamName = "s" }))["StreamDescriptionSummary"]!["StreamStatus"]!.GetValue<string>());
        await api.OkAsync("DeleteStream", new { StreamName = "s" });
        Assert.Equal("DELETING", (await api.OkAsync("DescribeStreamSummary", new { StreamName = "s" }))["StreamDescriptionSummary"]!["StreamStatus"]!.GetValue<string>());
        api.Clock.Advance(TimeSpan.FromMilliseconds(500));
        await api.ErrorAsync("DescribeStreamSummary", new { StreamName = "s" }, "ResourceNotFoundException");
    }

    [Fact]
    public async Task Accounts_do_not_see_each_others_streams()
    {
        await _api.CreateStreamAsync("s");
        var otherAccount = ApiHarness.Authorization.Replace("AKIAIOSFODNN7EXAMPLE", "111122223333", StringComparison.Ordinal);

        var reply = await _api.CallAsync("DescribeStream", new { StreamName = "s" }, otherAccount);

        Assert.Equal("ResourceNotFoundException", reply.Type);
        Assert.Equal("Stream s under account 111122223333 not found.", reply.Message);
    }

    [Fact]
    public async Task At_most_five_streams_may_be_CREATING_at_once()
    {
        var api = new ApiHarness(new KinesisOptions { TokenKey = new byte[32], CreateStreamDelay = TimeSpan.FromSeconds(1) });
        for (var i = 0; i < 5; i++)
        {
            await api.CreateStreamAsync($"s{i}");
        }

        var refused = await api.ErrorAsync("CreateStream", new { StreamName = "s5", ShardCount = 1 }, "LimitExceededException");
        Assert.Contains("5 streams in CREATING state", refused.Message, StringComparison.Ordinal);
        api.Clock.Advance(TimeSpan.FromSeconds(1));
        await api.CreateStreamAsync("s5");
    }

    [Fact]
    public async Task A_stream_with_consumers_is_deleted_only_with_EnforceConsumerDeletion()
    {
        await _api.CreateStreamAsync("s");
        var stream = (await _api.Store.GetStreamAsync(new Storage.StreamKey(ApiHarness.Account, ApiHarness.Region, "s"), default))!;
        await _api.Store.UpdateStreamAsync(stream with { Consumers = [new Storage.ConsumerMetadata("c", stream.CreatedAtMs, "ACTIVE")] }, stream.Version, default);

        var refused = await _api.ErrorAsync("DeleteStream", new { StreamName = "s" }, "ResourceInUseException");
        Assert.Equal("Stream s under account 000000000000 has registered consumers. Deregister them first, or set EnforceConsumerDeletion to true.", refused.Message);
        await _api.ErrorAsync("DeleteStream", new { StreamName = "s", EnforceConsumerDeletion = false }, "ResourceInUseException");
        await _api.OkAsync("DeleteStream", new { StreamName = "s", EnforceConsumerDeletion = true });
        await _api.ErrorAsync("DescribeStreamSummary", new { StreamName = "s" }, "ResourceNotFoundException");
    }
}
