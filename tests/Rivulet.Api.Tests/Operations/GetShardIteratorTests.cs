using Rivulet.Api.Records;

namespace Rivulet.Api.Tests.Operations;

public sealed class GetShardIteratorTests
{
    private const string Shard0 = "shardId-000000000000";
    private readonly ApiHarness _api = new();

    [Fact]
    public async Task Each_iterator_type_starts_where_AWS_says()
    {
        await _api.CreateStreamAsync("s");
        var sequenceNumbers = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var put = await _api.OkAsync("PutRecord", new { StreamName = "s", PartitionKey = $"k{i}", Data = "AA==" });
            sequenceNumbers.Add(put["SequenceNumber"]!.GetValue<string>());
            _api.Clock.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(["k0", "k1", "k2", "k3", "k4"], await KeysAsync(new { StreamName = "s", ShardId = Shard0, ShardIteratorType = "TRIM_HORIZON" }));
        Assert.Equal(["k2", "k3", "k4"], await KeysAsync(new { StreamName = "s", ShardId = Shard0, ShardIteratorType = "AT_SEQUENCE_NUMBER", StartingSequenceNumber = sequenceNumbers[2] }));
        Assert.Equal(["k3", "k4"], await KeysAsync(new { StreamName = "s", ShardId = Shard0, ShardIteratorType = "AFTER_SEQUENCE_NUMBER", StartingSequenceNumber = sequenceNumbers[2] }));
        var secondArrival = (_api.Clock.NowMs - 4_000) / 1000.0;
        Assert.Equal(["k1", "k2", "k3", "k4"], await KeysAsync(new { StreamName = "s", ShardId = Shard0, ShardIteratorType = "AT_TIMESTAMP", Timestamp = secondArrival }));
        Assert.Empty(await KeysAsync(new { StreamName = "s", ShardId = Shard0, ShardIteratorType = "LATEST" }));
    }

    [Fact]
    public async Task A_LATEST_iterator_sees_records_written_after_it()
    {
        await _api.CreateStreamAsync("s");
        await _api.OkAsync("PutRecord", new { StreamName = "s", PartitionKey = "before", Data = "AA==" });
        var iterator = await IteratorAsync(new { StreamName = "s", ShardId = Shard0, ShardIteratorType = "LATEST" });

        await _api.OkAsync("PutRecord", new { StreamName = "s", PartitionKey = "after", Data = "AA==" });
        var output = await _api.OkAsync("GetRecords", new { ShardIterator = iterator });

        Assert.Equal(["after"], output["Records"]!.AsArray().Select(r => r!["PartitionKey"]!.GetValue<string>()));
    }

    [Theory]
    [InlineData("AT_SEQUENCE_NUMBER", "Request specified AT_SEQUENCE_NUMBER and no StartingSequenceNumber.")]
    [InlineData("AFTER_SEQUENCE_NUMBER", "Request specified AFTER_SEQUENCE_NUMBER and no StartingSequenceNumber.")]
    public async Task Sequence_number_types_need_a_sequence_number(string type, string ending)
    {
        await _api.CreateStreamAsync("s");

        var reply = await _api.ErrorAsync("GetShardIterator", new { StreamName = "s", ShardId = Shard0, ShardIteratorType = type }, "InvalidArgumentException");

        Assert.Equal("Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. " + ending, reply.Message);
    }

    [Fact]
    public async Task TRIM_HORIZON_with_a_sequence_number_is_rejected()
    {
        await _api.CreateStreamAsync("s");
        var put = await _api.OkAsync("PutRecord", new { StreamName = "s", PartitionKey = "k", Data = "AA==" });

        var reply = await _api.ErrorAsync("GetShardIterator", new { StreamName = "s", ShardId = Shard0, ShardIteratorType = "TRIM_HORIZON", StartingSequenceNumber = put["SequenceNumber"]!.GetValue<string>() }, "InvalidArgumentException");

        Assert.EndsWith("Request specified TRIM_HORIZON and also a StartingSequenceNumber.", reply.Message);
    }

    [Fact]
    public async Task AT_TIMESTAMP_needs_a_timestamp()
    {
        await _api.CreateStreamAsync("s");

        var reply = await _api.ErrorAsync("GetShardIterator", new { StreamName = "s", ShardId = Shard0, ShardIteratorType = "AT_TIMESTAMP" }, "InvalidArgumentException");

        Assert.Equal("Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP. Current request has no timestamp parameter.", reply.Message);
    }

    [Fact]
    public async Task AT_TIMESTAMP_in_the_future_is_rejected_with_both_times()
    {
        await _api.CreateStreamAsync("s");
        var future = _api.Clock.NowMs + 3_600_000;

        var reply = await _api.ErrorAsync("GetShardIterator", new { StreamName = "s", ShardId = Shard0, ShardIteratorType = "AT_TIMESTAMP", Timestamp = future / 1000.0 }, "InvalidArgumentException");

        Assert.Equal($"The timestampInMillis parameter cannot be greater than the currentTimestampInMillis. timestampInMillis: {future}, currentTimestampInMillis: {_api.Clock.NowMs}", reply.Message);
    }

