using System.Numerics;
using System.Security.Cryptography;
using System.Text;

namespace Rivulet.Api.Tests.Operations;

public sealed class PutRecordTests
{
    private readonly ApiHarness _api = new();

    [Fact]
    public async Task A_record_lands_on_the_shard_whose_range_holds_the_MD5_of_its_key()
    {
        await _api.CreateStreamAsync("s", 4);

        foreach (var key in new[] { "a", "partitionkey1", "partitionkey2", "zz-top", "😀" })
        {
            var output = await _api.OkAsync("PutRecord", new { StreamName = "s", PartitionKey = key, Data = "AAEC" });
            var hash = new BigInteger(MD5.HashData(Encoding.UTF8.GetBytes(key)), isUnsigned: true, isBigEndian: true);
            var expectedShard = (int)(hash / (BigInteger.One << 126));
            Assert.Equal($"shardId-{expectedShard:D12}", output["ShardId"]!.GetValue<string>());
            Assert.Equal("NONE", output["EncryptionType"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task ExplicitHashKey_overrides_the_partition_key()
    {
        await _api.CreateStreamAsync("s", 4);

        var output = await _api.OkAsync("PutRecord", new { StreamName = "s", PartitionKey = "a", Data = "AA==", ExplicitHashKey = "340282366920938463463374607431768211455" });

        Assert.Equal("shardId-000000000003", output["ShardId"]!.GetValue<string>());
    }

    [Fact]
    public async Task ExplicitHashKey_beyond_the_128_bit_range_is_an_invalid_argument()
    {
        await _api.CreateStreamAsync("s");

        var reply = await _api.ErrorAsync("PutRecord", new { StreamName = "s", PartitionKey = "a", Data = "AA==", ExplicitHashKey = "340282366920938463463374607431768211456" }, "InvalidArgumentException");

        Assert.Equal("Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was 340282366920938463463374607431768211456", reply.Message);
    }

    [Fact]
    public async Task Sequence_numbers_strictly_increase_within_a_shard()
    {
        await _api.CreateStreamAsync("s");
        BigInteger previous = -1;
        for (var i = 0; i < 50; i++)
        {
            var output = await _api.OkAsync("PutRecord", new { StreamName = "s", PartitionKey = $"k{i}", Data = "AA==" });
            var current = BigInteger.Parse(output["SequenceNumber"]!.GetValue<string>());
            Assert.True(current > previous);
            previous = current;
        }
    }

    [Fact]
    public async Task A_record_over_the_stream_maximum_is_a_validation_error_on_data()
    {
        await _api.CreateStreamAsync("s");
        var data = Convert.ToBase64String(new byte[1024 * 1024]);

        var reply = await _api.ErrorAsync("PutRecord", new { StreamName = "s", PartitionKey = "k", Data = data }, "ValidationException");

        Assert.Equal("1 validation error detected: Value at 'data' failed to satisfy constraint: Member must have length less than or equal to 1048576.", reply.Message);
    }

    [Fact]
    public async Task A_stream_with_a_larger_maximum_takes_larger_records()
    {
        await _api.OkAsync("CreateStream", new { StreamName = "big", ShardCount = 1, MaxRecordSizeInKiB = 2048 });
        var data = Convert.ToBase64String(new byte[1536 * 1024]);

        await _api.OkAsync("PutRecord", new { StreamName = "big", PartitionKey = "k", Data = data });
    }

    [Fact]
    public async Task A_valid_SequenceNumberForOrdering_is_accepted_and_garbage_is_rejected()
    {
        await _api.CreateStreamAsync("s");
        var first = await _api.OkAsync("PutRecord", new { StreamName = "s", PartitionKey = "k", Data = "AA==" });
        var sequenceNumber = first["SequenceNumber"]!.GetValue<string>();

        var second = await _api.OkAsync("PutRecord", new { StreamName = "s", PartitionKey = "k", Data = "AA==", SequenceNumberForOrdering = sequenceNumber });
        var bad = await _api.ErrorAsync("PutRecord", new { StreamName = "s", PartitionKey = "k", Data = "AA==", SequenceNumberForOrdering = "12345" }, "InvalidArgumentException");

        Assert.True(BigInteger.Parse(second["SequenceNumber"]!.GetValue<string>()) > BigInteger.Parse(sequenceNumber));
        Assert.Equal("ExclusiveMinimumSequenceNumber 12345 used in PutRecord on stream s under account 000000000000 is invalid.", bad.Message);
    }

    [Fact]
    public async Task An_unknown_stream_is_not_found()
    {
        var reply = await _api.ErrorAsync("PutRecord", new { StreamName = "nope", PartitionKey = "k", Data = "AA==" }, "ResourceNotFoundException");

        Assert.Equal("Stream nope under account 000000000000 not found.", reply.Message);
    }

    [Fact]
    public async Task A_stream_ARN_addresses_the_stream_and_a_disagreeing_name_is_rejected()
    {
        await _api.CreateStreamAsync("s");
        const string arn = "arn:aws:kinesis:us-east-1:000000000000:stream/s";

        await _api.OkAsync("PutRecord", new { StreamARN = arn, PartitionKey = "k", Data = "AA==" });
        await _api.OkAsync("PutRecord", new { StreamName = "s", StreamARN = arn, PartitionKey = "k", Data = "AA==" });
        await _api.ErrorAsync("PutRecord", new { StreamName = "other", StreamARN = arn, PartitionKey = "k", Data = "AA==" }, "InvalidArgumentException");
    }

    [Fact]
    public async Task Missing_data_is_reported_before_the_stream_is_looked_up()
    {
        var reply = await _api.ErrorAsync("PutRecord", new { StreamName = "s" }, "ValidationException");

        Assert.Equal("1 validation error detected: Value at 'data' failed to satisfy constraint: Member must not be null.", reply.Message);
    }

    [Fact]
    public async Task A_stream_placed_by_partition_key_still_requires_one()
    {
        await _api.ErrorAsync("PutRecord", new { StreamName = "s", Data = "AA==" }, "ResourceNotFoundException");
        await _api.CreateStreamAsync("s");

        var reply = await _api.ErrorAsync("PutRecord", new { StreamName = "s", Data = "AA==" }, "ValidationException");

        Assert.Equal("1 validation error detected: Value at 'partitionKey' failed to satisfy constraint: Member must not be null.", reply.Message);
    }

    [Fact]
    public async Task A_partition_key_longer_than_256_characters_is_rejected()
    {
        var reply = await _api.ErrorAsync("PutRecord", new { StreamName = "s", PartitionKey = new string('k', 257), Data = "AA==" }, "ValidationException");

        Assert.Equal("1 validation error detected: Value at 'partitionKey' failed to satisfy constraint: Member must have length less than or equal to 256.", reply.Message);
    }

    [Fact]
    public async Task Neither_name_nor_ARN_is_an_invalid_argument()
    {
        await _api.ErrorAsync("PutRecord", new { PartitionKey = "k", Data = "AA==" }, "InvalidArgumentException");
    }

    [Fact]
    public async Task A_creating_stream_takes_no_records()
    {
        var api = new ApiHarness(new KinesisOptions { TokenKey = new byte[32], CreateStreamDelay = TimeSpan.FromSeconds(1), DeleteStreamDelay = TimeSpan.FromSeconds(1) });
        await api.CreateStreamAsync("slow");

        await api.ErrorAsync("PutRecord", new { StreamName = "slow", PartitionKey = "k", Data = "AA==" }, "ResourceNotFoundException");
        api.Clock.Advance(TimeSpan.FromSeconds(1));
        await api.OkAsync("PutRecord", new { StreamName = "slow", PartitionKey = "k", Data = "AA==" });
    }
}
