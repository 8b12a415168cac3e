using System.Text.Json.Nodes;

namespace Rivulet.Api.Tests.Operations;

/// <summary>UpdateStreamMode, and the on-demand stream limit it shares with CreateStream.</summary>
public sealed class StreamModeTests
{
    private const string Arn = "arn:aws:kinesis:us-east-1:000000000000:stream/s";

    private readonly ApiHarness _api = new();

    [Fact]
    public async Task A_provisioned_stream_goes_on_demand_with_the_shards_it_has()
    {
        await _api.CreateStreamAsync("s", 3);
        var before = (await _api.OkAsync("ListShards", new { StreamName = "s" }))["Shards"]!.ToJsonString();

        await _api.OkAsync("UpdateStreamMode", new { StreamARN = Arn, StreamModeDetails = new { StreamMode = "ON_DEMAND" } });

        var summary = await SummaryAsync();
        Assert.Equal(("ON_DEMAND", 3), (summary["StreamModeDetails"]!["StreamMode"]!.GetValue<string>(), summary["OpenShardCount"]!.GetValue<int>()));
        Assert.Equal("ON_DEMAND", (await _api.OkAsync("DescribeStream", new { StreamName = "s" }))["StreamDescription"]!["StreamModeDetails"]!["StreamMode"]!.GetValue<string>());
        Assert.Equal("ON_DEMAND", (await _api.OkAsync("ListStreams", new { }))["StreamSummaries"]![0]!["StreamModeDetails"]!["StreamMode"]!.GetValue<string>());
        Assert.Equal(before, (await _api.OkAsync("ListShards", new { StreamName = "s" }))["Shards"]!.ToJsonString());
    }

    [Fact]
    public async Task The_switch_passes_through_UPDATING_and_writes_go_on_meanwhile()
    {
        var api = new ApiHarness(new KinesisOptions { TokenKey = new byte[32], UpdateStreamDelay = TimeSpan.FromSeconds(3) });
        await api.CreateStreamAsync("s");

        await api.OkAsync("UpdateStreamMode", new { StreamARN = Arn, StreamModeDetails = new { StreamMode = "ON_DEMAND" } });

        Assert.Equal("UPDATING", await StatusAsync(api));
        await api.OkAsync("PutRecord", new { StreamName = "s", PartitionKey = "k", Data = "AA==" });
        var busy = await api.ErrorAsync("UpdateStreamMode", new { StreamARN = Arn, StreamModeDetails = new { StreamMode = "PROVISIONED" } }, "ResourceInUseException");
        Assert.Equal("Stream s under account 000000000000 not ACTIVE, instead in state UPDATING", busy.Message);
        api.Clock.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal("ACTIVE", await StatusAsync(api));
    }

    [Fact]
    public async Task A_stream_switches_mode_twice_in_a_rolling_day_at_most()
    {
        await _api.CreateStreamAsync("s");
        await _api.OkAsync("UpdateStreamMode", new { StreamARN = Arn, StreamModeDetails = new { StreamMode = "ON_DEMAND" } });
        _api.Clock.Advance(TimeSpan.FromHours(1));
        await _api.OkAsync("UpdateStreamMode", new { StreamARN = Arn, StreamModeDetails = new { StreamMode = "PROVISIONED" } });

        var refused = await _api.ErrorAsync("UpdateStreamMode", new { StreamARN = Arn, StreamModeDetails = new { StreamMode = "ON_DEMAND" } }, "LimitExceededException");

        Assert.Equal("The capacity mode of stream s under account 000000000000 has been switched 2 times in the last 24 hours, the most allowed in a rolling 24-hour period.", refused.Message);
        _api.Clock.Advance(TimeSpan.FromHours(23));
        await _api.OkAsync("UpdateStreamMode", new { StreamARN = Arn, StreamModeDetails = new { StreamMode = "ON_DEMAND" } });
    }

    [Fact]
    public async Task Switching_to_the_mode_a_stream_has_is_refused()
    {
        await _api.CreateStreamAsync("s");

        var reply = await _api.ErrorAsync("UpdateStreamMode", new { StreamARN = Arn, StreamModeDetails = new { StreamMode = "PROVISIONED" } }, "InvalidArgumentException");

        Assert.Equal("Stream s under account 000000000000 is already in PROVISIONED mode.", reply.Message);
    }

    [Fact]
    public async Task The_request_needs_an_ARN_and_a_valid_mode_and_the_stream_must_exist()
    {
        await _api.ErrorAsync("UpdateStreamMode", new { StreamModeDetails = new { StreamMode = "ON_DEMAND" } }, "ValidationException");
        await _api.ErrorAsync("UpdateStreamMode", new { StreamARN = Arn }, "ValidationException");
        var mode = await _api.ErrorAsync("UpdateStreamMode", new { StreamARN = Arn, StreamModeDetails = new { StreamMode = "SOMETIMES" } }, "ValidationException");
        var missing = await _api.ErrorAsync("UpdateStreamMode", new { StreamARN = Arn, StreamModeDetails = new { StreamMode = "ON_DEMAND" } }, "ResourceNotFoundException");

        Assert.Equal("1 validation error detected: Value at 'streamModeDetails.streamMode' failed to satisfy constraint: Member must satisfy enum value set: [PROVISIONED, ON_DEMAND].", mode.Message);
        Assert.Equal("Stream s under account 000000000000 not found.", missing.Message);
    }

