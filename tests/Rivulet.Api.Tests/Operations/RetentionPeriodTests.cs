using Rivulet.Api.Streams;
using Rivulet.Storage;
using Rivulet.Storage.Memory;

namespace Rivulet.Api.Tests.Operations;

/// <summary>IncreaseStreamRetentionPeriod, DecreaseStreamRetentionPeriod and what retention does to reads and storage.</summary>
public sealed class RetentionPeriodTests
{
    private readonly ApiHarness _api = new();

    [Fact]
    public async Task Retention_can_grow_and_shrink_within_AWS_bounds()
    {
        await _api.CreateStreamAsync("s");

        await _api.OkAsync("IncreaseStreamRetentionPeriod", new { StreamName = "s", RetentionPeriodHours = 168 });
        Assert.Equal(168, await RetentionAsync());
        await _api.OkAsync("DecreaseStreamRetentionPeriod", new { StreamName = "s", RetentionPeriodHours = 48 });
        Assert.Equal(48, await RetentionAsync());
    }

    [Theory]
    [InlineData("IncreaseStreamRetentionPeriod", 23, "Minimum allowed retention period is 24 hours. Requested retention period (23 hours) is too short.")]
    [InlineData("IncreaseStreamRetentionPeriod", 8761, "Maximum allowed retention period is 8760 hours. Requested retention period (8761 hours) is too long.")]
    [InlineData("DecreaseStreamRetentionPeriod", 10, "Minimum allowed retention period is 24 hours. Requested retention period (10 hours) is too short.")]
    public async Task Periods_outside_24_hours_to_a_year_are_refused(string operation, int hours, string message)
    {
        await _api.CreateStreamAsync("s");

        var reply = await _api.ErrorAsync(operation, new { StreamName = "s", RetentionPeriodHours = hours }, "InvalidArgumentException");

        Assert.Equal(message, reply.Message);
    }

    [Fact]
    public async Task Each_operation_only_goes_its_own_way()
    {
        await _api.CreateStreamAsync("s");
        await _api.OkAsync("IncreaseStreamRetentionPeriod", new { StreamName = "s", RetentionPeriodHours = 72 });

        var increase = await _api.ErrorAsync("IncreaseStreamRetentionPeriod", new { StreamName = "s", RetentionPeriodHours = 48 }, "InvalidArgumentException");
        var decrease = await _api.ErrorAsync("DecreaseStreamRetentionPeriod", new { StreamName = "s", RetentionPeriodHours = 96 }, "InvalidArgumentException");

        Assert.Equal("Requested retention period (48 hours) for stream s can not be shorter than existing retention period (72 hours). Use DecreaseRetentionPeriod API.", increase.Message);
        Assert.Equal("Requested retention period (96 hours) for stream s can not be longer than existing retention period (72 hours). Use IncreaseRetentionPeriod API.", decrease.Message);
    }

    [Fact]
    public async Task A_missing_period_or_stream_is_reported()
    {
        await _api.ErrorAsync("IncreaseStreamRetentionPeriod", new { StreamName = "s" }, "ValidationException");
        await _api.ErrorAsync("IncreaseStreamRetentionPeriod", new { StreamName = "nope", RetentionPeriodHours = 48 }, "ResourceNotFoundException");
    }

    [Fact]
    public async Task A_longer_retention_keeps_records_visible_past_a_day()
    {
        await _api.CreateStreamAsync("s");
        await _api.OkAsync("IncreaseStreamRetentionPeriod", new { StreamName = "s", RetentionPeriodHours = 48 });
        await _api.OkAsync("PutRecord", new { StreamName = "s", PartitionKey = "k", Data = "AA==" });
        _api.Clock.Advance(TimeSpan.FromHours(30));

        Assert.Single(await ReadAsync());
        await _api.OkAsync("DecreaseStreamRetentionPeriod", new { StreamName = "s", RetentionPeriodHours = 24 });
        Assert.Empty(await ReadAsync());
    }

    [Fact]
    public async Task The_sweeper_frees_storage_of_expired_records_only()
    {
        var clock = new TestClock(DateTimeOffset.FromUnixTimeMilliseconds(1_763_700_000_000));
        var store = new MemoryStreamStore(clock);
        var options = new KinesisOptions { TokenKey = new byte[32] };
        var stream = new StreamMetadata
        {
            Key = new StreamKey("000000000000", "us-east-1", "s"),
            CreatedAtMs = clock.NowMs,
            Status = "ACTIVE",
            StreamMode = "PROVISIONED",
            Shards = [new ShardMetadata(0, UInt128.Zero, UInt128.MaxValue, clock.NowMs)],
            RetentionPeriodHours = 24,
            MaxRecordSizeInKiB = 1024,
        };
        await store.CreateStreamAsync(stream, default);
        var log = store.GetShardLog(stream.Key, stream.CreatedAtMs, 0);
        var old = Enumerable.Range(0, 8192).Select(i => new PendingRecord("k", new byte[] { 1 })).ToArray();
        await log.AppendAsync(old, default);
        clock.Advance(TimeSpan.FromHours(25));
        await log.AppendAsync(old.AsMemory(0, 10), default);

        await new RetentionSweeper(store, options, clock).SweepOnceAsync(default);

        var everything = await log.ReadAsync(new ReadRequest(0, 10_000, long.MaxValue, 0), default);
        Assert.Equal(10, everything.Records.Count);
        Assert.Equal(8192, everything.Records[0].Position);
    }

    private async Task<int> RetentionAsync() =>
        (await _api.OkAsync("DescribeStreamSummary", new { StreamName = "s" }))["StreamDescriptionSummary"]!["RetentionPeriodHours"]!.GetValue<int>();

    private async Task<System.Text.Json.Nodes.JsonArray> ReadAsync()
    {
        var iterator = (await _api.OkAsync("GetShardIterator", new { StreamName = "s", ShardId = "shardId-000000000000", ShardIteratorType = "TRIM_HORIZON" }))["ShardIterator"]!.GetValue<string>();
        return (await _api.OkAsync("GetRecords", new { ShardIterator = iterator }))["Records"]!.AsArray();
    }
}
