using static Rivulet.Api.Tests.Operations.ResourceSetup;

namespace Rivulet.Api.Tests.Operations;

/// <summary>PutResourcePolicy, GetResourcePolicy and DeleteResourcePolicy on streams, consumers and channels.</summary>
public sealed class ResourcePolicyTests
{
    private readonly ApiHarness _api = new();

    private static string Policy(string arn, string action = "kinesis:GetRecords") =>
        $$"""{"Version":"2012-10-17","Statement":[{"Sid":"read","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":["kinesis:DescribeStreamSummary","{{action}}"],"Resource":"{{arn}}"}]}""";

    private async Task<string> GetPolicyAsync(string arn) =>
        (await _api.OkAsync("GetResourcePolicy", new { ResourceARN = arn }))["Policy"]!.GetValue<string>();

    [Fact]
    public async Task A_resource_without_a_policy_answers_an_empty_JSON_object()
    {
        await _api.CreateStreamAsync("s");

        Assert.Equal("{}", await GetPolicyAsync(StreamArn("s")));
    }

    [Fact]
    public async Task A_policy_is_kept_verbatim_replaced_by_the_next_and_deleted()
    {
        await _api.CreateStreamAsync("s");
        var spaced = "{\n  \"Statement\" : {\"Effect\":\"Allow\", \"Principal\":\"*\", \"Action\":\"kinesis:PutRecord\"}\n}";

        await _api.OkAsync("PutResourcePolicy", new { ResourceARN = StreamArn("s"), Policy = spaced });
        Assert.Equal(spaced, await GetPolicyAsync(StreamArn("s")));
        await _api.OkAsync("PutResourcePolicy", new { ResourceARN = StreamArn("s"), Policy = Policy(StreamArn("s")) });
        Assert.Equal(Policy(StreamArn("s")), await GetPolicyAsync(StreamArn("s")));

        var reply = await _api.CallAsync("DeleteResourcePolicy", new { ResourceARN = StreamArn("s") });
        Assert.Equal((200, ""), (reply.Status, reply.Body));
        Assert.Equal("{}", await GetPolicyAsync(StreamArn("s")));
        Assert.Null((await _api.Store.GetStreamAsync(new Storage.StreamKey(ApiHarness.Account, ApiHarness.Region, "s"), default))!.ResourcePolicy);
    }

    [Fact]
    public async Task Deleting_a_policy_that_is_not_there_is_not_found()
    {
        await _api.CreateStreamAsync("s");

        var reply = await _api.ErrorAsync("DeleteResourcePolicy", new { ResourceARN = StreamArn("s") }, "ResourceNotFoundException");

        Assert.Equal($"No resource policy is attached to {StreamArn("s")}.", reply.Message);
    }

    [Fact]
    public async Task A_missing_stream_is_not_found()
    {
        var put = await _api.ErrorAsync("PutResourcePolicy", new { ResourceARN = StreamArn("nope"), Policy = Policy(StreamArn("nope")) }, "ResourceNotFoundException");
        await _api.ErrorAsync("GetResourcePolicy", new { ResourceARN = StreamArn("nope") }, "ResourceNotFoundException");
        await _api.ErrorAsync("DeleteResourcePolicy", new { ResourceARN = StreamArn("nope") }, "ResourceNotFoundException");

        Assert.Equal("Stream nope under account 000000000000 not found.", put.Message);
    }

