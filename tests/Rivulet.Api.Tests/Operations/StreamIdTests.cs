namespace Rivulet.Api.Tests.Operations;

/// <summary>
/// StreamId is accepted and checked on input but never sent back: the SDKs' endpoint rules route a
/// request that carries a StreamId to AWS's own endpoints, whatever endpoint the user configured.
/// </summary>
public sealed class StreamIdTests
{
    private const string StreamId = "abcdefghij0123456789-abc";
    private readonly ApiHarness _api = new();

    [Fact]
    public async Task Requests_with_a_StreamId_work_and_no_answer_carries_one()
    {
        await _api.CreateStreamAsync("s", 2);
        var put = await _api.OkAsync("PutRecord", new { StreamName = "s", StreamId, PartitionKey = "k", Data = "AA==" });
        var iterator = await _api.OkAsync("GetShardIterator", new { StreamName = "s", StreamId, ShardId = put["ShardId"]!.GetValue<string>(), ShardIteratorType = "TRIM_HORIZON" });
        var answers = new[]
        {
            put,
            iterator,
            await _api.OkAsync("GetRecords", new { ShardIterator = iterator["ShardIterator"]!.GetValue<string>(), StreamId }),
            await _api.OkAsync("PutRecords", new { StreamName = "s", StreamId, Records = new[] { new { PartitionKey = "k", Data = "AA==" } } }),
            await _api.OkAsync("DescribeStream", new { StreamName = "s", StreamId }),
            await _api.OkAsync("DescribeStreamSummary", new { StreamName = "s", StreamId }),
            await _api.OkAsync("ListShards", new { StreamName = "s", StreamId }),
            await _api.OkAsync("ListStreams", new { }),
            await _api.OkAsync("ListTagsForStream", new { StreamName = "s", StreamId }),
            await _api.OkAsync("UpdateShardCount", new { StreamName = "s", StreamId, TargetShardCount = 3, ScalingType = "UNIFORM_SCALING" }),
        };

        Assert.All(answers, answer => Assert.DoesNotContain("StreamId", answer.ToJsonString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_StreamId_that_breaks_the_model_pattern_is_a_ValidationException()
    {
        await _api.CreateStreamAsync("s");

        var reply = await _api.ErrorAsync("DescribeStreamSummary", new { StreamName = "s", StreamId = "NOT-AN-ID" }, "ValidationException");

        Assert.Contains("streamId", reply.Message, StringComparison.Ordinal);
    }
}
