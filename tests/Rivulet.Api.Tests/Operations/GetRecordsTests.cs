namespace Rivulet.Api.Tests.Operations;

public sealed class GetRecordsTests
{
    private readonly ApiHarness _api = new();

    [Fact]
    public async Task Records_come_back_byte_for_byte_with_arrival_time_and_a_next_iterator()
    {
        await _api.CreateStreamAsync("s");
        var data = new byte[] { 0, 255, 128, 10, 13 };
        await _api.OkAsync("PutRecord", new { StreamName = "s", PartitionKey = "k", Data = Convert.ToBase64String(data) });

        var output = await _api.OkAsync("GetRecords", new { ShardIterator = await TrimHorizonAsync() });

        var record = output["Records"]!.AsArray().Single()!;
        Assert.Equal(data, Convert.FromBase64String(record["Data"]!.GetValue<string>()));
        Assert.Equal(_api.Clock.NowMs / 1000.0, record["ApproximateArrivalTimestamp"]!.GetValue<double>(), 3);
        Assert.Equal(0, output["MillisBehindLatest"]!.GetValue<long>());
        Assert.NotNull(output["NextShardIterator"]);
    }

    [Fact]
    public async Task Limit_pages_through_the_shard_without_gaps()
    {
        await _api.CreateStreamAsync("s");
        var records = Enumerable.Range(0, 25).Select(i => new { Data = "AA==", PartitionKey = $"k{i:D2}" }).ToArray();
        await _api.OkAsync("PutRecords", new { StreamName = "s", Records = records });

        var keys = new List<string>();
        var iterator = await TrimHorizonAsync();
        for (var page = 0; page < 5; page++)
        {
            var output = await _api.OkAsync("GetRecords", new { ShardIterator = iterator, Limit = 10 });
            keys.AddRange(output["Records"]!.AsArray().Select(r => r!["PartitionKey"]!.GetValue<string>()));
            iterator = output["NextShardIterator"]!.GetValue<string>();
        }

        Assert.Equal(records.Select(r => r.PartitionKey), keys);
    }

    [Fact]
    public async Task A_reader_behind_the_tip_is_told_how_far()
    {
        await _api.CreateStreamAsync("s");
        await _api.OkAsync("PutRecord", new { StreamName = "s", PartitionKey = "a", Data = "AA==" });
        _api.Clock.Advance(TimeSpan.FromSeconds(3));
        await _api.OkAsync("PutRecord", new { StreamName = "s", PartitionKey = "b", Data = "AA==" });

        var output = await _api.OkAsync("GetRecords", new { ShardIterator = await TrimHorizonAsync(), Limit = 1 });

        Assert.Equal(3_000, output["MillisBehindLatest"]!.GetValue<long>());
    }

    [Fact]
    public async Task A_garbled_iterator_is_invalid()
    {
        var reply = await _api.ErrorAsync("GetRecords", new { ShardIterator = "AAAAAAAAAAFm2Y0h" }, "InvalidArgumentException");

        Assert.Equal("Invalid ShardIterator.", reply.Message);
    }

    [Fact]
    public async Task An_iterator_older_than_five_minutes_has_expired()
    {
        await _api.CreateStreamAsync("s");
        var iterator = await TrimHorizonAsync();
        _api.Clock.Advance(TimeSpan.FromMilliseconds(300_001));

        var reply = await _api.ErrorAsync("GetRecords", new { ShardIterator = iterator }, "ExpiredIteratorException");

        Assert.Matches(@"^Iterator expired\. The iterator was created at time \w{3} \w{3} \d{2} \d{2}:\d{2}:\d{2} UTC \d{4} while right now it is \w{3} \w{3} \d{2} \d{2}:\d{2}:\d{2} UTC \d{4} which is further in the future than the tolerated delay of 300000 milliseconds\.$", reply.Message);
    }

    [Fact]
    public async Task An_iterator_of_a_deleted_and_recreated_stream_is_not_found()
    {
        await _api.CreateStreamAsync("s");
        var iterator = await TrimHorizonAsync();
        await _api.OkAsync("DeleteStream", new { StreamName = "s" });
        _api.Clock.Advance(TimeSpan.FromSeconds(1));
        await _api.CreateStreamAsync("s");

        await _api.ErrorAsync("GetRecords", new { ShardIterator = iterator }, "ResourceNotFoundException");
    }

    [Fact]
    public async Task Records_past_the_retention_period_are_invisible()
    {
        await _api.CreateStreamAsync("s");
        await _api.OkAsync("PutRecord", new { StreamName = "s", PartitionKey = "old", Data = "AA==" });
        _api.Clock.Advance(TimeSpan.FromHours(24) + TimeSpan.FromSeconds(1));
        await _api.OkAsync("PutRecord", new { StreamName = "s", PartitionKey = "new", Data = "AA==" });

        var output = await _api.OkAsync("GetRecords", new { ShardIterator = await TrimHorizonAsync() });

        Assert.Equal(["new"], output["Records"]!.AsArray().Select(r => r!["PartitionKey"]!.GetValue<string>()));
    }

    private async Task<string> TrimHorizonAsync() =>
        (await _api.OkAsync("GetShardIterator", new { StreamName = "s", ShardId = "shardId-000000000000", ShardIteratorType = "TRIM_HORIZON" }))["ShardIterator"]!.GetValue<string>();
}
