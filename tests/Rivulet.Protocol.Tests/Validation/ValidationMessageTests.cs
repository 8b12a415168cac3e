using Rivulet.Protocol.Model;
using Rivulet.Protocol.Validation;
using static Rivulet.Protocol.Tests.Wire;

namespace Rivulet.Protocol.Tests.Validation;

// The constraint checks of wire reference §3.3, as the full ValidationException message.
public sealed class ValidationMessageTests
{
    [Fact]
    public void An_empty_PutRecord_lacks_its_data_and_the_model_no_longer_requires_a_partition_key()
    {
        Assert.Equal(
            "1 validation error detected: Value at 'data' failed to satisfy constraint: Member must not be null.",
            ValidationMessage<PutRecordInput>("{}"));
    }

    [Fact]
    public void A_valid_PutRecord_has_no_violations()
    {
        Assert.Null(ValidationMessage<PutRecordInput>("""{"StreamName":"my-stream_1.0","PartitionKey":"a","Data":"","ExplicitHashKey":"340282366920938463463374607431768211455"}"""));
    }

    [Fact]
    public void PutRecord_members_are_checked_in_the_order_AWS_reports_them()
    {
        var message = ValidationMessage<PutRecordInput>("""{"StreamName":"","SequenceNumberForOrdering":"x","ExplicitHashKey":"x","PartitionKey":""}""");

        Assert.Equal(
            "5 validation errors detected: "
            + @"Value at 'sequenceNumberForOrdering' failed to satisfy constraint: Member must satisfy regular expression pattern: ^(0|([1-9]\d{0,128}))$; "
            + "Value at 'partitionKey' failed to satisfy constraint: Member must have length greater than or equal to 1; "
            + @"Value at 'explicitHashKey' failed to satisfy constraint: Member must satisfy regular expression pattern: ^(0|([1-9]\d{0,38}))$; "
            + "Value at 'data' failed to satisfy constraint: Member must not be null; "
            + "Value at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+.",
            message);
    }

    [Theory]
    [InlineData("bad name!")]
    [InlineData("")]
    [InlineData("name\n")]
    public void A_stream_name_outside_the_pattern_reports_the_pattern_once(string name)
    {
        Assert.Equal(
            "1 validation error detected: Value at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+.",
            ValidationMessage(new DescribeStreamSummaryInput { StreamName = name }));
    }

    [Fact]
    public void A_stream_name_longer_than_128_reports_the_length()
    {
        Assert.Equal(
            "1 validation error detected: Value at 'streamName' failed to satisfy constraint: Member must have length less than or equal to 128.",
            ValidationMessage(new DescribeStreamSummaryInput { StreamName = new string('a', 129) }));
    }

    [Theory]
    [InlineData("0", true)]
    [InlineData("340282366920938463463374607431768211455", true)]
    [InlineData("999999999999999999999999999999999999999", true)]
    [InlineData("1000000000000000000000000000000000000000", false)]
    [InlineData("01", false)]
    [InlineData("-1", false)]
    [InlineData("1.0", false)]
    [InlineData("12\n", false)]
    [InlineData("١٢", false)]
    public void An_explicit_hash_key_must_be_up_to_39_ascii_digits(string hashKey, bool valid)
    {
        var message = ValidationMessage(new PutRecordInput { PartitionKey = "a", Data = [], ExplicitHashKey = hashKey });

        Assert.Equal(
            valid ? null : @"1 validation error detected: Value at 'explicitHashKey' failed to satisfy constraint: Member must satisfy regular expression pattern: ^(0|([1-9]\d{0,38}))$.",
            message);
    }

    [Fact]
    public void A_shard_iterator_type_outside_the_enum_lists_values_in_AWS_order()
    {
        Assert.Equal(
            "1 validation error detected: Value at 'shardIteratorType' failed to satisfy constraint: "
            + "Member must satisfy enum value set: [AFTER_SEQUENCE_NUMBER, LATEST, AT_TIMESTAMP, AT_SEQUENCE_NUMBER, TRIM_HORIZON].",
            ValidationMessage<GetShardIteratorInput>("""{"ShardId":"shardId-000000000000","ShardIteratorType":"latest","StreamName":"s"}"""));
    }