    [Fact]
    public async Task The_on_demand_stream_limit_holds_for_creation_and_for_switching()
    {
        var api = new ApiHarness(new KinesisOptions { TokenKey = new byte[32], OnDemandStreamLimit = 2 });
        await api.OkAsync("CreateStream", new { StreamName = "a", StreamModeDetails = new { StreamMode = "ON_DEMAND" } });
        await api.OkAsync("CreateStream", new { StreamName = "b", StreamModeDetails = new { StreamMode = "ON_DEMAND" } });
        await api.CreateStreamAsync("s");

        var create = await api.ErrorAsync("CreateStream", new { StreamName = "c", StreamModeDetails = new { StreamMode = "ON_DEMAND" } }, "LimitExceededException");
        var update = await api.ErrorAsync("UpdateStreamMode", new { StreamARN = Arn, StreamModeDetails = new { StreamMode = "ON_DEMAND" } }, "LimitExceededException");

        const string Message = "This request would exceed the on-demand stream limit for the account 000000000000 in us-east-1. Current on-demand stream count for the account: 2. Limit: 2. Refer to the AWS Service Limits page (http://docs.aws.amazon.com/general/latest/gr/aws_service_limits.html) for current limits and how to request higher limits.";
        Assert.Equal(Message, create.Message);
        Assert.Equal(Message, update.Message);
        await api.ErrorAsync("DescribeStream", new { StreamName = "c" }, "ResourceNotFoundException");
        Assert.Equal("PROVISIONED", (await api.OkAsync("DescribeStreamSummary", new { StreamName = "s" }))["StreamDescriptionSummary"]!["StreamModeDetails"]!["StreamMode"]!.GetValue<string>());

        // Provisioned streams are not limited, and a deleted on-demand stream frees its place.
        await api.OkAsync("CreateStream", new { StreamName = "p", ShardCount = 1 });
        await api.OkAsync("DeleteStream", new { StreamName = "a" });
        await api.OkAsync("UpdateStreamMode", new { StreamARN = Arn, StreamModeDetails = new { StreamMode = "ON_DEMAND" } });
    }

    [Fact]
    public async Task Going_provisioned_ends_AUTO_distribution_and_warm_throughput()
    {
        await _api.OkAsync("UpdateAccountSettings", new { MinimumThroughputBillingCommitment = new { Status = "ENABLED" } });
        await _api.OkAsync("CreateStream", new { StreamName = "s", StreamModeDetails = new { StreamMode = "ON_DEMAND" }, RecordDistributionStrategy = "AUTO", WarmThroughputMiBps = 50 });

        await _api.OkAsync("UpdateStreamMode", new { StreamARN = Arn, StreamModeDetails = new { StreamMode = "PROVISIONED" } });

        var summary = await SummaryAsync();
        Assert.False(summary.ContainsKey("RecordDistributionStrategy"));
        Assert.False(summary.ContainsKey("WarmThroughput"));
        var reply = await _api.ErrorAsync("PutRecord", new { StreamName = "s", Data = "AA==" }, "ValidationException");
        Assert.Equal("1 validation error detected: Value at 'partitionKey' failed to satisfy constraint: Member must not be null.", reply.Message);

        _api.Clock.Advance(TimeSpan.FromMinutes(1));
        await _api.OkAsync("UpdateStreamMode", new { StreamARN = Arn, StreamModeDetails = new { StreamMode = "ON_DEMAND" } });
        summary = await SummaryAsync();
        Assert.Equal("USER_PARTITION_KEY", summary["RecordDistributionStrategy"]!.GetValue<string>());
        Assert.False(summary["WarmThroughput"]!.AsObject().ContainsKey("TargetMiBps"));
    }

    [Fact]
    public async Task Going_on_demand_can_set_a_warm_throughput_only_with_the_billing_commitment()
    {
        await _api.CreateStreamAsync("s", 2);

        var provisioned = await _api.ErrorAsync("UpdateStreamMode", new { StreamARN = Arn, StreamModeDetails = new { StreamMode = "PROVISIONED" }, WarmThroughputMiBps = 10 }, "InvalidArgumentException");
        var uncommitted = await _api.ErrorAsync("UpdateStreamMode", new { StreamARN = Arn, StreamModeDetails = new { StreamMode = "ON_DEMAND" }, WarmThroughputMiBps = 10 }, "InvalidArgumentException");
        Assert.Equal("WarmThroughputMiBps can only be specified for streams in ON_DEMAND mode.", provisioned.Message);
        Assert.Equal("Warm throughput requires MinimumThroughputBillingCommitment to be ENABLED for account 000000000000. Enable it with UpdateAccountSettings.", uncommitted.Message);
        Assert.Equal("PROVISIONED", (await SummaryAsync())["StreamModeDetails"]!["StreamMode"]!.GetValue<string>());

        await _api.OkAsync("UpdateAccountSettings", new { MinimumThroughputBillingCommitment = new { Status = "ENABLED" } });
        await _api.OkAsync("UpdateStreamMode", new { StreamARN = Arn, StreamModeDetails = new { StreamMode = "ON_DEMAND" }, WarmThroughputMiBps = 10 });

        Assert.Equal("""{"TargetMiBps":10,"CurrentMiBps":10}""", (await SummaryAsync())["WarmThroughput"]!.ToJsonString());
    }

    private static async Task<string> StatusAsync(ApiHarness api) =>
        (await api.OkAsync("DescribeStreamSummary", new { StreamName = "s" }))["StreamDescriptionSummary"]!["StreamStatus"]!.GetValue<string>();

    private async Task<JsonObject> SummaryAsync() =>
        (await _api.OkAsync("DescribeStreamSummary", new { StreamName = "s" }))["StreamDescriptionSummary"]!.AsObject();
}
