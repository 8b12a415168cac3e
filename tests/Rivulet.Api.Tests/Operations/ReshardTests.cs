using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json.Nodes;
using Rivulet.Api.Streams;

namespace Rivulet.Api.Tests.Operations;

public sealed class ReshardTests
{
    private static readonly UInt128 Half = UInt128.MaxValue / 2;
    private readonly ApiHarness _api = new();

    [Fact]
    public async Task A_split_closes_the_parent_and_opens_two_children_with_its_range_and_the_next_ids()
    {
        await _api.CreateStreamAsync("s", 2);

        await _api.OkAsync("SplitShard", new { StreamName = "s", ShardToSplit = "shardId-000000000000", NewStartingHashKey = "1000" });

        var shards = await ShardsAsync("s");
        Assert.Equal(["shardId-000000000000", "shardId-000000000001", "shardId-000000000002", "shardId-000000000003"], shards.Select(Id));
        Assert.NotNull(shards[0]["SequenceNumberRange"]!["EndingSequenceNumber"]);
        Assert.Null(shards[1]["SequenceNumberRange"]!["EndingSequenceNumber"]);
        Assert.Equal(("0", "999", "shardId-000000000000"), Range(shards[2]));
        Assert.Equal(("1000", shards[0]["HashKeyRange"]!["EndingHashKey"]!.GetValue<string>(), "shardId-000000000000"), Range(shards[3]));
        Assert.All(shards.Skip(2), s => Assert.Null(s["AdjacentParentShardId"]));
        var summary = (await _api.OkAsync("DescribeStreamSummary", new { StreamName = "s" }))["StreamDescriptionSummary"]!;
        Assert.Equal(("ACTIVE", 3), (summary["StreamStatus"]!.GetValue<string>(), summary["OpenShardCount"]!.GetValue<int>()));
    }

    [Fact]
    public async Task Records_written_before_a_split_stay_in_the_parent_and_later_ones_go_to_the_children()
    {
        await _api.CreateStreamAsync("s");
        var before = await PutAsync("s", "k", "before");
        await _api.OkAsync("SplitShard", new { StreamName = "s", ShardToSplit = "0", NewStartingHashKey = Half.ToString(CultureInfo.InvariantCulture) });
        var after = await PutAsync("s", "k", "after");

        Assert.Equal("shardId-000000000000", before);
        Assert.Contains(after, new[] { "shardId-000000000001", "shardId-000000000002" });

        // The parent: its record with a live iterator, then an empty page that ends it with its children.
        var iterator = await IteratorAsync("s", "shardId-000000000000");
        var page = await _api.OkAsync("GetRecords", new { ShardIterator = iterator });
        Assert.Equal(["before"], Payloads(page));
        Assert.Null(page["ChildShards"]);
        page = await _api.OkAsync("GetRecords", new { ShardIterator = page["NextShardIterator"]!.GetValue<string>() });
        Assert.Empty(Payloads(page));
        Assert.Null(page["NextShardIterator"]);
        var children = page["ChildShards"]!.AsArray();
        Assert.Equal(["shardId-000000000001", "shardId-000000000002"], children.Select(c => Id(c!)));
        Assert.All(children, c => Assert.Equal(["shardId-000000000000"], c!["ParentShards"]!.AsArray().Select(p => p!.GetValue<string>())));
        Assert.Equal("0", children[0]!["HashKeyRange"]!["StartingHashKey"]!.GetValue<string>());
    }

    [Fact]
    public async Task SplitShard_answers_AWS_errors_in_AWS_order()
    {
        await _api.CreateStreamAsync("s");

        var missingStream = await _api.ErrorAsync("SplitShard", new { StreamName = "nope", ShardToSplit = "x", NewStartingHashKey = "5" }, "ResourceNotFoundException");
        Assert.Equal("Stream nope under account 000000000000 not found.", missingStream.Message);
        var missingShard = await _api.ErrorAsync("SplitShard", new { StreamName = "s", ShardToSplit = "shardId-7", NewStartingHashKey = "5" }, "ResourceNotFoundException");
        Assert.Equal("Could not find shard shardId-7 in stream s under account 000000000000.", missingShard.Message);
        var badKey = await _api.ErrorAsync("SplitShard", new { StreamName = "s", ShardToSplit = "shardId-000000000000", NewStartingHashKey = "1" }, "InvalidArgumentException");
        Assert.Equal("NewStartingHashKey 1 used in SplitShard() on shard shardId-000000000000 in stream s under account 000000000000 is not both greater than one plus the shard's StartingHashKey 0 and less than the shard's EndingHashKey 340282366920938463463374607431768211455.", badKey.Message);
        await _api.ErrorAsync("SplitShard", new { StreamName = "s", ShardToSplit = "shardId-000000000000", NewStartingHashKey = "340282366920938463463374607431768211456" }, "InvalidArgumentException");

        await _api.OkAsync("SplitShard", new { StreamName = "s", ShardToSplit = "shardId-000000000000", NewStartingHashKey = "100" });
        var closed = await _api.ErrorAsync("SplitShard", new { StreamName = "s", ShardToSplit = "shardId-000000000000", NewStartingHashKey = "50" }, "ResourceInUseException");
        Assert.Equal("Shard shardId-000000000000 in stream s under account 000000000000 has already been merged or split, and thus is not eligible for merging", closed.Message);
    }

