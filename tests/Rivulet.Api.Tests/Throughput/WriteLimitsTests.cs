using Rivulet.Api.Throughput;
using Rivulet.Storage.Memory;

namespace Rivulet.Api.Tests.Throughput;

/// <summary>
/// AWS's per-shard write limits on the test clock: 1,000 records and 1 MiB per second, refused
/// entries marked as AWS marks them and not stored, the others stored; off by default, switched per
/// stream by its tag.
/// </summary>
public sealed class WriteLimitsTests
{
    private const string Message = "Rate exceeded for shard shardId-000000000000 in stream s under account 000000000000.";

    [Fact]
    public async Task With_the_limits_on_PutRecords_beyond_a_thousand_records_a_second_fails_only_the_entries_over_it()
    {
        var api = LimitsSetup.Harness(onByDefault: true);
        await api.CreateStreamAsync("s");

        Assert.Equal(0, (await PutRecordsAsync(api, 500))["FailedRecordCount"]!.GetValue<int>());
        Assert.Equal(0, (await PutRecordsAsync(api, 400))["FailedRecordCount"]!.GetValue<int>());
        var third = await PutRecordsAsync(api, 300);
        Assert.Equal(200, third["FailedRecordCount"]!.GetValue<int>());
        var entries = third["Records"]!.AsArray();
        Assert.All(entries.Take(100), entry => Assert.NotNull(entry!["SequenceNumber"]));
        Assert.All(entries.Skip(100), entry =>
        {
            Assert.Equal("ProvisionedThroughputExceededException", entry!["ErrorCode"]!.GetValue<string>());
            Assert.Equal(Message, entry["ErrorMessage"]!.GetValue<string>());
            Assert.Null(entry["SequenceNumber"]);
        });

        var refused = await api.ErrorAsync("PutRecord", new { StreamName = "s", PartitionKey = "k", Data = "AA==" }, "ProvisionedThroughputExceededException");
        Assert.Equal(Message, refused.Message);

        // A quarter of a second refills a quarter of the bucket.
        api.Clock.Advance(TimeSpan.FromMilliseconds(250));
        Assert.Equal(250, (await PutRecordsAsync(api, 500))["FailedRecordCount"]!.GetValue<int>());

        // Only what was acknowledged is in the shard.
        Assert.Equal(1250, await CountAsync(api));
    }

    [Fact]
    public async Task A_megabyte_a_second_limits_large_records_and_a_stream_of_larger_records_bursts_to_its_largest()
    {
        var api = LimitsSetup.Harness(onByDefault: true);
        await api.CreateStreamAsync("s");
        var data = Convert.ToBase64String(new byte[600 * 1024]);
        await api.OkAsync("PutRecord", new { StreamName = "s", PartitionKey = "k", Data = data });
        await api.ErrorAsync("PutRecord", new { StreamName = "s", PartitionKey = "k", Data = data }, "ProvisionedThroughputExceededException");
        api.Clock.Advance(TimeSpan.FromMilliseconds(600));
        await api.OkAsync("PutRecord", new { StreamName = "s", PartitionKey = "k", Data = data });

        await api.OkAsync("CreateStream", new { StreamName = "large", ShardCount = 1, MaxRecordSizeInKiB = 4096 });
        var big = Convert.ToBase64String(new byte[3 * 1024 * 1024]);
        await api.OkAsync("PutRecord", new { StreamName = "large", PartitionKey = "k", Data = big });
        await api.ErrorAsync("PutRecord", new { StreamName = "large", PartitionKey = "k", Data = big }, "ProvisionedThroughputExceededException");
        api.Clock.Advance(TimeSpan.FromSeconds(3));
        await api.OkAsync("PutRecord", new { StreamName = "large", PartitionKey = "k", Data = big });
    }

    [Fact]
    public async Task A_writer_at_three_thousand_records_a_second_gets_about_a_third_through_over_several_seconds()
    {
        var api = LimitsSetup.Harness(onByDefault: true);
        await api.CreateStreamAsync("s");
        var accepted = 0;
        var sent = 0;
        for (var tick = 0; tick < 50; tick++)
        {
            var answer = await PutRecordsAsync(api, 300);
            sent += 300;
            accepted += 300 - answer["FailedRecordCount"]!.GetValue<int>();
            api.Clock.Advance(TimeSpan.FromMilliseconds(100));
        }

        // Five seconds at 1,000 a second, after a first second's burst.
        Assert.Equal(1000 + (49 * 100), accepted);
        Assert.InRange(accepted / (double)sent, 0.33, 0.40);
        Assert.Equal(accepted, await CountAsync(api));
    }

