namespace Rivulet.Api.Tests.Operations;

/// <summary>
/// Another account's stream, named by its ARN, is reached only as the stream's resource policy
/// allows; otherwise AccessDenied, whether or not the stream exists.
/// </summary>
public sealed class CrossAccountTests
{
    private const string Stranger = "111122223333";
    private const string StrangerAuthorization = "AWS4-HMAC-SHA256 Credential=111122223333/20251121/us-east-1/kinesis/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    private static readonly string Arn = $"arn:aws:kinesis:us-east-1:{ApiHarness.Account}:stream/shared";

    private readonly ApiHarness _api = new();

    private Task<ApiHarness.Reply> AsStrangerAsync(string operation, object body) => _api.CallAsync(operation, body, StrangerAuthorization);

    private static void AssertDenied(ApiHarness.Reply reply, string operation, string arn)
    {
        Assert.Equal((400, "AccessDeniedException"), (reply.Status, reply.Type));
        Assert.Equal($"User: arn:aws:iam::{Stranger}:root is not authorized to perform: kinesis:{operation} on resource: {arn} because no resource-based policy allows the kinesis:{operation} action", reply.Message);
    }

    [Fact]
    public async Task Without_a_policy_a_stranger_is_denied_alike_for_a_stream_that_exists_and_one_that_does_not()
    {
        await _api.CreateStreamAsync("shared");

        foreach (var (operation, body) in new (string, object)[]
        {
            ("DescribeStreamSummary", new { StreamARN = Arn }),
            ("PutRecord", new { StreamARN = Arn, PartitionKey = "k", Data = "AQID" }),
            ("ListShards", new { StreamARN = Arn }),
            ("DeleteStream", new { StreamARN = Arn }),
            ("SplitShard", new { StreamARN = Arn, ShardToSplit = "shardId-000000000000", NewStartingHashKey = "1000" }),
        })
        {
            AssertDenied(await AsStrangerAsync(operation, body), operation, Arn);
        }

        var missing = Arn.Replace("shared", "never-made", StringComparison.Ordinal);
        AssertDenied(await AsStrangerAsync("DescribeStreamSummary", new { StreamARN = missing }), "DescribeStreamSummary", missing);

        // The owner's stream is untouched, and a name alone means the stranger's own account.
        Assert.Equal("ACTIVE", (await _api.OkAsync("DescribeStreamSummary", new { StreamName = "shared" }))["StreamDescriptionSummary"]!["StreamStatus"]!.GetValue<string>());
        var own = await AsStrangerAsync("DescribeStreamSummary", new { StreamName = "shared" });
        Assert.Equal($"Stream shared under account {Stranger} not found.", own.Message);
    }