    [Fact]
    public async Task A_split_beyond_the_account_shard_limit_is_refused_with_AWS_text()
    {
        var api = new ApiHarness(new KinesisOptions { TokenKey = new byte[32], ShardLimit = 3 });
        await api.CreateStreamAsync("a", 2);
        await api.CreateStreamAsync("b", 1);

        var reply = await api.ErrorAsync("SplitShard", new { StreamName = "b", ShardToSplit = "shardId-000000000000", NewStartingHashKey = "100" }, "LimitExceededException");

        Assert.StartsWith("This request would exceed the shard limit for the account 000000000000 in us-east-1. Current shard count for the account: 3. Limit: 3. Number of additional shards that would have resulted from this request: 1.", reply.Message, StringComparison.Ordinal);
        await api.OkAsync("MergeShards", new { StreamName = "a", ShardToMerge = "shardId-000000000000", AdjacentShardToMerge = "shardId-000000000001" });
        await api.OkAsync("SplitShard", new { StreamName = "b", ShardToSplit = "shardId-000000000000", NewStartingHashKey = "100" });
    }

    [Fact]
    public async Task A_merge_takes_adjacent_shards_in_either_order_and_names_both_parents()
    {
        await _api.CreateStreamAsync("s", 3);

        var notAdjacent = await _api.ErrorAsync("MergeShards", new { StreamName = "s", ShardToMerge = "shardId-000000000000", AdjacentShardToMerge = "shardId-000000000002" }, "InvalidArgumentException");
        Assert.Equal("Shards shardId-000000000000 and shardId-000000000002 in stream s under account 000000000000 are not an adjacent pair of shards eligible for merging", notAdjacent.Message);
        await _api.ErrorAsync("MergeShards", new { StreamName = "s", ShardToMerge = "shardId-000000000000", AdjacentShardToMerge = "shardId-000000000009" }, "ResourceNotFoundException");

        await _api.OkAsync("MergeShards", new { StreamName = "s", ShardToMerge = "shardId-000000000002", AdjacentShardToMerge = "shardId-000000000001" });

        var shards = await ShardsAsync("s");
        var child = shards[3];
        Assert.Equal(("shardId-000000000003", "shardId-000000000002", "shardId-000000000001"), (Id(child), child["ParentShardId"]!.GetValue<string>(), child["AdjacentParentShardId"]!.GetValue<string>()));
        Assert.Equal(shards[1]["HashKeyRange"]!["StartingHashKey"]!.GetValue<string>(), child["HashKeyRange"]!["StartingHashKey"]!.GetValue<string>());
        Assert.Equal("340282366920938463463374607431768211455", child["HashKeyRange"]!["EndingHashKey"]!.GetValue<string>());
        var closed = await _api.ErrorAsync("MergeShards", new { StreamName = "s", ShardToMerge = "shardId-000000000000", AdjacentShardToMerge = "shardId-000000000001" }, "ResourceInUseException");
        Assert.Contains("shardId-000000000001", closed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpdateShardCount_scales_uniformly_and_reports_both_counts()
    {
        await _api.CreateStreamAsync("s", 3);

        var output = await _api.OkAsync("UpdateShardCount", new { StreamName = "s", TargetShardCount = 5, ScalingType = "UNIFORM_SCALING" });

        Assert.Equal((3, 5, "s"), (output["CurrentShardCount"]!.GetValue<int>(), output["TargetShardCount"]!.GetValue<int>(), output["StreamName"]!.GetValue<string>()));
        Assert.Equal("arn:aws:kinesis:us-east-1:000000000000:stream/s", output["StreamARN"]!.GetValue<string>());
        var open = (await _api.OkAsync("ListShards", new { StreamName = "s", ShardFilter = new { Type = "AT_LATEST" } }))["Shards"]!.AsArray();
        Assert.Equal(
            HashKeyRanges.Split(5).Select(r => (r.Start.ToString(CultureInfo.InvariantCulture), r.End.ToString(CultureInfo.InvariantCulture))),
            open.Select(s => (s!["HashKeyRange"]!["StartingHashKey"]!.GetValue<string>(), s["HashKeyRange"]!["EndingHashKey"]!.GetValue<string>())).OrderBy(r => BigInteger.Parse(r.Item1, CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task UpdateShardCount_keeps_within_double_half_and_ten_calls_a_day()
    {
        await _api.CreateStreamAsync("s", 4);

        var up = await _api.ErrorAsync("UpdateShardCount", new { StreamName = "s", TargetShardCount = 9, ScalingType = "UNIFORM_SCALING" }, "LimitExceededException");
        Assert.Contains("Current open shard count: 4 Target shard count: 9", up.Message, StringComparison.Ordinal);
        await _api.ErrorAsync("UpdateShardCount", new { StreamName = "s", TargetShardCount = 1, ScalingType = "UNIFORM_SCALING" }, "LimitExceededException");
        await _api.ErrorAsync("UpdateShardCount", new { StreamName = "s", TargetShardCount = 4, ScalingType = "SOMETHING" }, "ValidationException");

        for (var i = 0; i < 10; i++)
        {
            await _api.OkAsync("UpdateShardCount", new { StreamName = "s", TargetShardCount = i % 2 == 0 ? 5 : 4, ScalingType = "UNIFORM_SCALING" });
            _api.Clock.Advance(TimeSpan.FromHours(1));
        }

        var tooMany = await _api.ErrorAsync("UpdateShardCount", new { StreamName = "s", TargetShardCount = 5, ScalingType = "UNIFORM_SCALING" }, "LimitExceededException");
        Assert.Contains("24-hour", tooMany.Message, StringComparison.Ordinal);
        _api.Clock.Advance(TimeSpan.FromHours(15));
        await _api.OkAsync("UpdateShardCount", new { StreamName = "s", TargetShardCount = 5, ScalingType = "UNIFORM_SCALING" });
    }

    [Fact]
    public async Task On_demand_streams_cannot_be_resharded_by_hand()
    {
        await _api.OkAsync("CreateStream", new { StreamName = "od", StreamModeDetails = new { StreamMode = "ON_DEMAND" } });

        await _api.ErrorAsync("SplitShard", new { StreamName = "od", ShardToSplit = "shardId-000000000000", NewStartingHashKey = "100" }, "ValidationException");
        await _api.ErrorAsync("UpdateShardCount", new { StreamName = "od", TargetShardCount = 5, ScalingType = "UNIFORM_SCALING" }, "ValidationException");
    }

    [Fact]
    public async Task While_UPDATING_the_old_shards_serve_and_other_changes_are_refused_then_the_new_shards_take_over()
    {
        var api = new ApiHarness(new KinesisOptions { TokenKey = new byte[32], UpdateStreamDelay = TimeSpan.FromSeconds(2) });
        await api.CreateStreamAsync("s");

        await api.OkAsync("SplitShard", new { StreamName = "s", ShardToSplit = "shardId-000000000000", NewStartingHashKey = Half.ToString(CultureInfo.InvariantCulture) });

        var summary = (await api.OkAsync("DescribeStreamSummary", new { StreamName = "s" }))["StreamDescriptionSummary"]!;
        Assert.Equal("UPDATING", summary["StreamStatus"]!.GetValue<string>());
        Assert.Single((await api.OkAsync("ListShards", new { StreamName = "s" }))["Shards"]!.AsArray());
        var during = await api.OkAsync("PutRecord", new { StreamName = "s", PartitionKey = "k", Data = "AA==" });
        Assert.Equal("shardId-000000000000", during["ShardId"]!.GetValue<string>());
        var refused = await api.ErrorAsync("MergeShards", new { StreamName = "s", ShardToMerge = "shardId-000000000000", AdjacentShardToMerge = "shardId-000000000001" }, "ResourceInUseException");
        Assert.Equal("Stream s under account 000000000000 not ACTIVE, instead in state UPDATING", refused.Message);

        api.Clock.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal("ACTIVE", (await api.OkAsync("DescribeStreamSummary", new { StreamName = "s" }))["StreamDescriptionSummary"]!["StreamStatus"]!.GetValue<string>());
        Assert.Equal(3, (await api.OkAsync("ListShards", new { StreamName = "s" }))["Shards"]!.AsArray().Count);
        var afterwards = await api.OkAsync("PutRecord", new { StreamName = "s", PartitionKey = "k", Data = "AA==" });
        Assert.NotEqual("shardId-000000000000", afterwards["ShardId"]!.GetValue<string>());
    }

    [Fact]
    public async Task ListShards_filters_see_closed_shards_by_time_and_drop_them_once_their_records_expired()
    {
        await _api.CreateStreamAsync("s");
        var created = _api.Clock.GetUtcNow();
        _api.Clock.Advance(TimeSpan.FromHours(1));
        await _api.OkAsync("SplitShard", new { StreamName = "s", ShardToSplit = "shardId-000000000000", NewStartingHashKey = Half.ToString(CultureInfo.InvariantCulture) });
        _api.Clock.Advance(TimeSpan.FromHours(1));

        Assert.Equal(["shardId-000000000001", "shardId-000000000002"], await FilteredAsync(new { Type = "AT_LATEST" }));
        Assert.Equal(["shardId-000000000000"], await FilteredAsync(new { Type = "AT_TRIM_HORIZON" }));
        Assert.Equal(["shardId-000000000000", "shardId-000000000001", "shardId-000000000002"], await FilteredAsync(new { Type = "FROM_TRIM_HORIZON" }));
        Assert.Equal(["shardId-000000000000"], await FilteredAsync(new { Type = "AT_TIMESTAMP", Timestamp = created.AddMinutes(30).ToUnixTimeMilliseconds() / 1000.0 }));
        Assert.Equal(["shardId-000000000001", "shardId-000000000002"], await FilteredAsync(new { Type = "FROM_TIMESTAMP", Timestamp = created.AddMinutes(90).ToUnixTimeMilliseconds() / 1000.0 }));
        Assert.Equal(["shardId-000000000002"], await FilteredAsync(new { Type = "AFTER_SHARD_ID", ShardId = "shardId-000000000001" }));

        // 24 hours after the split the parent's records have all expired: it is no longer listed.
        _api.Clock.Advance(TimeSpan.FromHours(23) + TimeSpan.FromSeconds(1));
        Assert.Equal(["shardId-000000000001", "shardId-000000000002"], await FilteredAsync(new { Type = "FROM_TRIM_HORIZON" }));
        Assert.Equal(["shardId-000000000001", "shardId-000000000002"], await FilteredAsync(new { Type = "AT_TRIM_HORIZON" }));
        Assert.Equal(2, (await _api.OkAsync("ListShards", new { StreamName = "s" }))["Shards"]!.AsArray().Count);
        var described = (await _api.OkAsync("DescribeStream", new { StreamName = "s" }))["StreamDescription"]!["Shards"]!.AsArray();
        Assert.Equal(["shardId-000000000001", "shardId-000000000002"], described.Select(s => Id(s!)));
    }

    [Fact]
    public async Task A_reader_following_lineage_through_split_merge_and_scaling_sees_every_record_once_in_order_per_key()
    {
        await _api.CreateStreamAsync("s", 2);
        var written = new Dictionary<string, int>();
        async Task WriteAsync(int count)
        {
            var records = Enumerable.Range(0, count).Select(i =>
            {
                var key = $"key-{i % 13}";
                var n = written.GetValueOrDefault(key);
                written[key] = n + 1;
                return new { PartitionKey = key, Data = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{key}:{n}")) };
            }).ToArray();
            var output = await _api.OkAsync("PutRecords", new { StreamName = "s", Records = records });
            Assert.Equal(0, output["FailedRecordCount"]!.GetValue<int>());
        }

        await WriteAsync(60);
        await _api.OkAsync("SplitShard", new { StreamName = "s", ShardToSplit = "shardId-000000000000", NewStartingHashKey = (UInt128.MaxValue / 4).ToString(CultureInfo.InvariantCulture) });
        await WriteAsync(60);
        await _api.OkAsync("MergeShards", new { StreamName = "s", ShardToMerge = "shardId-000000000003", AdjacentShardToMerge = "shardId-000000000001" });
        await WriteAsync(60);
        await _api.OkAsync("UpdateShardCount", new { StreamName = "s", TargetShardCount = 3, ScalingType = "UNIFORM_SCALING" });
        await WriteAsync(60);
        await _api.OkAsync("UpdateShardCount", new { StreamName = "s", TargetShardCount = 6, ScalingType = "UNIFORM_SCALING" });
        await WriteAsync(60);

        var read = await LineageReader.ReadAllAsync(_api, "s");

        var perKey = read.GroupBy(r => r.Split(':')[0]).ToDictionary(g => g.Key, g => g.Select(r => int.Parse(r.Split(':')[1], CultureInfo.InvariantCulture)).ToList());
        Assert.Equal(written.Keys.Order(), perKey.Keys.Order());
        foreach (var (key, count) in written)
        {
            Assert.Equal(Enumerable.Range(0, count), perKey[key]);
        }
    }

    [Fact]
    public async Task A_write_placed_on_a_shard_that_a_split_closes_meanwhile_lands_in_a_child()
    {
        RacingStore? store = null;
        var api = new ApiHarness(store: clock => store = new RacingStore(new Storage.Memory.MemoryStreamStore(clock)));
        await api.CreateStreamAsync("s");
        store!.BeforeShardLog = () => api.OkAsync("SplitShard", new { StreamName = "s", ShardToSplit = "shardId-000000000000", NewStartingHashKey = Half.ToString(CultureInfo.InvariantCulture) }).GetAwaiter().GetResult();

        var single = await api.OkAsync("PutRecord", new { StreamName = "s", PartitionKey = "k", Data = "AA==" });
        Assert.NotEqual("shardId-000000000000", single["ShardId"]!.GetValue<string>());

        store.BeforeShardLog = () => api.OkAsync("UpdateShardCount", new { StreamName = "s", TargetShardCount = 4, ScalingType = "UNIFORM_SCALING" }).GetAwaiter().GetResult();
        var batch = await api.OkAsync("PutRecords", new { StreamName = "s", Records = Enumerable.Range(0, 20).Select(i => new { PartitionKey = $"p{i}", Data = "AA==" }).ToArray() });
        Assert.Equal(0, batch["FailedRecordCount"]!.GetValue<int>());
        var open = (await api.OkAsync("ListShards", new { StreamName = "s", ShardFilter = new { Type = "AT_LATEST" } }))["Shards"]!.AsArray().Select(s => Id(s!)).ToHashSet();
        Assert.All(batch["Records"]!.AsArray(), r => Assert.Contains(r!["ShardId"]!.GetValue<string>(), open));
        Assert.Equal(20 + 1, (await LineageReader.ReadAllAsync(api, "s")).Count);
    }

    private async Task<List<string>> FilteredAsync(object filter) =>
        [.. (await _api.OkAsync("ListShards", new { StreamName = "s", ShardFilter = filter }))["Shards"]!.AsArray().Select(s => Id(s!))];

    private async Task<List<JsonNode>> ShardsAsync(string stream) => [.. (await _api.OkAsync("ListShards", new { StreamName = stream }))["Shards"]!.AsArray().Select(s => s!)];

    private async Task<string> PutAsync(string stream, string key, string data) =>
        (await _api.OkAsync("PutRecord", new { StreamName = stream, PartitionKey = key, Data = Convert.ToBase64String(Encoding.UTF8.GetBytes(data)) }))["ShardId"]!.GetValue<string>();

    private async Task<string> IteratorAsync(string stream, string shardId) =>
        (await _api.OkAsync("GetShardIterator", new { StreamName = stream, ShardId = shardId, ShardIteratorType = "TRIM_HORIZON" }))["ShardIterator"]!.GetValue<string>();

    private static List<string> Payloads(JsonObject page) =>
        [.. page["Records"]!.AsArray().Select(r => Encoding.UTF8.GetString(Convert.FromBase64String(r!["Data"]!.GetValue<string>())))];

    private static string Id(JsonNode shard) => shard["ShardId"]!.GetValue<string>();

    private static (string, string, string?) Range(JsonNode shard) =>
        (shard["HashKeyRange"]!["StartingHashKey"]!.GetValue<string>(), shard["HashKeyRange"]!["EndingHashKey"]!.GetValue<string>(), shard["ParentShardId"]?.GetValue<string>());
}