    [Fact]
    public void GetShardIterator_and_ListShards_members_are_checked_in_the_order_AWS_reports_them()
    {
        Assert.Equal(
            "3 validation errors detected: Value at 'shardId' failed to satisfy constraint: Member must not be null; "
            + "Value at 'shardIteratorType' failed to satisfy constraint: Member must not be null; "
            + "Value at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+.",
            ValidationMessage<GetShardIteratorInput>("""{"StreamName":"!"}"""));
        Assert.Equal(
            "4 validation errors detected: Value at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1; "
            + "Value at 'exclusiveStartShardId' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; "
            + "Value at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; "
            + "Value at 'nextToken' failed to satisfy constraint: Member must have length greater than or equal to 1.",
            ValidationMessage<ListShardsInput>("""{"NextToken":"","StreamName":"","ExclusiveStartShardId":"","MaxResults":0}"""));
    }

    [Fact]
    public void PutRecords_with_501_entries_is_one_too_many()
    {
        var input = new PutRecordsInput
        {
            StreamName = "s",
            Records = [.. Enumerable.Range(0, 501).Select(_ => new PutRecordsRequestEntry { PartitionKey = "a", Data = [] })],
        };

        Assert.Equal(
            "1 validation error detected: Value at 'records' failed to satisfy constraint: Member must have length less than or equal to 500.",
            ValidationMessage(input));
        input.Records.RemoveAt(0);
        Assert.Null(ValidationMessage(input));
    }

    [Fact]
    public void Validating_a_valid_PutRecords_of_500_entries_allocates_nothing()
    {
        var input = new PutRecordsInput
        {
            StreamName = "s",
            Records = [.. Enumerable.Range(0, 500).Select(i => new PutRecordsRequestEntry { PartitionKey = "a", Data = [1], ExplicitHashKey = $"{i}" })],
        };
        var errors = new ValidationErrors();
        input.Validate(errors, "");

        var before = GC.GetAllocatedBytesForCurrentThread();
        input.Validate(errors, "");

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
        Assert.False(errors.HasErrors);
    }

    [Fact]
    public void PutRecords_with_no_entries_is_too_few()
    {
        Assert.Equal(
            "1 validation error detected: Value at 'records' failed to satisfy constraint: Member must have length greater than or equal to 1.",
            ValidationMessage<PutRecordsInput>("""{"StreamName":"s","Records":[]}"""));
    }

    [Fact]
    public void List_items_are_reported_by_their_one_based_member_path()
    {
        var message = ValidationMessage<PutRecordsInput>("""
            {"StreamName":"s","Records":[
              {"PartitionKey":"a","Data":""},
              {"PartitionKey":"","Data":"","ExplicitHashKey":"-1"},
              {"PartitionKey":"a"}]}
            """);

        Assert.Equal(
            "3 validation errors detected: "
            + @"Value at 'records.2.member.explicitHashKey' failed to satisfy constraint: Member must satisfy regular expression pattern: ^(0|([1-9]\d{0,38}))$; "
            + "Value at 'records.2.member.partitionKey' failed to satisfy constraint: Member must have length greater than or equal to 1; "
            + "Value at 'records.3.member.data' failed to satisfy constraint: Member must not be null.",
            message);
    }

    [Fact]
    public void At_most_ten_violations_are_listed_and_counted()
    {
        var input = new PutRecordsInput
        {
            StreamName = "s",
            Records = [.. Enumerable.Range(0, 501).Select(_ => new PutRecordsRequestEntry { PartitionKey = "", Data = [] })],
        };
        var errors = new ValidationErrors();

        input.Validate(errors, "");
        var message = errors.ToMessage();

        Assert.Equal(502, errors.Count);
        Assert.StartsWith(
            "10 validation errors detected: Value at 'records' failed to satisfy constraint: Member must have length less than or equal to 500; "
            + "Value at 'records.1.member.partitionKey' failed to satisfy constraint: Member must have length greater than or equal to 1; ",
            message);
        Assert.EndsWith("Value at 'records.9.member.partitionKey' failed to satisfy constraint: Member must have length greater than or equal to 1.", message);
        Assert.Equal(10, message.Split("; ").Length);
    }

