namespace Rivulet.Api.Tests.Operations;

/// <summary>
/// AWS looks the stream up before it looks at anything else about it: every operation on a stream
/// that does not exist, with otherwise valid input, answers AWS's not-found text and nothing else.
/// </summary>
public sealed class MissingStreamTests
{
    private const string Arn = "arn:aws:kinesis:us-east-1:000000000000:stream/nope";
    private const string NotFound = "Stream nope under account 000000000000 not found.";

    public static TheoryData<string, string> Calls => new()
    {
        { "DescribeStream", """{"StreamName":"nope"}""" },
        { "DescribeStreamSummary", """{"StreamARN":"arn:aws:kinesis:us-east-1:000000000000:stream/nope"}""" },
        { "DeleteStream", """{"StreamName":"nope"}""" },
        { "ListShards", """{"StreamName":"nope"}""" },
        { "ListTagsForStream", """{"StreamName":"nope"}""" },
        { "PutRecord", """{"StreamName":"nope","PartitionKey":"k","Data":"AA=="}""" },
        { "PutRecords", """{"StreamName":"nope","Records":[{"PartitionKey":"k","Data":"AA=="}]}""" },
        { "GetShardIterator", """{"StreamName":"nope","ShardId":"shardId-000000000000","ShardIteratorType":"TRIM_HORIZON"}""" },
        { "IncreaseStreamRetentionPeriod", """{"StreamName":"nope","RetentionPeriodHours":48}""" },
        { "DecreaseStreamRetentionPeriod", """{"StreamName":"nope","RetentionPeriodHours":24}""" },
        { "SplitShard", """{"StreamName":"nope","ShardToSplit":"shardId-000000000000","NewStartingHashKey":"100"}""" },
        { "MergeShards", """{"StreamName":"nope","ShardToMerge":"shardId-000000000000","AdjacentShardToMerge":"shardId-000000000001"}""" },
        { "UpdateShardCount", """{"StreamName":"nope","TargetShardCount":2,"ScalingType":"UNIFORM_SCALING"}""" },
        { "AddTagsToStream", """{"StreamName":"nope","Tags":{"a":"b"}}""" },
        { "RemoveTagsFromStream", """{"StreamName":"nope","TagKeys":["a"]}""" },
        { "StartStreamEncryption", """{"StreamName":"nope","EncryptionType":"KMS","KeyId":"alias/aws/kinesis"}""" },
        { "StopStreamEncryption", """{"StreamName":"nope","EncryptionType":"KMS","KeyId":"alias/aws/kinesis"}""" },
        { "EnableEnhancedMonitoring", """{"StreamName":"nope","ShardLevelMetrics":["ALL"]}""" },
        { "DisableEnhancedMonitoring", """{"StreamName":"nope","ShardLevelMetrics":["ALL"]}""" },
        { "UpdateStreamMode", $$$"""{"StreamARN":"{{{Arn}}}","StreamModeDetails":{"StreamMode":"ON_DEMAND"}}""" },
        { "UpdateMaxRecordSize", $$$"""{"StreamARN":"{{{Arn}}}","MaxRecordSizeInKiB":2048}""" },
        { "UpdateStreamRecordDistributionStrategy", $$$"""{"StreamARN":"{{{Arn}}}","RecordDistributionStrategy":"AUTO"}""" },
    };

    [Theory]
    [MemberData(nameof(Calls))]
    public async Task An_operation_on_a_missing_stream_is_not_found_first(string operation, string body)
    {
        var api = new ApiHarness();
        await api.CreateStreamAsync("other");

        var reply = await api.SendAsync(operation, body);

        Assert.True(reply.Type == "ResourceNotFoundException" && reply.Message == NotFound, $"{operation}: {reply.Status} {reply.Body}");
    }
}