    [Fact]
    public async Task A_sequence_number_of_another_shard_is_rejected()
    {
        await _api.CreateStreamAsync("s", 2);
        var put = await _api.OkAsync("PutRecord", new { StreamName = "s", PartitionKey = "k", Data = "AA==", ExplicitHashKey = "0" });

        var reply = await _api.ErrorAsync("GetShardIterator", new { StreamName = "s", ShardId = "shardId-000000000001", ShardIteratorType = "AT_SEQUENCE_NUMBER", StartingSequenceNumber = put["SequenceNumber"]!.GetValue<string>() }, "InvalidArgumentException");

        Assert.Equal("Invalid StartingSequenceNumber. It encodes shardId-000000000000, while it was used in a call to a shard with shardId-000000000001", reply.Message);
    }

    [Fact]
    public async Task A_malformed_sequence_number_is_rejected_with_AWS_wording()
    {
        await _api.CreateStreamAsync("s");

        var reply = await _api.ErrorAsync("GetShardIterator", new { StreamName = "s", ShardId = Shard0, ShardIteratorType = "AT_SEQUENCE_NUMBER", StartingSequenceNumber = "12345" }, "InvalidArgumentException");

        Assert.Equal("StartingSequenceNumber 12345 used in GetShardIterator on shard shardId-000000000000 in stream s under account 000000000000 is invalid.", reply.Message);
    }

    [Fact]
    public async Task Unknown_shards_are_not_found_with_AWS_wording()
    {
        await _api.CreateStreamAsync("s");

        var missing = await _api.ErrorAsync("GetShardIterator", new { StreamName = "s", ShardId = "shardId-7", ShardIteratorType = "LATEST" }, "ResourceNotFoundException");
        var garbled = await _api.ErrorAsync("GetShardIterator", new { StreamName = "s", ShardId = "shardId-x", ShardIteratorType = "LATEST" }, "ResourceNotFoundException");

        Assert.Equal("Shard shardId-000000000007 in stream s under account 000000000000 does not exist", missing.Message);
        Assert.Equal("Could not find shard shardId-x in stream s under account 000000000000.", garbled.Message);
    }

    [Fact]
    public async Task An_unknown_iterator_type_lists_AWS_enum_values()
    {
        var reply = await _api.ErrorAsync("GetShardIterator", new { StreamName = "s", ShardId = Shard0, ShardIteratorType = "OLDEST" }, "ValidationException");

        Assert.Equal("1 validation error detected: Value at 'shardIteratorType' failed to satisfy constraint: Member must satisfy enum value set: [AFTER_SEQUENCE_NUMBER, LATEST, AT_TIMESTAMP, AT_SEQUENCE_NUMBER, TRIM_HORIZON].", reply.Message);
    }

    [Theory]
    [InlineData("AFTER_SEQUENCE_NUMBER")]
    [InlineData("AT_SEQUENCE_NUMBER")]
    public async Task A_sequence_number_at_the_greatest_position_reads_nothing_rather_than_the_shard_from_its_start(string type)
    {
        // The greatest position is the form of a closed shard's EndingSequenceNumber: a consumer
        // checkpointed there must not replay the shard.
        await _api.CreateStreamAsync("s");
        var put = await _api.OkAsync("PutRecord", new { StreamName = "s", PartitionKey = "k0", Data = "AA==" });
        await _api.OkAsync("PutRecord", new { StreamName = "s", PartitionKey = "k1", Data = "AA==" });
        Assert.True(SequenceNumber.TryParse(put["SequenceNumber"]!.GetValue<string>(), out var written));
        var last = (written with { Position = SequenceNumber.MaxPosition }).ToString();

        var output = await _api.OkAsync("GetRecords", new { ShardIterator = await IteratorAsync(new { StreamName = "s", ShardId = Shard0, ShardIteratorType = type, StartingSequenceNumber = last }) });

        Assert.Empty(output["Records"]!.AsArray());
        Assert.Equal(0, output["MillisBehindLatest"]!.GetValue<long>());
        Assert.NotNull(output["NextShardIterator"]);
    }

    private async Task<string> IteratorAsync(object request) =>
        (await _api.OkAsync("GetShardIterator", request))["ShardIterator"]!.GetValue<string>();

    private async Task<List<string>> KeysAsync(object request)
    {
        var output = await _api.OkAsync("GetRecords", new { ShardIterator = await IteratorAsync(request) });
        return output["Records"]!.AsArray().Select(r => r!["PartitionKey"]!.GetValue<string>()).ToList();
    }
}