    [Theory]
    [InlineData("", "Invalid resource policy: the policy is not valid JSON.")]
    [InlineData("{\"Statement\":[", "Invalid resource policy: the policy is not valid JSON.")]
    [InlineData("[]", "Invalid resource policy: the policy must be a JSON object.")]
    [InlineData("{}", "Invalid resource policy: the policy has no Statement.")]
    [InlineData("{\"Statement\":[]}", "Invalid resource policy: Statement must be a statement or a non-empty list of statements.")]
    [InlineData("{\"Version\":\"2020-01-01\",\"Statement\":{}}", "Invalid resource policy: Version must be \"2012-10-17\" or \"2008-10-17\".")]
    [InlineData("{\"Statement\":[\"x\"]}", "Invalid resource policy: each statement must be a JSON object.")]
    [InlineData("{\"Statement\":{\"Effect\":\"Maybe\",\"Principal\":\"*\",\"Action\":\"kinesis:PutRecord\"}}", "Invalid resource policy: each statement needs an Effect of \"Allow\" or \"Deny\".")]
    [InlineData("{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"kinesis:PutRecord\"}}", "Invalid resource policy: each statement needs a Principal or NotPrincipal.")]
    [InlineData("{\"Statement\":{\"Effect\":\"Allow\",\"Principal\":{},\"Action\":\"kinesis:PutRecord\"}}", "Invalid resource policy: each statement needs a Principal or NotPrincipal.")]
    [InlineData("{\"Statement\":{\"Effect\":\"Allow\",\"Principal\":\"*\"}}", "Invalid resource policy: each statement needs an Action or NotAction.")]
    [InlineData("{\"Statement\":{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":[]}}", "Invalid resource policy: Action must be an action or a non-empty list of actions.")]
    [InlineData("{\"Statement\":{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":[\"kinesis:PutRecord\", 3]}}", "Invalid resource policy: actions must be strings.")]
    [InlineData("{\"Statement\":{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\"}}", "Invalid resource policy: the action s3:GetObject is not a Kinesis action (kinesis:<operation>).")]
    public async Task A_document_that_is_not_a_resource_policy_is_an_invalid_argument(string policy, string message)
    {
        await _api.CreateStreamAsync("s");

        var reply = await _api.ErrorAsync("PutResourcePolicy", new { ResourceARN = StreamArn("s"), Policy = policy }, "InvalidArgumentException");

        Assert.Equal(message, reply.Message);
        Assert.Equal("{}", await GetPolicyAsync(StreamArn("s")));
    }

    [Theory]
    [InlineData("{\"Version\":\"2008-10-17\",\"Statement\":{\"Effect\":\"Deny\",\"NotPrincipal\":{\"AWS\":\"111122223333\"},\"NotAction\":\"kinesis:Describe*\"}}")]
    [InlineData("{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":[\"111122223333\",\"444455556666\"]},\"Action\":\"*\"},{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"KINESIS:*\",\"Condition\":{}}]}")]
    public async Task Documents_in_the_IAM_grammar_are_accepted(string policy)
    {
        await _api.CreateStreamAsync("s");

        await _api.OkAsync("PutResourcePolicy", new { ResourceARN = StreamArn("s"), Policy = policy });

        Assert.Equal(policy, await GetPolicyAsync(StreamArn("s")));
    }

    [Fact]
    public async Task A_policy_may_be_at_most_20_KiB()
    {
        await _api.CreateStreamAsync("s");
        var head = "{\"Statement\":{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"kinesis:PutRecord\",\"Sid\":\"";
        var tail = "\"}}";
        var largest = head + new string('a', (20 * 1024) - head.Length - tail.Length) + tail;

        await _api.OkAsync("PutResourcePolicy", new { ResourceARN = StreamArn("s"), Policy = largest });
        var reply = await _api.ErrorAsync("PutResourcePolicy", new { ResourceARN = StreamArn("s"), Policy = largest.Replace("\"a", "\"ü", StringComparison.Ordinal) }, "InvalidArgumentException");

        Assert.Equal("Invalid resource policy: the policy is 20481 bytes long, more than the maximum of 20480 bytes.", reply.Message);
        Assert.Equal(largest, await GetPolicyAsync(StreamArn("s")));
    }

    [Fact]
    public async Task The_policy_member_is_required()
    {
        await _api.CreateStreamAsync("s");

        await _api.ErrorAsync("PutResourcePolicy", new { ResourceARN = StreamArn("s") }, "ValidationException");
        await _api.ErrorAsync("GetResourcePolicy", new { }, "ValidationException");
    }

    [Fact]
    public async Task A_policy_changes_only_while_the_stream_is_ACTIVE_but_is_read_in_any_state()
    {
        await _api.CreateStreamAsync("s");
        await _api.OkAsync("PutResourcePolicy", new { ResourceARN = StreamArn("s"), Policy = Policy(StreamArn("s")) });
        await SetStatusAsync(_api, "s", "UPDATING", TimeSpan.FromSeconds(5));

        var put = await _api.ErrorAsync("PutResourcePolicy", new { ResourceARN = StreamArn("s"), Policy = Policy(StreamArn("s"), "kinesis:PutRecord") }, "ResourceInUseException");
        await _api.ErrorAsync("DeleteResourcePolicy", new { ResourceARN = StreamArn("s") }, "ResourceInUseException");
        Assert.Equal(Policy(StreamArn("s")), await GetPolicyAsync(StreamArn("s")));
        Assert.Equal("Stream s under account 000000000000 not ACTIVE, instead in state UPDATING", put.Message);

        _api.Clock.Advance(TimeSpan.FromSeconds(5));
        await _api.OkAsync("DeleteResourcePolicy", new { ResourceARN = StreamArn("s") });
    }

    [Fact]
    public async Task The_document_is_checked_before_the_stream_s_status()
    {
        await _api.CreateStreamAsync("s");
        await SetStatusAsync(_api, "s", "UPDATING", TimeSpan.FromSeconds(5));

        await _api.ErrorAsync("PutResourcePolicy", new { ResourceARN = StreamArn("s"), Policy = "not json" }, "InvalidArgumentException");
    }

    [Fact]
    public async Task A_consumer_has_a_policy_of_its_own()
    {
        await _api.CreateStreamAsync("s");
        var arn = await AddConsumerAsync(_api, "s", "reader");
        var policy = Policy(arn, "kinesis:SubscribeToShard");

        Assert.Equal("{}", await GetPolicyAsync(arn));
        await _api.OkAsync("PutResourcePolicy", new { ResourceARN = arn, Policy = policy });

        Assert.Equal(policy, await GetPolicyAsync(arn));
        Assert.Equal(policy, (await GetConsumerAsync(_api, "s", "reader")).ResourcePolicy);
        Assert.Equal("{}", await GetPolicyAsync(StreamArn("s")));
        await _api.OkAsync("DeleteResourcePolicy", new { ResourceARN = arn });
        Assert.Equal("{}", await GetPolicyAsync(arn));
    }

    [Fact]
    public async Task A_consumer_that_is_not_ACTIVE_takes_no_policy()
    {
        await _api.CreateStreamAsync("s");
        var arn = await AddConsumerAsync(_api, "s", "reader", "CREATING", _api.Clock.NowMs + 5_000);

        var reply = await _api.ErrorAsync("PutResourcePolicy", new { ResourceARN = arn, Policy = Policy(arn) }, "ResourceInUseException");

        Assert.Equal($"Consumer reader with creation timestamp {_api.Clock.NowMs / 1000} under stream s and account 000000000000 is not in ACTIVE status.", reply.Message);
    }

    [Fact]
    public async Task An_unregistered_consumer_is_not_found()
    {
        await _api.CreateStreamAsync("s");
        var arn = ConsumerArn("s", "reader", _api.Clock.NowMs);

        var reply = await _api.ErrorAsync("PutResourcePolicy", new { ResourceARN = arn, Policy = Policy(arn) }, "ResourceNotFoundException");
        await _api.ErrorAsync("GetResourcePolicy", new { ResourceARN = arn }, "ResourceNotFoundException");
        await _api.ErrorAsync("DeleteResourcePolicy", new { ResourceARN = arn }, "ResourceNotFoundException");

        Assert.Equal($"Consumer reader with creation timestamp {_api.Clock.NowMs / 1000} under stream s and account 000000000000 not found.", reply.Message);
    }

    [Fact]
    public async Task A_channel_keeps_its_policy_with_the_account()
    {
        var arn = await AddChannelAsync(_api, "c1");
        var policy = Policy(arn);

        await _api.OkAsync("PutResourcePolicy", new { ResourceARN = arn, Policy = policy });

        Assert.Equal(policy, await GetPolicyAsync(arn));
        Assert.Equal(policy, (await GetChannelAsync(_api, "c1")).ResourcePolicy);
        await _api.OkAsync("DeleteResourcePolicy", new { ResourceARN = arn });
        Assert.Null((await GetChannelAsync(_api, "c1")).ResourcePolicy);
        await _api.ErrorAsync("GetResourcePolicy", new { ResourceARN = ChannelArn("c2") }, "ResourceNotFoundException");
    }

    [Fact]
    public async Task Only_the_owner_s_account_manages_a_resource_s_policy()
    {
        await _api.CreateStreamAsync("s");
        var other = AuthorizationFor("111122223333");

        var put = await _api.CallAsync("PutResourcePolicy", new { ResourceARN = StreamArn("s"), Policy = Policy(StreamArn("s")) }, other);
        var get = await _api.CallAsync("GetResourcePolicy", new { ResourceARN = StreamArn("s") }, other);
        var delete = await _api.CallAsync("DeleteResourcePolicy", new { ResourceARN = StreamArn("s") }, other);

        Assert.Equal((400, "AccessDeniedException"), (put.Status, put.Type));
        Assert.Equal($"User: arn:aws:iam::111122223333:root is not authorized to perform: kinesis:PutResourcePolicy on resource: {StreamArn("s")} because no resource-based policy allows the kinesis:PutResourcePolicy action", put.Message);
        Assert.Equal("AccessDeniedException", get.Type);
        Assert.Equal("AccessDeniedException", delete.Type);
        Assert.Equal("{}", await GetPolicyAsync(StreamArn("s")));
    }

    [Fact]
    public async Task A_policy_does_not_outlive_its_stream()
    {
        await _api.CreateStreamAsync("s");
        await _api.OkAsync("PutResourcePolicy", new { ResourceARN = StreamArn("s"), Policy = Policy(StreamArn("s")) });

        await _api.OkAsync("DeleteStream", new { StreamName = "s" });
        await _api.ErrorAsync("GetResourcePolicy", new { ResourceARN = StreamArn("s") }, "ResourceNotFoundException");
        await _api.CreateStreamAsync("s");

        Assert.Equal("{}", await GetPolicyAsync(StreamArn("s")));
    }
}
