using System.Numerics;

namespace Rivulet.Api.Tests.Operations;

public sealed class PutRecordsTests
{
    private readonly ApiHarness _api = new();

    [Fact]
    public async Task Every_entry_is_answered_in_request_order_with_no_failures()
    {
        await _api.CreateStreamAsync("s", 10);
        var records = Enumerable.Range(0, 500).Select(i => new { Data = Convert.ToBase64String(BitConverter.GetBytes(i)), PartitionKey = $"pk-{i}" }).ToArray();

        var output = await _api.OkAsync("PutRecords", new { StreamName = "s", Records = records });

        Assert.Equal(0, output["FailedRecordCount"]!.GetValue<int>());
        var results = output["Records"]!.AsArray();
        Assert.Equal(500, results.Count);
        var read = await ReadAllAsync("s", 10);
        for (var i = 0; i < 500; i++)
        {
            var shardId = results[i]!["ShardId"]!.GetValue<string>();
            var sequenceNumber = results[i]!["SequenceNumber"]!.GetValue<string>();
            Assert.Equal($"pk-{i}", read[(shardId, sequenceNumber)]);
        }
    }

    [Fact]
    public async Task Sequence_numbers_within_a_shard_follow_request_order()
    {
        await _api.CreateStreamAsync("s", 1);
        var records = Enumerable.Range(0, 100).Select(i => new { Data = "AA==", PartitionKey = $"pk-{i}" }).ToArray();

        var output = await _api.OkAsync("PutRecords", new { StreamName = "s", Records = records });

        var numbers = output["Records"]!.AsArray().Select(r => BigInteger.Parse(r!["SequenceNumber"]!.GetValue<string>())).ToList();
        Assert.Equal(numbers.Order(), numbers);
        Assert.Equal(numbers.Count, numbers.Distinct().Count());
    }

    [Fact]
    public async Task More_than_500_entries_is_a_validation_error()
    {
        var records = Enumerable.Range(0, 501).Select(i => new { Data = "AA==", PartitionKey = "k" }).ToArray();

        var reply = await _api.ErrorAsync("PutRecords", new { StreamName = "s", Records = records }, "ValidationException");

        Assert.Equal("1 validation error detected: Value at 'records' failed to satisfy constraint: Member must have length less than or equal to 500.", reply.Message);
    }

    [Fact]
    public async Task No_entries_is_a_validation_error()
    {
        var reply = await _api.ErrorAsync("PutRecords", new { StreamName = "s", Records = Array.Empty<object>() }, "ValidationException");

        Assert.Equal("1 validation error detected: Value at 'records' failed to satisfy constraint: Member must have length greater than or equal to 1.", reply.Message);
    }

    [Fact]
    public async Task An_oversized_entry_fails_the_whole_request_naming_its_position()
    {
        await _api.CreateStreamAsync("s");
        var records = new[]
        {
            new { Data = "AA==", PartitionKey = "k" },
            new { Data = Convert.ToBase64String(new byte[1024 * 1024]), PartitionKey = "k" },
        };

        var reply = await _api.ErrorAsync("PutRecords", new { StreamName = "s", Records = records }, "ValidationException");

        Assert.Equal("1 validation error detected: Value at 'records.2.member.data' failed to satisfy constraint: Member must have length less than or equal to 1048576.", reply.Message);
        Assert.Empty(await ReadAllAsync("s", 1));
    }

    [Fact]
    public async Task A_request_over_10_MiB_in_total_is_rejected()
    {
        await _api.CreateStreamAsync("s");
        var chunk = Convert.ToBase64String(new byte[1000 * 1024]);
        var records = Enumerable.Range(0, 11).Select(i => new { Data = chunk, PartitionKey = "k" }).ToArray();

        var reply = await _api.ErrorAsync("PutRecords", new { StreamName = "s", Records = records }, "InvalidArgumentException");

        Assert.Equal("Records size exceeds 10 MB limit", reply.Message);
    }

    [Fact]
    public async Task Missing_members_are_reported_with_their_list_position()
    {
        var reply = await _api.ErrorAsync("PutRecords", new { StreamName = "s", Records = new object[] { new { Data = "AA==" }, new { PartitionKey = "k" } } }, "ValidationException");
        Assert.Equal("1 validation error detected: Value at 'records.2.member.data' failed to satisfy constraint: Member must not be null.", reply.Message);

        await _api.CreateStreamAsync("s");
        reply = await _api.ErrorAsync("PutRecords", new { StreamName = "s", Records = new object[] { new { Data = "AA==" }, new { PartitionKey = "k", Data = "AA==" }, new { Data = "AA==" } } }, "ValidationException");
        Assert.Equal(
            "2 validation errors detected: Value at 'records.1.member.partitionKey' failed to satisfy constraint: Member must not be null; "
            + "Value at 'records.3.member.partitionKey' failed to satisfy constraint: Member must not be null.",
            reply.Message);
    }

    private async Task<Dictionary<(string ShardId, string SequenceNumber), string>> ReadAllAsync(string stream, int shards)
    {
        var found = new Dictionary<(string, string), string>();
        for (var shard = 0; shard < shards; shard++)
        {
            var shardId = $"shardId-{shard:D12}";
            var iterator = (await _api.OkAsync("GetShardIterator", new { StreamName = stream, ShardId = shardId, ShardIteratorType = "TRIM_HORIZON" }))["ShardIterator"]!.GetValue<string>();
            var output = await _api.OkAsync("GetRecords", new { ShardIterator = iterator });
            foreach (var record in output["Records"]!.AsArray())
            {
                found[(shardId, record!["SequenceNumber"]!.GetValue<string>())] = record["PartitionKey"]!.GetValue<string>();
            }
        }

        return found;
    }
}
