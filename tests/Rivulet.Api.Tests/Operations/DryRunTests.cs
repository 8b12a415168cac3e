using System.Text.Json.Nodes;

namespace Rivulet.Api.Tests.Operations;

/// <summary>DryRun runs every check of the data-plane operations, writes and reads nothing, and answers DryRunOperationException when all pass.</summary>
public sealed class DryRunTests
{
    private const string DryRunMessage = "The request was rejected because the DryRun parameter was specified.";
    private readonly ApiHarness _api = new();

    [Fact]
    public async Task A_dry_run_PutRecord_that_would_succeed_writes_nothing()
    {
        await _api.CreateStreamAsync("s");

        var reply = await _api.ErrorAsync("PutRecord", new { StreamName = "s", PartitionKey = "k", Data = "AA==", DryRun = true }, "DryRunOperationException");

        Assert.Equal(400, reply.Status);
        Assert.Equal(DryRunMessage, reply.Message);
        Assert.Empty(await ReadAllAsync("s"));
        await _api.OkAsync("PutRecord", new { StreamName = "s", PartitionKey = "k", Data = "AA==", DryRun = false });
        Assert.Single(await ReadAllAsync("s"));
    }

    [Fact]
    public async Task A_dry_run_PutRecord_still_fails_every_check_it_would_fail()
    {
        await _api.ErrorAsync("PutRecord", new { StreamName = "missing", PartitionKey = "k", Data = "AA==", DryRun = true }, "ResourceNotFoundException");
        await _api.ErrorAsync("PutRecord", new { StreamName = "s", PartitionKey = "", Data = "AA==", DryRun = true }, "ValidationException");
        await _api.CreateStreamAsync("s");
        await _api.ErrorAsync("PutRecord", new { StreamName = "s", Data = "AA==", DryRun = true }, "ValidationException");
        await _api.ErrorAsync("PutRecord", new { StreamName = "s", PartitionKey = "k", Data = "AA==", ExplicitHashKey = "340282366920938463463374607431768211456", DryRun = true }, "InvalidArgumentException");
        await _api.ErrorAsync("PutRecord", new { StreamName = "s", PartitionKey = "k", Data = Convert.ToBase64String(new byte[1024 * 1024]), DryRun = true }, "ValidationException");
    }

    [Fact]
    public async Task A_dry_run_PutRecords_writes_no_entry_and_fails_on_a_bad_one()
    {
        await _api.CreateStreamAsync("s", shards: 2);
        var records = Enumerable.Range(0, 10).Select(i => new { PartitionKey = $"k{i}", Data = "AA==" }).ToArray();

        Assert.Equal(DryRunMessage, (await _api.ErrorAsync("PutRecords", new { StreamName = "s", Records = records, DryRun = true }, "DryRunOperationException")).Message);
        Assert.Empty(await ReadAllAsync("s", shards: 2));

        var withBadKey = records.Select(r => new { r.PartitionKey, r.Data, ExplicitHashKey = "340282366920938463463374607431768211456" }).ToArray();
        await _api.ErrorAsync("PutRecords", new { StreamName = "s", Records = withBadKey, DryRun = true }, "InvalidArgumentException");
    }

    [Fact]
    public async Task A_dry_run_GetShardIterator_checks_the_shard_and_position_and_gives_no_iterator()
    {
        await _api.CreateStreamAsync("s");

        await _api.ErrorAsync("GetShardIterator", new { StreamName = "s", ShardId = "shardId-000000000009", ShardIteratorType = "TRIM_HORIZON", DryRun = true }, "ResourceNotFoundException");
        await _api.ErrorAsync("GetShardIterator", new { StreamName = "s", ShardId = "shardId-000000000000", ShardIteratorType = "AT_SEQUENCE_NUMBER", DryRun = true }, "InvalidArgumentException");
        var reply = await _api.ErrorAsync("GetShardIterator", new { StreamName = "s", ShardId = "shardId-000000000000", ShardIteratorType = "TRIM_HORIZON", DryRun = true }, "DryRunOperationException");
        Assert.Null(reply.Json!["ShardIterator"]);
    }

    [Fact]
    public async Task A_dry_run_GetRecords_checks_the_iterator_and_returns_no_records()
    {
        await _api.CreateStreamAsync("s");
        await _api.OkAsync("PutRecord", new { StreamName = "s", PartitionKey = "k", Data = "AA==" });
        var iterator = (await _api.OkAsync("GetShardIterator", new { StreamName = "s", ShardId = "shardId-000000000000", ShardIteratorType = "TRIM_HORIZON" }))["ShardIterator"]!.GetValue<string>();

        await _api.ErrorAsync("GetRecords", new { ShardIterator = "bm90LWFuLWl0ZXJhdG9y", DryRun = true }, "InvalidArgumentException");
        var reply = await _api.ErrorAsync("GetRecords", new { ShardIterator = iterator, DryRun = true }, "DryRunOperationException");
        Assert.Null(reply.Json!["Records"]);

        _api.Clock.Advance(TimeSpan.FromMinutes(6));
        await _api.ErrorAsync("GetRecords", new { ShardIterator = iterator, DryRun = true }, "ExpiredIteratorException");
    }

    private async Task<List<JsonNode>> ReadAllAsync(string stream, int shards = 1)
    {
        var all = new List<JsonNode>();
        for (var shard = 0; shard < shards; shard++)
        {
            var iterator = (await _api.OkAsync("GetShardIterator", new { StreamName = stream, ShardId = $"shardId-{shard:D12}", ShardIteratorType = "TRIM_HORIZON" }))["ShardIterator"]!.GetValue<string>();
            all.AddRange((await _api.OkAsync("GetRecords", new { ShardIterator = iterator }))["Records"]!.AsArray().Select(r => r!));
        }

        return all;
    }
}
