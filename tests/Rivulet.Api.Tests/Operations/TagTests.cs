using static Rivulet.Api.Tests.Operations.ResourceSetup;

namespace Rivulet.Api.Tests.Operations;

/// <summary>AddTagsToStream, RemoveTagsFromStream, ListTagsForStream, TagResource, UntagResource, ListTagsForResource and CreateStream's tags.</summary>
public sealed class TagTests
{
    private const string InvalidCharacters = "Some tags contain invalid characters. Valid characters: Unicode letters, digits, white space, _ . / = + - % @.";
    private const string PercentRefusal = " because some tags contained illegal characters. The allowed characters are Unicode letters, white-spaces, '_',',','/','=','+','-','@'.";

    private readonly ApiHarness _api = new();

    private static Dictionary<string, string> Numbered(int from, int count) =>
        Enumerable.Range(from, count).ToDictionary(i => $"k{i:D3}", i => $"v{i}");

    [Fact]
    public async Task Added_tags_overwrite_equal_keys_and_are_listed_in_ordinal_key_order()
    {
        await _api.OkAsync("CreateStream", new { StreamName = "s", ShardCount = 1, Tags = new Dictionary<string, string> { ["a"] = "old" } });

        await _api.OkAsync("AddTagsToStream", new { StreamName = "s", Tags = new Dictionary<string, string> { ["a"] = "new", ["Zb"] = "z", ["_"] = "", ["ÿ"] = "u" } });
        await _api.OkAsync("AddTagsToStream", new { StreamARN = StreamArn("s"), Tags = new Dictionary<string, string> { ["0"] = "zero" } });

        var listed = await _api.OkAsync("ListTagsForStream", new { StreamName = "s" });
        Assert.Equal(["0", "Zb", "_", "a", "ÿ"], Keys(listed));
        Assert.Equal("new", TagMap(listed)["a"]);
        Assert.Equal("", TagMap(listed)["_"]);
        Assert.False(listed["HasMoreTags"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Pages_start_after_a_key_the_stream_need_not_have()
    {
        await _api.CreateStreamAsync("s");
        await _api.OkAsync("AddTagsToStream", new { StreamName = "s", Tags = new Dictionary<string, string> { [" "] = "a", ["+"] = "a", ["@"] = "a", ["Zb"] = "z", ["_"] = "a", ["a"] = "b" } });

        var page = await _api.OkAsync("ListTagsForStream", new { StreamName = "s", ExclusiveStartTagKey = "@", Limit = 2 });
        var rest = await _api.OkAsync("ListTagsForStream", new { StreamName = "s", ExclusiveStartTagKey = "Za$Z%*" });
        var none = await _api.OkAsync("ListTagsForStream", new { StreamName = "s", ExclusiveStartTagKey = "zzz", Limit = 1 });

        Assert.Equal(["Zb", "_"], Keys(page));
        Assert.True(page["HasMoreTags"]!.GetValue<bool>());
        Assert.Equal(["Zb", "_", "a"], Keys(rest));
        Assert.False(rest["HasMoreTags"]!.GetValue<bool>());
        Assert.Empty(Keys(none));
        Assert.False(none["HasMoreTags"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_full_page_of_exactly_the_remaining_tags_has_no_more()
    {
        await _api.CreateStreamAsync("s");
        await _api.OkAsync("AddTagsToStream", new { StreamName = "s", Tags = Numbered(0, 50) });

        var all = await _api.OkAsync("ListTagsForStream", new { StreamName = "s" });
        var limited = await _api.OkAsync("ListTagsForStream", new { StreamName = "s", Limit = 50 });
        var lastPage = await _api.OkAsync("ListTagsForStream", new { StreamName = "s", ExclusiveStartTagKey = "k039", Limit = 10 });

        Assert.Equal(50, Keys(all).Length);
        Assert.False(all["HasMoreTags"]!.GetValue<bool>());
        Assert.False(limited["HasMoreTags"]!.GetValue<bool>());
        Assert.Equal("k040", Keys(lastPage)[0]);
        Assert.False(lastPage["HasMoreTags"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Removing_tags_ignores_keys_the_stream_does_not_have()
    {
        await _api.OkAsync("CreateStream", new { StreamName = "s", ShardCount = 1, Tags = new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" } });

        await _api.OkAsync("RemoveTagsFromStream", new { StreamName = "s", TagKeys = new[] { "a", "missing" } });
        await _api.OkAsync("RemoveTagsFromStream", new { StreamARN = StreamArn("s"), TagKeys = new[] { "missing" } });

        Assert.Equal(["b"], Keys(await _api.OkAsync("ListTagsForStream", new { StreamName = "s" })));
    }

    [Fact]
    public async Task A_stream_holds_at_most_50_tags_counting_overwrites_once()
    {
        await _api.CreateStreamAsync("s");
        await _api.OkAsync("AddTagsToStream", new { StreamName = "s", Tags = Numbered(0, 45) });
        await _api.OkAsync("AddTagsToStream", new { StreamName = "s", Tags = Numbered(40, 10) });

        var reply = await _api.ErrorAsync("AddTagsToStream", new { StreamName = "s", Tags = Numbered(50, 1) }, "InvalidArgumentException");

        Assert.Equal("Failed to add tags to stream s under account 000000000000 because a given stream cannot have more than 50 tags associated with it.", reply.Message);
        Assert.Equal(50, Keys(await _api.OkAsync("ListTagsForStream", new { StreamName = "s" })).Length);
    }

    [Theory]
    [InlineData("abc;def", "1")]
    [InlineData("abc\tdef", "1")]
    [InlineData("abc\ndef", "1")]
    [InlineData("a", "abc,def")]
    [InlineData("a", "emoji 😀")]
    [InlineData("a", "tab\t")]
    public async Task Characters_outside_AWS_s_set_are_refused(string key, string value)
    {
        await _api.CreateStreamAsync("s");

        var reply = await _api.ErrorAsync("AddTagsToStream", new { StreamName = "s", Tags = new Dictionary<string, string> { [key] = value } }, "InvalidArgumentException");

        Assert.Equal(InvalidCharacters, reply.Message);
    }

    [Fact]
    public async Task Percent_is_refused_with_AWS_s_second_message()
    {
        await _api.CreateStreamAsync("s");

        var add = await _api.ErrorAsync("AddTagsToStream", new { StreamName = "s", Tags = new Dictionary<string, string> { ["a"] = "50%" } }, "InvalidArgumentException");
        var remove = await _api.ErrorAsync("RemoveTagsFromStream", new { StreamName = "s", TagKeys = new[] { "abc%def" } }, "InvalidArgumentException");
        var bad = await _api.ErrorAsync("RemoveTagsFromStream", new { StreamName = "s", TagKeys = new[] { "a;b" } }, "InvalidArgumentException");

        Assert.Equal("Failed to add tags to stream s under account 000000000000" + PercentRefusal, add.Message);
        Assert.Equal("Failed to remove tags from stream s under account 000000000000" + PercentRefusal, remove.Message);
        Assert.Equal(InvalidCharacters, bad.Message);
    }

    [Fact]
    public async Task Unicode_letters_digits_spaces_and_AWS_s_symbols_are_accepted()
    {
        await _api.CreateStreamAsync("s");
        var tags = new Dictionary<string, string> { ["ü0 _."] = "a", ["/=+-@:"] = "ü0 _./=+-@:", ["日本語"] = "٣", ["c"] = "", ["𠀀"] = "\u00A0" };

        await _api.OkAsync("AddTagsToStream", new { StreamName = "s", Tags = tags });

        Assert.Equal(tags, TagMap(await _api.OkAsync("ListTagsForStream", new { StreamName = "s" })));
    }

    [Theory]
    [InlineData("aws:owner")]
    [InlineData("AWS:owner")]
    public async Task Keys_under_the_reserved_aws_prefix_are_refused(string key)
    {
        await _api.CreateStreamAsync("s");

        var add = await _api.ErrorAsync("AddTagsToStream", new { StreamName = "s", Tags = new Dictionary<string, string> { [key] = "x" } }, "InvalidArgumentException");
        var remove = await _api.ErrorAsync("UntagResource", new { ResourceARN = StreamArn("s"), TagKeys = new[] { key } }, "InvalidArgumentException");

        Assert.Equal("Failed to add tags to stream s under account 000000000000 because some tag keys start with 'aws:', a prefix reserved for use by AWS.", add.Message);
        Assert.StartsWith("Failed to remove tags from stream s under account 000000000000 because", remove.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_model_s_lengths_and_required_members_are_checked_first()
    {
        await _api.CreateStreamAsync("s");

        var longKey = await _api.ErrorAsync("AddTagsToStream", new { StreamName = "s", Tags = new Dictionary<string, string> { [new string('k', 129)] = "v" } }, "ValidationException");
        await _api.ErrorAsync("AddTagsToStream", new { StreamName = "s", Tags = new Dictionary<string, string> { ["k"] = new string('v', 257) } }, "ValidationException");
        await _api.ErrorAsync("AddTagsToStream", new { StreamName = "s" }, "ValidationException");
        await _api.ErrorAsync("RemoveTagsFromStream", new { StreamName = "s", TagKeys = Array.Empty<string>() }, "ValidationException");
        await _api.ErrorAsync("TagResource", new { ResourceARN = StreamArn("s") }, "ValidationException");
        await _api.ErrorAsync("UntagResource", new { ResourceARN = StreamArn("s"), TagKeys = Enumerable.Range(0, 51).Select(i => $"k{i}").ToArray() }, "ValidationException");
        await _api.ErrorAsync("ListTagsForStream", new { StreamName = "s", Limit = 51 }, "ValidationException");
        await _api.ErrorAsync("ListTagsForResource", new { ResourceARN = "arn:aws:s3:::bucket" }, "ValidationException");

        Assert.Contains("tags", longKey.Message, StringComparison.Ordinal);
        await _api.OkAsync("AddTagsToStream", new { StreamName = "s", Tags = new Dictionary<string, string> { [new string('k', 128)] = new string('v', 256) } });
    }

    [Fact]
    public async Task A_missing_stream_is_not_found_before_its_tags_are_checked()
    {
        var add = await _api.ErrorAsync("AddTagsToStream", new { StreamName = "nope", Tags = new Dictionary<string, string> { ["a;"] = "b" } }, "ResourceNotFoundException");
        await _api.ErrorAsync("RemoveTagsFromStream", new { StreamName = "nope", TagKeys = new[] { "a" } }, "ResourceNotFoundException");
        await _api.ErrorAsync("ListTagsForStream", new { StreamName = "nope" }, "ResourceNotFoundException");
        var resource = await _api.ErrorAsync("TagResource", new { ResourceARN = StreamArn("nope"), Tags = new Dictionary<string, string> { ["a"] = "b" } }, "ResourceNotFoundException");
        await _api.ErrorAsync("ListTagsForResource", new { ResourceARN = StreamArn("nope") }, "ResourceNotFoundException");

        Assert.Equal("Stream nope under account 000000000000 not found.", add.Message);
        Assert.Equal("Stream nope under account 000000000000 not found.", resource.Message);
    }

    [Fact]
    public async Task Tags_change_only_while_the_stream_is_ACTIVE_but_are_listed_in_any_state()
    {
        var api = new ApiHarness(new KinesisOptions { TokenKey = new byte[32], CreateStreamDelay = TimeSpan.FromSeconds(1) });
        await api.OkAsync("CreateStream", new { StreamName = "s", ShardCount = 1, Tags = new Dictionary<string, string> { ["team"] = "data" } });

        Assert.Equal(["team"], Keys(await api.OkAsync("ListTagsForStream", new { StreamName = "s" })));
        Assert.Equal(["team"], Keys(await api.OkAsync("ListTagsForResource", new { ResourceARN = StreamArn("s") })));
        var add = await api.ErrorAsync("AddTagsToStream", new { StreamName = "s", Tags = new Dictionary<string, string> { ["a"] = "b" } }, "ResourceInUseException");
        await api.ErrorAsync("RemoveTagsFromStream", new { StreamName = "s", TagKeys = new[] { "team" } }, "ResourceInUseException");
        var tag = await api.ErrorAsync("TagResource", new { ResourceARN = StreamArn("s"), Tags = new Dictionary<string, string> { ["a"] = "b" } }, "ResourceInUseException");
        await api.ErrorAsync("UntagResource", new { ResourceARN = StreamArn("s"), TagKeys = new[] { "team" } }, "ResourceInUseException");
        Assert.Equal("Stream s under account 000000000000 not ACTIVE, instead in state CREATING", add.Message);
        Assert.Equal(add.Message, tag.Message);

        api.Clock.Advance(TimeSpan.FromSeconds(1));
        await api.OkAsync("AddTagsToStream", new { StreamName = "s", Tags = new Dictionary<string, string> { ["a"] = "b" } });

        await SetStatusAsync(api, "s", "UPDATING", TimeSpan.FromSeconds(5));
        await api.ErrorAsync("UntagResource", new { ResourceARN = StreamArn("s"), TagKeys = new[] { "a" } }, "ResourceInUseException");
        Assert.Equal(["a", "team"], Keys(await api.OkAsync("ListTagsForStream", new { StreamName = "s" })));
    }

    [Fact]
    public async Task Create_stream_applies_the_same_tag_rules()
    {
        var tooMany = await _api.ErrorAsync("CreateStream", new { StreamName = "many", ShardCount = 1, Tags = Numbered(0, 51) }, "InvalidArgumentException");
        var invalid = await _api.ErrorAsync("CreateStream", new { StreamName = "bad", ShardCount = 1, Tags = new Dictionary<string, string> { ["a,b"] = "" } }, "InvalidArgumentException");
        var percent = await _api.ErrorAsync("CreateStream", new { StreamName = "pct", ShardCount = 1, Tags = new Dictionary<string, string> { ["a"] = "%" } }, "InvalidArgumentException");
        await _api.ErrorAsync("CreateStream", new { StreamName = "aws", ShardCount = 1, Tags = new Dictionary<string, string> { ["aws:x"] = "" } }, "InvalidArgumentException");

        Assert.Equal("Failed to create stream many under account 000000000000 because a given stream cannot have more than 50 tags associated with it.", tooMany.Message);
        Assert.Equal(InvalidCharacters, invalid.Message);
        Assert.Equal("Failed to create stream pct under account 000000000000" + PercentRefusal, percent.Message);
        Assert.Empty((await _api.OkAsync("ListStreams", new { }))["StreamNames"]!.AsArray());
        await _api.OkAsync("CreateStream", new { StreamName = "fifty", ShardCount = 1, Tags = Numbered(0, 50) });
    }

    [Fact]
    public async Task Tag_resource_untag_resource_and_list_tags_for_resource_work_on_a_stream_arn()
    {
        await _api.CreateStreamAsync("s");

        await _api.OkAsync("TagResource", new { ResourceARN = StreamArn("s"), Tags = new Dictionary<string, string> { ["b"] = "2", ["a"] = "1", ["c"] = "3" } });
        await _api.OkAsync("TagResource", new { ResourceARN = StreamArn("s"), Tags = new Dictionary<string, string> { ["a"] = "one" } });
        await _api.OkAsync("UntagResource", new { ResourceARN = StreamArn("s"), TagKeys = new[] { "c", "missing" } });

        var listed = await _api.OkAsync("ListTagsForResource", new { ResourceARN = StreamArn("s") });
        Assert.Equal(new Dictionary<string, string> { ["a"] = "one", ["b"] = "2" }, TagMap(listed));
        Assert.Equal(["a", "b"], Keys(listed));
        Assert.Equal(TagMap(listed), TagMap(await _api.OkAsync("ListTagsForStream", new { StreamName = "s" })));
        Assert.Null(listed["HasMoreTags"]);
    }

    [Fact]
    public async Task Tag_resource_applies_the_limit_and_the_character_rules()
    {
        await _api.CreateStreamAsync("s");
        await _api.OkAsync("TagResource", new { ResourceARN = StreamArn("s"), Tags = Numbered(0, 50) });

        var tooMany = await _api.ErrorAsync("TagResource", new { ResourceARN = StreamArn("s"), Tags = Numbered(50, 1) }, "InvalidArgumentException");
        var invalid = await _api.ErrorAsync("TagResource", new { ResourceARN = StreamArn("s"), Tags = new Dictionary<string, string> { ["k;"] = "" } }, "InvalidArgumentException");
        var percent = await _api.ErrorAsync("UntagResource", new { ResourceARN = StreamArn("s"), TagKeys = new[] { "%" } }, "InvalidArgumentException");

        Assert.Equal("Failed to add tags to stream s under account 000000000000 because a given stream cannot have more than 50 tags associated with it.", tooMany.Message);
        Assert.Equal(InvalidCharacters, invalid.Message);
        Assert.Equal("Failed to remove tags from stream s under account 000000000000" + PercentRefusal, percent.Message);
        await _api.OkAsync("TagResource", new { ResourceARN = StreamArn("s"), Tags = Numbered(0, 50) });
    }

    [Fact]
    public async Task A_consumer_arn_names_the_consumer_of_that_creation_time()
    {
        await _api.CreateStreamAsync("s");
        var arn = await AddConsumerAsync(_api, "s", "reader");

        await _api.OkAsync("TagResource", new { ResourceARN = arn, Tags = new Dictionary<string, string> { ["team"] = "data", ["x"] = "y" } });
        await _api.OkAsync("UntagResource", new { ResourceARN = arn, TagKeys = new[] { "x" } });

        Assert.Equal(new Dictionary<string, string> { ["team"] = "data" }, TagMap(await _api.OkAsync("ListTagsForResource", new { ResourceARN = arn })));
        Assert.Equal("data", (await GetConsumerAsync(_api, "s", "reader")).Tags["team"]);
        Assert.Empty(Keys(await _api.OkAsync("ListTagsForStream", new { StreamName = "s" })));

        var older = $"{StreamArn("s")}/consumer/reader:{(_api.Clock.NowMs / 1000) - 1}";
        var reply = await _api.ErrorAsync("ListTagsForResource", new { ResourceARN = older }, "ResourceNotFoundException");
        Assert.Equal($"Consumer reader with creation timestamp {(_api.Clock.NowMs / 1000) - 1} under stream s and account 000000000000 not found.", reply.Message);
    }

    [Fact]
    public async Task Consumers_that_are_not_registered_are_not_found()
    {
        await _api.CreateStreamAsync("s");
        var arn = ConsumerArn("s", "reader", _api.Clock.NowMs);

        var tag = await _api.ErrorAsync("TagResource", new { ResourceARN = arn, Tags = new Dictionary<string, string> { ["a"] = "b" } }, "ResourceNotFoundException");
        await _api.ErrorAsync("UntagResource", new { ResourceARN = arn, TagKeys = new[] { "a" } }, "ResourceNotFoundException");
        await _api.ErrorAsync("ListTagsForResource", new { ResourceARN = ConsumerArn("nostream", "reader", _api.Clock.NowMs) }, "ResourceNotFoundException");

        Assert.Equal($"Consumer reader with creation timestamp {_api.Clock.NowMs / 1000} under stream s and account 000000000000 not found.", tag.Message);
    }

    [Fact]
    public async Task A_consumer_changes_its_tags_only_once_ACTIVE()
    {
        await _api.CreateStreamAsync("s");
        var arn = await AddConsumerAsync(_api, "s", "reader", "CREATING", _api.Clock.NowMs + 5_000);

        var reply = await _api.ErrorAsync("TagResource", new { ResourceARN = arn, Tags = new Dictionary<string, string> { ["a"] = "b" } }, "ResourceInUseException");
        Assert.Empty(Keys(await _api.OkAsync("ListTagsForResource", new { ResourceARN = arn })));
        _api.Clock.Advance(TimeSpan.FromSeconds(5));
        await _api.OkAsync("TagResource", new { ResourceARN = arn, Tags = new Dictionary<string, string> { ["a"] = "b" } });

        Assert.Equal($"Consumer reader with creation timestamp {(_api.Clock.NowMs - 5_000) / 1000} under stream s and account 000000000000 is not in ACTIVE status.", reply.Message);
        Assert.Equal(["a"], Keys(await _api.OkAsync("ListTagsForResource", new { ResourceARN = arn })));
    }

    [Fact]
    public async Task A_deleted_consumer_is_gone_once_its_deletion_is_due()
    {
        await _api.CreateStreamAsync("s");
        var arn = await AddConsumerAsync(_api, "s", "reader", "DELETING", _api.Clock.NowMs + 1_000);

        await _api.ErrorAsync("TagResource", new { ResourceARN = arn, Tags = new Dictionary<string, string> { ["a"] = "b" } }, "ResourceInUseException");
        _api.Clock.Advance(TimeSpan.FromSeconds(1));

        await _api.ErrorAsync("ListTagsForResource", new { ResourceARN = arn }, "ResourceNotFoundException");
    }

    [Fact]
    public async Task A_consumer_holds_at_most_50_tags()
    {
        await _api.CreateStreamAsync("s");
        var arn = await AddConsumerAsync(_api, "s", "reader");
        await _api.OkAsync("TagResource", new { ResourceARN = arn, Tags = Numbered(0, 50) });

        var reply = await _api.ErrorAsync("TagResource", new { ResourceARN = arn, Tags = Numbered(50, 1) }, "InvalidArgumentException");

        Assert.Equal($"Failed to add tags to consumer reader with creation timestamp {_api.Clock.NowMs / 1000} under stream s and account 000000000000 because a given consumer cannot have more than 50 tags associated with it.", reply.Message);
    }

    [Fact]
    public async Task A_channel_arn_tags_the_channel_kept_with_the_account()
    {
        var arn = await AddChannelAsync(_api, "c1");

        await _api.OkAsync("TagResource", new { ResourceARN = arn, Tags = new Dictionary<string, string> { ["b"] = "2", ["a"] = "1" } });
        await _api.OkAsync("UntagResource", new { ResourceARN = arn, TagKeys = new[] { "b" } });

        Assert.Equal(new Dictionary<string, string> { ["a"] = "1" }, TagMap(await _api.OkAsync("ListTagsForResource", new { ResourceARN = arn })));
        Assert.Equal("1", (await GetChannelAsync(_api, "c1")).Tags["a"]);
        var missing = await _api.ErrorAsync("ListTagsForResource", new { ResourceARN = ChannelArn("c2") }, "ResourceNotFoundException");
        Assert.Equal("Channel c2 under account 000000000000 not found.", missing.Message);
    }

    [Fact]
    public async Task A_channel_changes_its_tags_only_once_ACTIVE()
    {
        var arn = await AddChannelAsync(_api, "c1", "CREATING", _api.Clock.NowMs + 2_000);

        var reply = await _api.ErrorAsync("TagResource", new { ResourceARN = arn, Tags = new Dictionary<string, string> { ["a"] = "b" } }, "ResourceInUseException");
        _api.Clock.Advance(TimeSpan.FromSeconds(2));
        await _api.OkAsync("TagResource", new { ResourceARN = arn, Tags = new Dictionary<string, string> { ["a"] = "b" } });

        Assert.Equal("Channel c1 under account 000000000000 not ACTIVE, instead in state CREATING", reply.Message);
    }

    [Fact]
    public async Task Channel_tags_are_applied_to_the_account_as_it_is_when_written()
    {
        var store = new RacingStore();
        var api = new ApiHarness(store: clock => store.Attach(new Rivulet.Storage.Memory.MemoryStreamStore(clock)));
        var arn = await AddChannelAsync(api, "c1");
        await AddChannelAsync(api, "c2");

        // Another writer adds a channel between this call's read and its write.
        store.BeforeNextAccountWrite = () => AddChannelAsync(api, "c3");
        await api.OkAsync("TagResource", new { ResourceARN = arn, Tags = new Dictionary<string, string> { ["a"] = "b" } });

        var account = (await api.Store.GetAccountAsync(ApiHarness.AccountKey, default))!;
        Assert.Equal(["c1", "c2", "c3"], account.Channels.Select(c => c.ChannelName));
        Assert.Equal("b", account.Channels[0].Tags["a"]);
    }

    [Fact]
    public async Task Another_account_s_resources_are_access_denied_and_another_region_s_not_found()
    {
        await _api.CreateStreamAsync("s");
        var foreign = "arn:aws:kinesis:us-east-1:111122223333:stream/s";

        var tag = await _api.CallAsync("TagResource", new { ResourceARN = foreign, Tags = new Dictionary<string, string> { ["a"] = "b" } });
        var list = await _api.CallAsync("ListTagsForResource", new { ResourceARN = "arn:aws:kinesis:us-east-1:111122223333:channel/c" });
        var add = await _api.CallAsync("AddTagsToStream", new { StreamARN = foreign, Tags = new Dictionary<string, string> { ["a"] = "b" } });
        var listStream = await _api.CallAsync("ListTagsForStream", new { StreamARN = foreign });
        var otherRegion = await _api.ErrorAsync("ListTagsForResource", new { ResourceARN = "arn:aws:kinesis:eu-west-1:000000000000:stream/s" }, "ResourceNotFoundException");
        var otherRegionConsumer = await _api.ErrorAsync("ListTagsForResource", new { ResourceARN = "arn:aws:kinesis:eu-west-1:000000000000:stream/s/consumer/r:1" }, "ResourceNotFoundException");

        Assert.Equal((400, "AccessDeniedException"), (tag.Status, tag.Type));
        Assert.Equal($"User: arn:aws:iam::000000000000:root is not authorized to perform: kinesis:TagResource on resource: {foreign} because no resource-based policy allows the kinesis:TagResource action", tag.Message);
        Assert.Equal("AccessDeniedException", list.Type);
        Assert.Equal("AccessDeniedException", add.Type);
        Assert.Equal("AccessDeniedException", listStream.Type);
        Assert.Equal("Stream s under account 000000000000 not found.", otherRegion.Message);
        Assert.Equal("Consumer r with creation timestamp 1 under stream s and account 000000000000 not found.", otherRegionConsumer.Message);
    }

    [Fact]
    public async Task Each_account_sees_its_own_streams_tags()
    {
        await _api.OkAsync("CreateStream", new { StreamName = "s", ShardCount = 1, Tags = new Dictionary<string, string> { ["owner"] = "default" } });
        var other = AuthorizationFor("111122223333");
        Assert.Equal(200, (await _api.CallAsync("CreateStream", new { StreamName = "s", ShardCount = 1 }, other)).Status);

        Assert.Equal(200, (await _api.CallAsync("TagResource", new { ResourceARN = "arn:aws:kinesis:us-east-1:111122223333:stream/s", Tags = new Dictionary<string, string> { ["owner"] = "other" } }, other)).Status);
        var denied = await _api.CallAsync("UntagResource", new { ResourceARN = StreamArn("s"), TagKeys = new[] { "owner" } }, other);

        Assert.Equal("AccessDeniedException", denied.Type);
        Assert.Equal("default", TagMap(await _api.OkAsync("ListTagsForResource", new { ResourceARN = StreamArn("s") }))["owner"]);
    }

    [Theory]
    [InlineData("arn:aws:kinesis:us-east-1:000000000000:stream/s/other")]
    [InlineData("arn:aws:kinesis:us-east-1:000000000000:stream/s/consumer/r")]
    [InlineData("arn:aws:kinesis:us-east-1:000000000000:table/stream/s")]
    [InlineData("arn:aws:kinesis:us-east-1:000000000000:channel/c/x")]
    public async Task An_arn_that_is_no_stream_consumer_or_channel_is_an_invalid_argument(string arn)
    {
        var reply = await _api.ErrorAsync("ListTagsForResource", new { ResourceARN = arn }, "InvalidArgumentException");

        Assert.Equal($"ResourceARN {arn} is not the ARN of a stream, a consumer or a channel.", reply.Message);
    }
}
