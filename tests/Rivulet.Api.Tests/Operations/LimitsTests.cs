using Rivulet.Storage;

namespace Rivulet.Api.Tests.Operations;

/// <summary>DescribeLimits, and UpdateMaxRecordSize: the per-stream limit on a record's size.</summary>
public sealed class LimitsTests
{
    private const string Arn = "arn:aws:kinesis:us-east-1:000000000000:stream/s";
    private static readonly string OtherAccount = ApiHarness.Authorization.Replace("AKIAIOSFODNN7EXAMPLE", "111122223333", StringComparison.Ordinal);

    private readonly ApiHarness _api = new();

    [Fact]
    public async Task A_new_account_has_AWS_default_limits_and_uses_none_of_them()
    {
        var limits = await _api.OkAsync("DescribeLimits", new { });

        Assert.Equal("""{"ShardLimit":20000,"OpenShardCount":0,"OnDemandStreamCount":0,"OnDemandStreamCountLimit":50,"ChannelCount":0,"ChannelCountLimit":100}""", limits.ToJsonString());
    }

    [Fact]
    public async Task Usage_counts_the_callers_open_shards_on_demand_streams_and_channels()
    {
        var api = new ApiHarness(new KinesisOptions { TokenKey = new byte[32], ShardLimit = 100, OnDemandStreamLimit = 7, ChannelCountLimit = 3 });
        await api.CreateStreamAsync("p", 3);
        await api.OkAsync("CreateStream", new { StreamName = "o", StreamModeDetails = new { StreamMode = "ON_DEMAND" } });
        Assert.Equal(200, (await api.CallAsync("CreateStream", new { StreamName = "elsewhere", ShardCount = 5 }, OtherAccount)).Status);
        var account = AccountMetadata.New(ApiHarness.AccountKey) with
        {
            Channels = [new ChannelMetadata { ChannelName = "c", ChannelId = "id", CreatedAtMs = api.Clock.NowMs, Status = "ACTIVE", ConfigurationJson = "{}" }],
        };
        Assert.Equal(StreamStoreOutcome.Done, await api.Store.UpdateAccountAsync(account, 0, default));

        var limits = await api.OkAsync("DescribeLimits", new { });

        Assert.Equal("""{"ShardLimit":100,"OpenShardCount":7,"OnDemandStreamCount":1,"OnDemandStreamCountLimit":7,"ChannelCount":1,"ChannelCountLimit":3}""", limits.ToJsonString());
        var other = (await api.CallAsync("DescribeLimits", new { }, OtherAccount)).Json!;
        Assert.Equal((5, 0, 0), (other["OpenShardCount"]!.GetValue<int>(), other["OnDemandStreamCount"]!.GetValue<int>(), other["ChannelCount"]!.GetValue<int>()));
    }

