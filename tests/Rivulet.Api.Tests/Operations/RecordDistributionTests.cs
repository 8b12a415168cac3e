using System.Text.Json.Nodes;
using Rivulet.Storage.Local;

namespace Rivulet.Api.Tests.Operations;

/// <summary>UpdateStreamRecordDistributionStrategy, CreateStream's RecordDistributionStrategy, and how AUTO places writes.</summary>
public sealed class RecordDistributionTests : IDisposable
{
    private const string Arn = "arn:aws:kinesis:us-east-1:000000000000:stream/s";

    private readonly ApiHarness _api = new();
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "rivulet-distribution-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task Only_on_demand_streams_show_a_strategy_and_it_defaults_to_USER_PARTITION_KEY()
    {
        await _api.OkAsync("CreateStream", new { StreamName = "s", StreamModeDetails = new { StreamMode = "ON_DEMAND" } });
        await _api.CreateStreamAsync("p");

        Assert.Equal("USER_PARTITION_KEY", (await SummaryAsync("s"))["RecordDistributionStrategy"]!.GetValue<string>());
        Assert.False((await SummaryAsync("p")).ContainsKey("RecordDistributionStrategy"));
    }

    [Fact]
    public async Task An_on_demand_stream_switches_strategy_at_once()
    {
        var api = new ApiHarness(new KinesisOptions { TokenKey = new byte[32], UpdateStreamDelay = TimeSpan.FromSeconds(5) });
        await api.OkAsync("CreateStream", new { StreamName = "s", StreamModeDetails = new { StreamMode = "ON_DEMAND" } });

        await api.OkAsync("UpdateStreamRecordDistributionStrategy", new { StreamARN = Arn, RecordDistributionStrategy = "AUTO" });

        var summary = (await api.OkAsync("DescribeStreamSummary", new { StreamName = "s" }))["StreamDescriptionSummary"]!;
        Assert.Equal(("ACTIVE", "AUTO"), (summary["StreamStatus"]!.GetValue<string>(), summary["RecordDistributionStrategy"]!.GetValue<string>()));
        await api.OkAsync("PutRecord", new { StreamName = "s", Data = "AA==" });
        await api.OkAsync("UpdateStreamRecordDistributionStrategy", new { StreamARN = Arn, RecordDistributionStrategy = "USER_PARTITION_KEY" });
        await api.ErrorAsync("PutRecord", new { StreamName = "s", Data = "AA==" }, "ValidationException");
    }

    [Fact]
    public async Task A_provisioned_stream_takes_no_strategy()
    {
        await _api.CreateStreamAsync("s");

        var update = await _api.ErrorAsync("UpdateStreamRecordDistributionStrategy", new { StreamARN = Arn, RecordDistributionStrategy = "AUTO" }, "InvalidArgumentException");
        var create = await _api.ErrorAsync("CreateStream", new { StreamName = "p", ShardCount = 1, RecordDistributionStrategy = "AUTO" }, "InvalidArgumentException");

        Assert.Equal("RecordDistributionStrategy is only supported for streams in ON_DEMAND mode. Stream s under account 000000000000 is in PROVISIONED mode.", update.Message);
        Assert.Equal("RecordDistributionStrategy AUTO is only supported for streams in ON_DEMAND mode.", create.Message);
        await _api.ErrorAsync("DescribeStream", new { StreamName = "p" }, "ResourceNotFoundException");
    }

    [Fact]
    public async Task The_request_needs_an_ARN_a_known_strategy_and_an_existing_stream()
    {
        await _api.ErrorAsync("UpdateStreamRecordDistributionStrategy", new { RecordDistributionStrategy = "AUTO" }, "ValidationException");
        var unknown = await _api.ErrorAsync("UpdateStreamRecordDistributionStrategy", new { StreamARN = Arn, RecordDistributionStrategy = "RANDOM" }, "ValidationException");
        var missing = await _api.ErrorAsync("UpdateStreamRecordDistributionStrategy", new { StreamARN = Arn, RecordDistributionStrategy = "AUTO" }, "ResourceNotFoundException");

        Assert.Equal("1 validation error detected: Value at 'recordDistributionStrategy' failed to satisfy constraint: Member must satisfy enum value set: [AUTO, USER_PARTITION_KEY].", unknown.Message);
        Assert.Equal("Stream s under account 000000000000 not found.", missing.Message);
    }

    [Fact]
    public async Task AUTO_spreads_a_batch_evenly_whatever_its_keys()
    {
        await CreateAutoStreamAsync(_api);
        var records = Enumerable.Range(0, 40).Select(i => new { PartitionKey = "same", ExplicitHashKey = "0", Data = "AA==" }).ToArray();

        var output = await _api.OkAsync("PutRecords", new { StreamName = "s", Records = records });

        var perShard = output["Records"]!.AsArray().GroupBy(r => r!["ShardId"]!.GetValue<string>()).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(4, perShard.Count);
        Assert.All(perShard.Values, count => Assert.Equal(10, count));
    }