    [Fact]
    public async Task A_policy_lets_the_stranger_do_what_it_allows_and_nothing_else()
    {
        await _api.CreateStreamAsync("shared");
        var policy = $$"""
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::{{Stranger}}:root"},"Action":["kinesis:PutRecord","kinesis:DescribeStreamSummary","kinesis:Get*"],"Resource":"{{Arn}}"},
              {"Effect":"Deny","Principal":"*","Action":"kinesis:GetRecords","Resource":"{{Arn}}"}]}
            """;
        await _api.OkAsync("PutResourcePolicy", new { ResourceARN = Arn, Policy = policy });

        var put = await AsStrangerAsync("PutRecord", new { StreamARN = Arn, PartitionKey = "k", Data = "AQID" });
        Assert.Equal(200, put.Status);
        Assert.Equal(200, (await AsStrangerAsync("DescribeStreamSummary", new { StreamARN = Arn })).Status);
        var iterator = await AsStrangerAsync("GetShardIterator", new { StreamARN = Arn, ShardId = "shardId-000000000000", ShardIteratorType = "TRIM_HORIZON" });
        Assert.Equal(200, iterator.Status);

        // Deny wins over Allow; what no statement allows stays denied.
        AssertDenied(await AsStrangerAsync("GetRecords", new { ShardIterator = iterator.Json!["ShardIterator"]!.GetValue<string>() }), "GetRecords", Arn);
        AssertDenied(await AsStrangerAsync("DeleteStream", new { StreamARN = Arn }), "DeleteStream", Arn);

        // The record the stranger wrote is in the owner's stream.
        var ownerIterator = await _api.OkAsync("GetShardIterator", new { StreamName = "shared", ShardId = "shardId-000000000000", ShardIteratorType = "TRIM_HORIZON" });
        var records = await _api.OkAsync("GetRecords", new { ShardIterator = ownerIterator["ShardIterator"]!.GetValue<string>() });
        Assert.Equal(put.Json!["SequenceNumber"]!.GetValue<string>(), records["Records"]![0]!["SequenceNumber"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_consumer_s_policy_lets_the_stranger_describe_it_and_subscribe_by_its_ARN_and_nothing_more()
    {
        await _api.CreateStreamAsync("shared");
        var consumerArn = (await _api.OkAsync("RegisterStreamConsumer", new { StreamARN = Arn, ConsumerName = "partner" }))["Consumer"]!["ConsumerARN"]!.GetValue<string>();
        var subscribe = new { ConsumerARN = consumerArn, ShardId = "shardId-000000000000", StartingPosition = new { Type = "LATEST" }, DryRun = true };
        AssertDenied(await AsStrangerAsync("DescribeStreamConsumer", new { ConsumerARN = consumerArn }), "DescribeStreamConsumer", consumerArn);
        AssertDenied(await AsStrangerAsync("SubscribeToShard", subscribe), "SubscribeToShard", consumerArn);

        var policy = $$"""
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Principal":{"AWS":"{{Stranger}}"},"Action":["kinesis:DescribeStreamConsumer","kinesis:SubscribeToShard"],"Resource":"{{consumerArn}}"}]}
            """;
        await _api.OkAsync("PutResourcePolicy", new { ResourceARN = consumerArn, Policy = policy });

        Assert.Equal("ACTIVE", (await AsStrangerAsync("DescribeStreamConsumer", new { ConsumerARN = consumerArn })).Json!["ConsumerDescription"]!["ConsumerStatus"]!.GetValue<string>());
        Assert.Equal("DryRunOperationException", (await AsStrangerAsync("SubscribeToShard", subscribe)).Type);

        // The consumer's policy covers the consumer, by its ARN, and not its stream.
        AssertDenied(await AsStrangerAsync("DescribeStreamConsumer", new { StreamARN = Arn, ConsumerName = "partner" }), "DescribeStreamConsumer", Arn);
        AssertDenied(await AsStrangerAsync("DescribeStreamSummary", new { StreamARN = Arn }), "DescribeStreamSummary", Arn);
        AssertDenied(await AsStrangerAsync("DeregisterStreamConsumer", new { ConsumerARN = consumerArn }), "DeregisterStreamConsumer", consumerArn);
    }

    [Theory]
    [InlineData("""{"Effect":"Allow","Principal":"*","Action":"kinesis:*"}""", true)]
    [InlineData("""{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"kinesis:describestreamsummary"}""", true)]
    [InlineData("""{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::999999999999:root","arn:aws:iam::111122223333:root"]},"Action":"*","Resource":"arn:aws:kinesis:*:000000000000:stream/sha*"}""", true)]
    [InlineData("""{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/reader"},"Action":"kinesis:*"}""", false)]
    [InlineData("""{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999999999999:root"},"Action":"kinesis:*"}""", false)]
    [InlineData("""{"Effect":"Allow","Principal":"*","Action":"kinesis:*","Condition":{"StringEquals":{"aws:SourceVpc":"vpc-1"}}}""", false)]
    [InlineData("""{"Effect":"Allow","Principal":"*","Action":"kinesis:*","Resource":"arn:aws:kinesis:us-east-1:000000000000:stream/other"}""", false)]
    [InlineData("""{"Effect":"Allow","Principal":"*","NotAction":"kinesis:DescribeStreamSummary"}""", false)]
    public async Task Principals_actions_resources_and_conditions_are_read_as_IAM_reads_them(string statement, bool allowed)
    {
        await _api.CreateStreamAsync("shared");
        await _api.OkAsync("PutResourcePolicy", new { ResourceARN = Arn, Policy = $$"""{"Version":"2012-10-17","Statement":[{{statement}}]}""" });

        var reply = await AsStrangerAsync("DescribeStreamSummary", new { StreamARN = Arn });

        Assert.Equal(allowed ? 200 : 400, reply.Status);
    }
}