    [Fact]
    public async Task A_deleted_stream_stops_counting_once_it_is_gone()
    {
        var api = new ApiHarness(new KinesisOptions { TokenKey = new byte[32], DeleteStreamDelay = TimeSpan.FromSeconds(1) });
        await api.CreateStreamAsync("s", 2);
        await api.OkAsync("DeleteStream", new { StreamName = "s" });

        Assert.Equal(2, (await api.OkAsync("DescribeLimits", new { }))["OpenShardCount"]!.GetValue<int>());
        api.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(0, (await api.OkAsync("DescribeLimits", new { }))["OpenShardCount"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_larger_maximum_record_size_lets_larger_records_in()
    {
        await _api.CreateStreamAsync("s");
        var twoMiB = Convert.ToBase64String(new byte[2 * 1024 * 1024]);
        var before = await _api.ErrorAsync("PutRecord", new { StreamName = "s", PartitionKey = "k", Data = twoMiB }, "ValidationException");
        Assert.Equal("1 validation error detected: Value at 'data' failed to satisfy constraint: Member must have length less than or equal to 1048576.", before.Message);

        await _api.OkAsync("UpdateMaxRecordSize", new { StreamARN = Arn, MaxRecordSizeInKiB = 3072 });

        Assert.Equal(3072, (await _api.OkAsync("DescribeStreamSummary", new { StreamName = "s" }))["StreamDescriptionSummary"]!["MaxRecordSizeInKiB"]!.GetValue<int>());
        await _api.OkAsync("PutRecord", new { StreamName = "s", PartitionKey = "k", Data = twoMiB });
        await _api.OkAsync("PutRecords", new { StreamName = "s", Records = new[] { new { PartitionKey = "k", Data = twoMiB } } });
        var after = await _api.ErrorAsync("PutRecord", new { StreamName = "s", PartitionKey = "k", Data = Convert.ToBase64String(new byte[3 * 1024 * 1024]) }, "ValidationException");
        Assert.Equal("1 validation error detected: Value at 'data' failed to satisfy constraint: Member must have length less than or equal to 3145728.", after.Message);

        await _api.OkAsync("UpdateMaxRecordSize", new { StreamARN = Arn, MaxRecordSizeInKiB = 1024 });
        await _api.ErrorAsync("PutRecord", new { StreamName = "s", PartitionKey = "k", Data = twoMiB }, "ValidationException");
    }

    [Fact]
    public async Task A_stream_can_be_created_with_a_maximum_record_size()
    {
        await _api.OkAsync("CreateStream", new { StreamName = "s", ShardCount = 1, MaxRecordSizeInKiB = 10240 });

        Assert.Equal(10240, (await _api.OkAsync("DescribeStreamSummary", new { StreamName = "s" }))["StreamDescriptionSummary"]!["MaxRecordSizeInKiB"]!.GetValue<int>());
    }

    [Theory]
    [InlineData(1023, "1 validation error detected: Value at 'maxRecordSizeInKiB' failed to satisfy constraint: Member must have value greater than or equal to 1024.")]
    [InlineData(10241, "1 validation error detected: Value at 'maxRecordSizeInKiB' failed to satisfy constraint: Member must have value less than or equal to 10240.")]
    public async Task Sizes_outside_1_to_10_MiB_are_refused(int size, string message)
    {
        await _api.CreateStreamAsync("s");

        var reply = await _api.ErrorAsync("UpdateMaxRecordSize", new { StreamARN = Arn, MaxRecordSizeInKiB = size }, "ValidationException");

        Assert.Equal(message, reply.Message);
    }

    [Fact]
    public async Task The_stream_is_named_by_ARN_must_exist_and_must_be_ACTIVE()
    {
        var noArn = await _api.ErrorAsync("UpdateMaxRecordSize", new { MaxRecordSizeInKiB = 2048 }, "InvalidArgumentException");
        var missing = await _api.ErrorAsync("UpdateMaxRecordSize", new { StreamARN = Arn, MaxRecordSizeInKiB = 2048 }, "ResourceNotFoundException");
        Assert.Equal("StreamARN must be provided.", noArn.Message);
        Assert.Equal("Stream s under account 000000000000 not found.", missing.Message);

        var api = new ApiHarness(new KinesisOptions { TokenKey = new byte[32], UpdateStreamDelay = TimeSpan.FromSeconds(1) });
        await api.CreateStreamAsync("s");
        await api.OkAsync("UpdateMaxRecordSize", new { StreamARN = Arn, MaxRecordSizeInKiB = 2048 });
        var busy = await api.ErrorAsync("UpdateMaxRecordSize", new { StreamARN = Arn, MaxRecordSizeInKiB = 4096 }, "ResourceInUseException");
        Assert.Equal("Stream s under account 000000000000 not ACTIVE, instead in state UPDATING", busy.Message);
        await api.OkAsync("PutRecord", new { StreamName = "s", PartitionKey = "k", Data = Convert.ToBase64String(new byte[1536 * 1024]) });
    }
}