    [Fact]
    public void A_blob_is_measured_in_bytes_against_the_model_limit()
    {
        var input = new PutRecordInput { PartitionKey = "a", Data = new byte[10 * 1024 * 1024 + 1] };

        Assert.Equal(
            "1 validation error detected: Value at 'data' failed to satisfy constraint: Member must have length less than or equal to 10485760.",
            ValidationMessage(input));
    }

    [Fact]
    public void A_partition_key_is_measured_in_utf16_code_units()
    {
        Assert.Null(ValidationMessage(new PutRecordInput { PartitionKey = string.Concat(Enumerable.Repeat("😀", 128)), Data = [] }));
        Assert.Equal(
            "1 validation error detected: Value at 'partitionKey' failed to satisfy constraint: Member must have length less than or equal to 256.",
            ValidationMessage(new PutRecordInput { PartitionKey = string.Concat(Enumerable.Repeat("é", 257)), Data = [] }));
    }

    [Fact]
    public void Nested_structures_are_reported_under_their_member_path()
    {
        Assert.Equal(
            "1 validation error detected: Value at 'streamModeDetails.streamMode' failed to satisfy constraint: Member must not be null.",
            ValidationMessage<CreateStreamInput>("""{"StreamName":"s","StreamModeDetails":{}}"""));
        Assert.Equal(
            "1 validation error detected: Value at 'startingPosition.type' failed to satisfy constraint: "
            + "Member must satisfy enum value set: [AFTER_SEQUENCE_NUMBER, LATEST, AT_TIMESTAMP, AT_SEQUENCE_NUMBER, TRIM_HORIZON].",
            ValidationMessage<SubscribeToShardInput>(
                """{"ConsumerARN":"arn:aws:kinesis:us-east-1:123456789012:stream/s/consumer/c:1","ShardId":"shardId-0","StartingPosition":{"Type":"OLDEST"}}"""));
    }

    [Theory]
    [InlineData(0, "Member must have value greater than or equal to 1024")]
    [InlineData(10241, "Member must have value less than or equal to 10240")]
    [InlineData(1e20, "Member must have value less than or equal to 10240")]
    public void Integers_outside_their_range_report_the_broken_bound(double value, string constraint)
    {
        var message = ValidationMessage<UpdateMaxRecordSizeInput>($$"""{"StreamARN":"arn:aws:kinesis:us-east-1:123456789012:stream/s","MaxRecordSizeInKiB":{{value:R}}}""");

        Assert.Equal($"1 validation error detected: Value at 'maxRecordSizeInKiB' failed to satisfy constraint: {constraint}.", message);
    }

    [Fact]
    public void Tag_keys_and_values_are_reported_once_at_the_map_path()
    {
        var message = ValidationMessage(new AddTagsToStreamInput
        {
            StreamName = "s",
            Tags = new() { [""] = "v", ["k"] = new string('v', 257), [new string('k', 129)] = "v" },
        });

        Assert.Equal(
            "2 validation errors detected: Value at 'tags' failed to satisfy constraint: "
            + "Map keys must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1]; "
            + "Value at 'tags' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal to 256].",
            message);
    }

    [Fact]
    public void String_list_items_are_reported_once_at_the_list_path()
    {
        Assert.Equal(
            "1 validation error detected: Value at 'tagKeys' failed to satisfy constraint: "
            + "Member must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1].",
            ValidationMessage(new RemoveTagsFromStreamInput { StreamName = "s", TagKeys = ["ok", "", new string('k', 129)] }));
        Assert.Equal(
            "1 validation error detected: Value at 'shardLevelMetrics' failed to satisfy constraint: "
            + "Member must satisfy constraint: [Member must satisfy enum value set: [IncomingBytes, IncomingRecords, OutgoingBytes, OutgoingRecords, "
            + "WriteProvisionedThroughputExceeded, ReadProvisionedThroughputExceeded, IteratorAgeMilliseconds, ALL]].",
            ValidationMessage(new EnableEnhancedMonitoringInput { StreamName = "s", ShardLevelMetrics = ["ALL", "Everything"] }));
    }

    [Fact]
    public void A_nested_prefix_applies_to_every_path()
    {
        var errors = new ValidationErrors();

        new StreamModeDetails().Validate(errors, "outer.");

        Assert.Equal("outer.streamMode", Assert.Single(errors.Items).Path);
    }
}