    [Fact]
    public async Task The_limits_are_off_by_default_and_a_stream_s_tag_switches_them_either_way()
    {
        var off = LimitsSetup.Harness(onByDefault: false);
        await off.CreateStreamAsync("s");
        Assert.Equal(0, (await PutRecordsAsync(off, 500))["FailedRecordCount"]!.GetValue<int>());
        Assert.Equal(0, (await PutRecordsAsync(off, 500))["FailedRecordCount"]!.GetValue<int>());
        Assert.Equal(0, (await PutRecordsAsync(off, 500))["FailedRecordCount"]!.GetValue<int>());
        await off.OkAsync("AddTagsToStream", new { StreamName = "s", Tags = new Dictionary<string, string> { [AwsThroughputLimits.TagKey] = "aws" } });
        Assert.Equal(0, (await PutRecordsAsync(off, 500))["FailedRecordCount"]!.GetValue<int>());
        Assert.Equal(0, (await PutRecordsAsync(off, 500))["FailedRecordCount"]!.GetValue<int>());
        Assert.Equal(500, (await PutRecordsAsync(off, 500))["FailedRecordCount"]!.GetValue<int>());

        var on = LimitsSetup.Harness(onByDefault: true);
        await on.OkAsync("CreateStream", new { StreamName = "s", ShardCount = 1, Tags = new Dictionary<string, string> { [AwsThroughputLimits.TagKey] = "off" } });
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(0, (await PutRecordsAsync(on, 500))["FailedRecordCount"]!.GetValue<int>());
        }
    }

    [Fact]
    public void Each_shard_has_its_own_buckets_and_idle_ones_are_forgotten()
    {
        var limits = new AwsThroughputLimits(onByDefault: true);
        var stream = LimitsSetup.Stream(shards: 2);
        for (var i = 0; i < 1000; i++)
        {
            Assert.True(limits.TryAdmit(At(0), stream, stream.Shards[0], 10));
        }

        Assert.False(limits.TryAdmit(At(0), stream, stream.Shards[0], 10));
        Assert.True(limits.TryAdmit(At(0), stream, stream.Shards[1], 10));
        Assert.Equal(2, limits.TrackedShards);

        // Much later, the idle buckets go as other shards keep writing.
        var later = 60_000L;
        for (var i = 0; i < 5000; i++)
        {
            limits.TryAdmit(At(later + i), stream, stream.Shards[1], 10);
        }

        Assert.Equal(1, limits.TrackedShards);
    }

    private static RequestContext At(long nowMs) => new("000000000000", "us-east-1", DateTimeOffset.FromUnixTimeMilliseconds(nowMs));

    private static async Task<System.Text.Json.Nodes.JsonObject> PutRecordsAsync(ApiHarness api, int count) =>
        await api.OkAsync("PutRecords", new { StreamName = "s", Records = Enumerable.Range(0, count).Select(i => new { PartitionKey = $"k{i}", Data = "AAAA" }) });

    private static async Task<int> CountAsync(ApiHarness api)
    {
        var iterator = (await api.OkAsync("GetShardIterator", new { StreamName = "s", ShardId = "shardId-000000000000", ShardIteratorType = "TRIM_HORIZON" }))["ShardIterator"]!.GetValue<string>();
        var count = 0;
        for (var page = 0; page < 100; page++)
        {
            // Reads are limited too: one call every 200 ms keeps within 5 a second.
            api.Clock.Advance(TimeSpan.FromMilliseconds(200));
            var records = await api.OkAsync("GetRecords", new { ShardIterator = iterator });
            var got = records["Records"]!.AsArray().Count;
            count += got;
            if (got == 0)
            {
                return count;
            }

            iterator = records["NextShardIterator"]!.GetValue<string>();
        }

        return count;
    }
}