    [Fact]
    public async Task AUTO_spreads_single_writes_evenly_and_ignores_a_bad_ExplicitHashKey()
    {
        await CreateAutoStreamAsync(_api);

        var shards = new List<string>();
        for (var i = 0; i < 8; i++)
        {
            var put = await _api.OkAsync("PutRecord", new { StreamName = "s", PartitionKey = "same", ExplicitHashKey = "340282366920938463463374607431768211456", Data = "AA==" });
            shards.Add(put["ShardId"]!.GetValue<string>());
        }

        Assert.All(shards.GroupBy(id => id), group => Assert.Equal(2, group.Count()));
        Assert.Equal(4, shards.Distinct().Count());
    }

    [Fact]
    public async Task AUTO_takes_records_without_a_partition_key_and_reads_them_back_without_one()
    {
        await CreateAutoStreamAsync(_api, shards: 1);

        await _api.OkAsync("PutRecord", new { StreamName = "s", Data = "AQ==" });
        await _api.OkAsync("PutRecords", new { StreamName = "s", Records = new object[] { new { Data = "Ag==" }, new { PartitionKey = "kept", Data = "Aw==" } } });

        var records = await ReadAsync(_api);
        Assert.Equal(3, records.Count);
        Assert.False(records[0]!.AsObject().ContainsKey("PartitionKey"));
        Assert.False(records[1]!.AsObject().ContainsKey("PartitionKey"));
        Assert.Equal("kept", records[2]!["PartitionKey"]!.GetValue<string>());
    }

    [Fact]
    public async Task USER_PARTITION_KEY_still_requires_a_partition_key()
    {
        await _api.OkAsync("CreateStream", new { StreamName = "s", StreamModeDetails = new { StreamMode = "ON_DEMAND" }, RecordDistributionStrategy = "USER_PARTITION_KEY" });

        var single = await _api.ErrorAsync("PutRecord", new { StreamName = "s", Data = "AA==" }, "ValidationException");
        var batch = await _api.ErrorAsync("PutRecords", new { StreamName = "s", Records = new object[] { new { PartitionKey = "k", Data = "AA==" }, new { Data = "AA==" } } }, "ValidationException");

        Assert.Equal("1 validation error detected: Value at 'partitionKey' failed to satisfy constraint: Member must not be null.", single.Message);
        Assert.Equal("1 validation error detected: Value at 'records.2.member.partitionKey' failed to satisfy constraint: Member must not be null.", batch.Message);
    }

    [Fact]
    public async Task Records_without_a_key_and_the_strategy_survive_a_restart_of_the_durable_store()
    {
        var clock = new TestClock(DateTimeOffset.FromUnixTimeMilliseconds(1_763_700_000_000));
        await using (var store = await LocalStreamStore.OpenAsync(new LocalStoreOptions { DataDirectory = _dataDirectory, TimeProvider = clock }))
        {
            var api = new ApiHarness(store: _ => store);
            await CreateAutoStreamAsync(api, shards: 1);
            await api.OkAsync("PutRecords", new { StreamName = "s", Records = new object[] { new { Data = "AQ==" }, new { PartitionKey = "k", Data = "Ag==" } } });
        }

        await using (var store = await LocalStreamStore.OpenAsync(new LocalStoreOptions { DataDirectory = _dataDirectory, TimeProvider = clock }))
        {
            var api = new ApiHarness(store: _ => store);
            Assert.Equal("AUTO", (await api.OkAsync("DescribeStreamSummary", new { StreamName = "s" }))["StreamDescriptionSummary"]!["RecordDistributionStrategy"]!.GetValue<string>());
            var records = await ReadAsync(api);
            Assert.Equal(("AQ==", false), (records[0]!["Data"]!.GetValue<string>(), records[0]!.AsObject().ContainsKey("PartitionKey")));
            Assert.Equal(("Ag==", "k"), (records[1]!["Data"]!.GetValue<string>(), records[1]!["PartitionKey"]!.GetValue<string>()));
        }
    }

    private static async Task CreateAutoStreamAsync(ApiHarness api, int shards = 4)
    {
        await api.OkAsync("CreateStream", new { StreamName = "s", ShardCount = shards, StreamModeDetails = new { StreamMode = "ON_DEMAND" }, RecordDistributionStrategy = "AUTO" });
    }

    private static async Task<JsonArray> ReadAsync(ApiHarness api)
    {
        var iterator = (await api.OkAsync("GetShardIterator", new { StreamName = "s", ShardId = "shardId-000000000000", ShardIteratorType = "TRIM_HORIZON" }))["ShardIterator"]!.GetValue<string>();
        return (await api.OkAsync("GetRecords", new { ShardIterator = iterator }))["Records"]!.AsArray();
    }

    private async Task<JsonObject> SummaryAsync(string name) =>
        (await _api.OkAsync("DescribeStreamSummary", new { StreamName = name }))["StreamDescriptionSummary"]!.AsObject();
}
