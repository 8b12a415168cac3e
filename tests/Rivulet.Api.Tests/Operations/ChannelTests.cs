using System.Text.Json.Nodes;
using Rivulet.Storage;

namespace Rivulet.Api.Tests.Operations;

/// <summary>CreateChannel, UpdateChannel, DeleteChannel, DescribeChannel, ListChannels and what streams show of their channels.</summary>
public sealed class ChannelTests
{
    private const string Role = "arn:aws:iam::000000000000:role/delivery";
    private const string Bucket = "arn:aws:s3:::destination-bucket";
    private const string TableBucket = "arn:aws:s3tables:us-east-1:000000000000:bucket/tables";
    private const string Schema = "arn:aws:glue:us-east-1:000000000000:schema/registry/orders";

    private readonly ApiHarness _api = new();

    private static string StreamArnOf(string name) => $"arn:aws:kinesis:us-east-1:000000000000:stream/{name}";

    private static string ChannelArnOf(string name) => $"arn:aws:kinesis:us-east-1:000000000000:channel/{name}";

    private static object S3Channel(string name, string stream, object? s3 = null, string format = "JSON", object? tags = null, object? logging = null) => new
    {
        ChannelName = name,
        ServiceExecutionRoleARN = Role,
        StreamConfigurationList = new[] { new { StreamARN = StreamArnOf(stream), RecordConfiguration = new { RecordFormatType = format } } },
        S3DestinationConfiguration = s3 ?? new { StorageConfiguration = new { BucketARN = Bucket, ExpectedBucketOwner = "111122223333", CompressionType = "GZIP" } },
        Tags = tags,
        LoggingConfiguration = logging,
    };

    private static object TablesChannel(string name, string stream, int? freshness = null) => new
    {
        ChannelName = name,
        ServiceExecutionRoleARN = Role,
        StreamConfigurationList = new[] { new { StreamARN = StreamArnOf(stream), RecordConfiguration = new { RecordFormatType = "JSON", GSRSchemaARN = Schema } } },
        S3TablesDestinationConfiguration = new
        {
            DataFreshnessInSeconds = freshness,
            DeadLetterQueueS3Configuration = new { BucketARN = "arn:aws:s3:::dead-letters", ExpectedBucketOwner = "000000000000", ErrorOutputPrefix = "failed/" },
            S3TablesConfigurationList = new[]
            {
                new
                {
                    TableBucketARN = TableBucket,
                    Namespace = "sales",
                    TableName = "orders",
                    CompressionType = "ZSTD",
                    PartitionSpec = new { PartitionFields = new[] { new { Transform = "TIME_HOUR", SourceName = "created_at" } } },
                },
            },
        },
        EncryptionConfiguration = new { EncryptionType = "KMS", KeyId = "arn:aws:kms:us-east-1:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab" },
    };

    private static ApiHarness WithDelays() => new(new KinesisOptions
    {
        TokenKey = new byte[32],
        UpdateStreamDelay = TimeSpan.FromSeconds(10),
        DeleteStreamDelay = TimeSpan.FromSeconds(5),
    });

    private static Task OnDemandStreamAsync(ApiHarness api, string name) =>
        api.OkAsync("CreateStream", new { StreamName = name, StreamModeDetails = new { StreamMode = "ON_DEMAND" } });

    private static async Task<JsonNode> DescribeAsync(ApiHarness api, string name) =>
        (await api.OkAsync("DescribeChannel", new { ChannelARN = ChannelArnOf(name) }))["ChannelDescription"]!;

    private static string Status(JsonNode description) => description["ChannelStatus"]!.GetValue<string>();

    // ---- CreateChannel and DescribeChannel ---------------------------------------------------

    [Fact]
    public async Task A_new_S3_channel_is_described_with_what_was_given_and_the_defaults_AWS_fills_in()
    {
        await OnDemandStreamAsync(_api, "s");
        var streamCreated = (await _api.OkAsync("DescribeStreamSummary", new { StreamName = "s" }))["StreamDescriptionSummary"]!["StreamCreationTimestamp"]!.GetValue<double>();

        var created = (await _api.OkAsync("CreateChannel", S3Channel("orders", "s")))["ChannelDescription"]!;

        Assert.Equal("orders", created["ChannelName"]!.GetValue<string>());
        Assert.Equal("arn:aws:kinesis:us-east-1:000000000000:channel/orders", created["ChannelARN"]!.GetValue<string>());
        Assert.Matches("^[a-z0-9]{20}$", created["ChannelId"]!.GetValue<string>());
        Assert.Equal("ACTIVE", Status(created));
        Assert.Null(created["ChannelStatusReason"]);
        Assert.Equal(_api.Clock.NowMs / 1000.0, created["ChannelCreationTimestamp"]!.GetValue<double>());
        Assert.Equal(Role, created["ServiceExecutionRoleARN"]!.GetValue<string>());
        var source = created["StreamConfigurationList"]![0]!;
        Assert.Equal(StreamArnOf("s"), source["StreamARN"]!.GetValue<string>());
        Assert.Equal(streamCreated, source["StreamCreationTimestamp"]!.GetValue<double>());
        Assert.Equal("JSON", source["RecordConfiguration"]!["RecordFormatType"]!.GetValue<string>());
        var s3 = created["S3DestinationConfiguration"]!;
        Assert.Equal(300, s3["DataFreshnessInSeconds"]!.GetValue<int>());
        Assert.Equal(Bucket, s3["DeadLetterQueueS3Configuration"]!["BucketARN"]!.GetValue<string>());
        Assert.Equal("111122223333", s3["DeadLetterQueueS3Configuration"]!["ExpectedBucketOwner"]!.GetValue<string>());
        Assert.Equal("GZIP", s3["StorageConfiguration"]!["CompressionType"]!.GetValue<string>());
        Assert.Equal("STANDARD", s3["StorageConfiguration"]!["StorageClass"]!.GetValue<string>());
        Assert.Null(created["S3TablesDestinationConfiguration"]);
        Assert.Null(created["EncryptionConfiguration"]);
        var logs = created["LoggingConfiguration"]!["CloudWatchLogs"]!;
        Assert.False(logs["Enabled"]!.GetValue<bool>());
        Assert.Equal($"/aws/kinesis/orders/{created["ChannelId"]!.GetValue<string>()}", logs["LogGroupName"]!.GetValue<string>());
        Assert.Equal("DestinationDelivery", logs["LogStreamName"]!.GetValue<string>());

        Assert.Equal(created.ToJsonString(), (await DescribeAsync(_api, "orders")).ToJsonString());
    }

    [Fact]
    public async Task An_S3_Tables_channel_keeps_its_tables_partitioning_dead_letter_queue_and_key()
    {
        await OnDemandStreamAsync(_api, "s");

        await _api.OkAsync("CreateChannel", TablesChannel("tables", "s", freshness: 900));
        var described = await DescribeAsync(_api, "tables");

        var tables = described["S3TablesDestinationConfiguration"]!;
        Assert.Equal(900, tables["DataFreshnessInSeconds"]!.GetValue<int>());
        Assert.Equal("failed/", tables["DeadLetterQueueS3Configuration"]!["ErrorOutputPrefix"]!.GetValue<string>());
        var table = tables["S3TablesConfigurationList"]![0]!;
        Assert.Equal((TableBucket, "sales", "orders", "ZSTD"), (table["TableBucketARN"]!.GetValue<string>(), table["Namespace"]!.GetValue<string>(), table["TableName"]!.GetValue<string>(), table["CompressionType"]!.GetValue<string>()));
        Assert.Equal("TIME_HOUR", table["PartitionSpec"]!["PartitionFields"]![0]!["Transform"]!.GetValue<string>());
        Assert.Equal(Schema, described["StreamConfigurationList"]![0]!["RecordConfiguration"]!["GSRSchemaARN"]!.GetValue<string>());
        Assert.Equal("KMS", described["EncryptionConfiguration"]!["EncryptionType"]!.GetValue<string>());
        Assert.Null(described["S3DestinationConfiguration"]);
    }

    [Fact]
    public async Task Logging_given_at_creation_is_kept()
    {
        await OnDemandStreamAsync(_api, "s");

        await _api.OkAsync("CreateChannel", S3Channel("c", "s", logging: new { CloudWatchLogs = new { Enabled = true, LogGroupName = "/mine" } }));

        var logs = (await DescribeAsync(_api, "c"))["LoggingConfiguration"]!["CloudWatchLogs"]!;
        Assert.True(logs["Enabled"]!.GetValue<bool>());
        Assert.Equal("/mine", logs["LogGroupName"]!.GetValue<string>());
        Assert.Equal("DestinationDelivery", logs["LogStreamName"]!.GetValue<string>());
    }

    [Fact]
    public async Task Every_channel_gets_its_own_id()
    {
        await OnDemandStreamAsync(_api, "s");
        await OnDemandStreamAsync(_api, "t");

        var first = (await _api.OkAsync("CreateChannel", S3Channel("a", "s")))["ChannelDescription"]!["ChannelId"]!.GetValue<string>();
        var second = (await _api.OkAsync("CreateChannel", S3Channel("b", "t")))["ChannelDescription"]!["ChannelId"]!.GetValue<string>();

        Assert.NotEqual(first, second);
        Assert.Equal(first, (await DescribeAsync(_api, "a"))["ChannelId"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_channel_name_is_taken_once_per_account()
    {
        await OnDemandStreamAsync(_api, "s");
        await OnDemandStreamAsync(_api, "t");
        await _api.OkAsync("CreateChannel", S3Channel("c", "s"));

        var reply = await _api.ErrorAsync("CreateChannel", S3Channel("c", "t"), "ResourceInUseException");

        Assert.Equal("Channel c under account 000000000000 already exists.", reply.Message);
    }

    [Fact]
    public async Task The_source_stream_must_exist_in_the_callers_account_and_region()
    {
        var missing = await _api.ErrorAsync("CreateChannel", S3Channel("c", "nope"), "ResourceNotFoundException");
        var foreign = await _api.ErrorAsync("CreateChannel", new
        {
            ChannelName = "c",
            ServiceExecutionRoleARN = Role,
            StreamConfigurationList = new[] { new { StreamARN = "arn:aws:kinesis:us-east-1:123456789012:stream/s", RecordConfiguration = new { RecordFormatType = "JSON" } } },
            S3DestinationConfiguration = new { StorageConfiguration = new { BucketARN = Bucket, ExpectedBucketOwner = "111122223333", CompressionType = "NONE" } },
        }, "ResourceNotFoundException");
        var region = await _api.ErrorAsync("CreateChannel", new
        {
            ChannelName = "c",
            ServiceExecutionRoleARN = Role,
            StreamConfigurationList = new[] { new { StreamARN = "arn:aws:kinesis:eu-west-1:000000000000:stream/s", RecordConfiguration = new { RecordFormatType = "JSON" } } },
            S3DestinationConfiguration = new { StorageConfiguration = new { BucketARN = Bucket, ExpectedBucketOwner = "111122223333", CompressionType = "NONE" } },
        }, "ResourceNotFoundException");

        Assert.Equal("Stream nope under account 000000000000 not found.", missing.Message);
        Assert.Equal("Stream s under account 123456789012 not found.", foreign.Message);
        Assert.Equal("Stream s under account 000000000000 not found.", region.Message);
        Assert.Empty((await _api.OkAsync("ListChannels", new { }))["ChannelSummaries"]!.AsArray());
    }

    [Fact]
    public async Task Only_on_demand_streams_take_channels()
    {
        await _api.CreateStreamAsync("provisioned");

        var reply = await _api.ErrorAsync("CreateChannel", S3Channel("c", "provisioned"), "InvalidArgumentException");

        Assert.Equal("Stream provisioned under account 000000000000 is not in ON_DEMAND mode. Channels are supported only for streams in the on-demand capacity mode.", reply.Message);
    }

    [Fact]
    public async Task A_stream_still_being_created_takes_no_channel()
    {
        var api = new ApiHarness(new KinesisOptions { TokenKey = new byte[32], CreateStreamDelay = TimeSpan.FromSeconds(1) });
        await OnDemandStreamAsync(api, "s");

        var reply = await api.ErrorAsync("CreateChannel", S3Channel("c", "s"), "ResourceInUseException");
        api.Clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal("Stream s under account 000000000000 not ACTIVE, instead in state CREATING", reply.Message);
        await api.OkAsync("CreateChannel", S3Channel("c", "s"));
    }

    [Fact]
    public async Task Exactly_one_destination_must_be_given()
    {
        await OnDemandStreamAsync(_api, "s");
        var neither = new
        {
            ChannelName = "c",
            ServiceExecutionRoleARN = Role,
            StreamConfigurationList = new[] { new { StreamARN = StreamArnOf("s"), RecordConfiguration = new { RecordFormatType = "JSON" } } },
        };
        var both = new
        {
            ChannelName = "c",
            ServiceExecutionRoleARN = Role,
            StreamConfigurationList = new[] { new { StreamARN = StreamArnOf("s"), RecordConfiguration = new { RecordFormatType = "JSON", GSRSchemaARN = Schema } } },
            S3DestinationConfiguration = new { StorageConfiguration = new { BucketARN = Bucket, ExpectedBucketOwner = "111122223333", CompressionType = "NONE" } },
            S3TablesDestinationConfiguration = new
            {
                DeadLetterQueueS3Configuration = new { BucketARN = Bucket, ExpectedBucketOwner = "000000000000" },
                S3TablesConfigurationList = new[] { new { TableBucketARN = TableBucket, Namespace = "n", TableName = "t", CompressionType = "NONE" } },
            },
        };

        var first = await _api.ErrorAsync("CreateChannel", neither, "InvalidArgumentException");
        var second = await _api.ErrorAsync("CreateChannel", both, "InvalidArgumentException");

        Assert.Equal("Exactly one of S3DestinationConfiguration or S3TablesDestinationConfiguration must be specified.", first.Message);
        Assert.Equal(first.Message, second.Message);
    }

    [Fact]
    public async Task A_channel_reads_one_stream()
    {
        await OnDemandStreamAsync(_api, "s");
        await OnDemandStreamAsync(_api, "t");

        var reply = await _api.ErrorAsync("CreateChannel", new
        {
            ChannelName = "c",
            ServiceExecutionRoleARN = Role,
            StreamConfigurationList = new[]
            {
                new { StreamARN = StreamArnOf("s"), RecordConfiguration = new { RecordFormatType = "JSON" } },
                new { StreamARN = StreamArnOf("t"), RecordConfiguration = new { RecordFormatType = "JSON" } },
            },
            S3DestinationConfiguration = new { StorageConfiguration = new { BucketARN = Bucket, ExpectedBucketOwner = "111122223333", CompressionType = "NONE" } },
        }, "InvalidArgumentException");

        Assert.Equal("A channel reads exactly one stream; StreamConfigurationList has 2 entries.", reply.Message);
    }

    [Theory]
    [InlineData("GSR_JSON")]
    public async Task An_S3_channel_takes_no_schema_registry_records(string format)
    {
        await OnDemandStreamAsync(_api, "s");

        var reply = await _api.ErrorAsync("CreateChannel", S3Channel("c", "s", format: format), "InvalidArgumentException");

        Assert.Equal($"RecordFormatType {format} is not supported for channels with destination type S3.", reply.Message);
    }

    [Theory]
    [InlineData("STRING")]
    [InlineData("BYTE_ARRAY")]
    public async Task A_streaming_table_takes_only_JSON_records(string format)
    {
        await OnDemandStreamAsync(_api, "s");
        var request = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(TablesChannel("c", "s")))!;
        request["StreamConfigurationList"]![0]!["RecordConfiguration"]!["RecordFormatType"] = format;

        var reply = await _api.SendAsync("CreateChannel", request.ToJsonString());

        Assert.Equal(("InvalidArgumentException", $"RecordFormatType {format} is not supported for channels with destination type S3_TABLES."), (reply.Type, reply.Message));
    }

    [Fact]
    public async Task A_streaming_table_fed_plain_JSON_needs_a_schema()
    {
        await OnDemandStreamAsync(_api, "s");
        var request = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(TablesChannel("c", "s")))!;
        request["StreamConfigurationList"]![0]!["RecordConfiguration"]!.AsObject().Remove("GSRSchemaARN");
        var withEmbeddedSchema = request.DeepClone();
        withEmbeddedSchema["StreamConfigurationList"]![0]!["RecordConfiguration"]!["RecordFormatType"] = "GSR_JSON";

        var reply = await _api.SendAsync("CreateChannel", request.ToJsonString());

        Assert.Equal(("InvalidArgumentException", "GSRSchemaARN must be specified when RecordFormatType is JSON and the destination is S3 Tables."), (reply.Type, reply.Message));
        Assert.Equal(200, (await _api.SendAsync("CreateChannel", withEmbeddedSchema.ToJsonString())).Status);
    }

    [Fact]
    public async Task A_channel_writes_one_table()
    {
        await OnDemandStreamAsync(_api, "s");
        var request = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(TablesChannel("c", "s")))!;
        var tables = request["S3TablesDestinationConfiguration"]!["S3TablesConfigurationList"]!.AsArray();
        tables.Add(tables[0]!.DeepClone());

        var reply = await _api.SendAsync("CreateChannel", request.ToJsonString());

        Assert.Equal(("InvalidArgumentException", "A channel writes exactly one table; S3TablesConfigurationList has 2 entries."), (reply.Type, reply.Message));
    }

    [Theory]
    [InlineData(299)]
    [InlineData(901)]
    [InlineData(0)]
    public async Task Data_freshness_is_between_five_and_fifteen_minutes(int seconds)
    {
        await OnDemandStreamAsync(_api, "s");
        var s3 = new { DataFreshnessInSeconds = seconds, StorageConfiguration = new { BucketARN = Bucket, ExpectedBucketOwner = "111122223333", CompressionType = "NONE" } };

        var reply = await _api.ErrorAsync("CreateChannel", S3Channel("c", "s", s3), "InvalidArgumentException");
        var tables = await _api.ErrorAsync("CreateChannel", TablesChannel("t", "s", seconds), "InvalidArgumentException");

        Assert.Equal($"DataFreshnessInSeconds must be between 300 and 900. Requested value: {seconds}.", reply.Message);
        Assert.Equal(reply.Message, tables.Message);
    }

    [Fact]
    public async Task The_Kinesis_service_key_cannot_encrypt_a_channel()
    {
        await OnDemandStreamAsync(_api, "s");
        var request = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(TablesChannel("c", "s")))!;
        request["EncryptionConfiguration"]!["KeyId"] = "alias/aws/kinesis";

        var reply = await _api.SendAsync("CreateChannel", request.ToJsonString());

        Assert.Equal(("InvalidArgumentException", "The Kinesis Data Streams service key (alias/aws/kinesis) cannot encrypt channel data. Specify a customer managed KMS key."), (reply.Type, reply.Message));
    }

    [Fact]
    public async Task Tags_follow_the_stream_tag_limits()
    {
        await OnDemandStreamAsync(_api, "s");
        var tooMany = Enumerable.Range(0, 51).ToDictionary(i => $"k{i}", i => "v");

        var many = await _api.ErrorAsync("CreateChannel", S3Channel("c", "s", tags: tooMany), "InvalidArgumentException");
        var reserved = await _api.ErrorAsync("CreateChannel", S3Channel("c", "s", tags: new Dictionary<string, string> { ["aws:owner"] = "x" }), "InvalidArgumentException");
        var longKey = await _api.ErrorAsync("CreateChannel", S3Channel("c", "s", tags: new Dictionary<string, string> { [new string('k', 129)] = "x" }), "ValidationException");
        var longValue = await _api.ErrorAsync("CreateChannel", S3Channel("c", "s", tags: new Dictionary<string, string> { ["k"] = new string('v', 257) }), "ValidationException");

        Assert.Equal("Failed to create channel c under account 000000000000 because a given channel cannot have more than 50 tags associated with it.", many.Message);
        Assert.Equal("Tag key aws:owner uses the prefix aws:, which is reserved for AWS use.", reserved.Message);
        Assert.Contains("'tags'", longKey.Message, StringComparison.Ordinal);
        Assert.Contains("'tags'", longValue.Message, StringComparison.Ordinal);
        await _api.OkAsync("CreateChannel", S3Channel("c", "s", tags: Enumerable.Range(0, 50).ToDictionary(i => $"k{i}", i => "v")));
    }

    [Fact]
    public async Task Tags_given_at_creation_are_stored_with_the_channel()
    {
        await OnDemandStreamAsync(_api, "s");

        await _api.OkAsync("CreateChannel", S3Channel("c", "s", tags: new Dictionary<string, string> { ["team"] = "data", ["env"] = "" }));

        var account = await _api.Store.GetAccountAsync(ApiHarness.AccountKey, default);
        Assert.Equal([new("env", ""), new("team", "data")], account!.Channels.Single().Tags);
    }

    [Fact]
    public async Task Requests_that_break_the_model_fail_validation()
    {
        await OnDemandStreamAsync(_api, "s");

        var name = await _api.ErrorAsync("CreateChannel", S3Channel("bad name", "s"), "ValidationException");
        var missing = await _api.ErrorAsync("CreateChannel", new { ChannelName = "c" }, "ValidationException");
        var arn = await _api.ErrorAsync("DescribeChannel", new { ChannelARN = "arn:aws:kinesis:us-east-1:000000000000:stream/s" }, "ValidationException");

        Assert.Contains("channelName", name.Message, StringComparison.Ordinal);
        Assert.Contains("serviceExecutionRoleARN", missing.Message, StringComparison.Ordinal);
        Assert.Contains("channelARN", arn.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_account_channel_limit_is_enforced()
    {
        var api = new ApiHarness(new KinesisOptions { TokenKey = new byte[32], ChannelCountLimit = 2 });
        await OnDemandStreamAsync(api, "s");
        await OnDemandStreamAsync(api, "t");
        await api.OkAsync("CreateChannel", S3Channel("a", "s"));
        await api.OkAsync("CreateChannel", S3Channel("b", "t"));

        var reply = await api.ErrorAsync("CreateChannel", TablesChannel("c", "s"), "LimitExceededException");
        await api.OkAsync("DeleteChannel", new { ChannelARN = ChannelArnOf("a") });

        Assert.Equal("This request would exceed the channel limit for the account 000000000000 in us-east-1. Current channel count for the account: 2. Limit: 2.", reply.Message);
        await api.OkAsync("CreateChannel", TablesChannel("c", "s"));
    }

    [Fact]
    public async Task A_stream_has_at_most_one_channel_per_destination_type()
    {
        await OnDemandStreamAsync(_api, "s");
        await _api.OkAsync("CreateChannel", S3Channel("a", "s"));

        var reply = await _api.ErrorAsync("CreateChannel", S3Channel("b", "s"), "LimitExceededException");

        Assert.Equal("Stream s under account 000000000000 already has a channel with destination type S3.", reply.Message);
        await _api.OkAsync("CreateChannel", TablesChannel("t", "s"));
        Assert.Equal("S3_TABLES", (await _api.ErrorAsync("CreateChannel", TablesChannel("u", "s"), "LimitExceededException")).Message!.Split(' ')[^1].TrimEnd('.'));
    }

    [Fact]
    public async Task Describing_a_channel_that_does_not_exist_is_not_found()
    {
        var missing = await _api.ErrorAsync("DescribeChannel", new { ChannelARN = ChannelArnOf("nope") }, "ResourceNotFoundException");
        var region = await _api.ErrorAsync("DescribeChannel", new { ChannelARN = "arn:aws:kinesis:eu-west-1:000000000000:channel/nope" }, "ResourceNotFoundException");
        var account = await _api.ErrorAsync("DescribeChannel", new { ChannelARN = "arn:aws:kinesis:us-east-1:123456789012:channel/nope" }, "ResourceNotFoundException");
        var malformed = await _api.ErrorAsync("DescribeChannel", new { ChannelARN = "arn:aws:kinesis:us-east-1:000000000000:channel/a/b" }, "InvalidArgumentException");

        Assert.Equal("Channel nope under account 000000000000 not found.", missing.Message);
        Assert.Equal(missing.Message, region.Message);
        Assert.Equal("Channel nope under account 123456789012 not found.", account.Message);
        Assert.Equal("ChannelARN arn:aws:kinesis:us-east-1:000000000000:channel/a/b does not name a channel.", malformed.Message);
    }

    // ---- Lifecycle ----------------------------------------------------------------------------

    [Fact]
    public async Task A_channel_is_CREATING_then_ACTIVE_then_UPDATING_then_ACTIVE_then_DELETING_then_gone()
    {
        var api = WithDelays();
        await OnDemandStreamAsync(api, "s");

        var created = (await api.OkAsync("CreateChannel", S3Channel("c", "s")))["ChannelDescription"]!;
        Assert.Equal("CREATING", Status(created));
        Assert.Equal("CREATING", Status(await DescribeAsync(api, "c")));
        var early = await api.ErrorAsync("UpdateChannel", new { ChannelARN = ChannelArnOf("c"), S3DestinationConfiguration = new { DataFreshnessInSeconds = 600 } }, "ResourceInUseException");
        Assert.Equal("Channel c under account 000000000000 not ACTIVE, instead in state CREATING", early.Message);

        api.Clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal("ACTIVE", Status(await DescribeAsync(api, "c")));

        var updated = (await api.OkAsync("UpdateChannel", new { ChannelARN = ChannelArnOf("c"), S3DestinationConfiguration = new { DataFreshnessInSeconds = 600 } }))["ChannelDescription"]!;
        Assert.Equal("UPDATING", Status(updated));
        Assert.Equal(600, updated["S3DestinationConfiguration"]!["DataFreshnessInSeconds"]!.GetValue<int>());
        Assert.Equal("UPDATING", (await api.OkAsync("ListChannels", new { }))["ChannelSummaries"]![0]!["ChannelStatus"]!.GetValue<string>());
        await api.ErrorAsync("UpdateChannel", new { ChannelARN = ChannelArnOf("c"), S3DestinationConfiguration = new { DataFreshnessInSeconds = 700 } }, "ResourceInUseException");

        api.Clock.Advance(TimeSpan.FromSeconds(9.999));
        Assert.Equal("UPDATING", Status(await DescribeAsync(api, "c")));
        api.Clock.Advance(TimeSpan.FromMilliseconds(1));
        var active = await DescribeAsync(api, "c");
        Assert.Equal("ACTIVE", Status(active));
        Assert.Equal(600, active["S3DestinationConfiguration"]!["DataFreshnessInSeconds"]!.GetValue<int>());

        await api.OkAsync("DeleteChannel", new { ChannelARN = ChannelArnOf("c") });
        Assert.Equal("DELETING", Status(await DescribeAsync(api, "c")));
        await api.OkAsync("DeleteChannel", new { ChannelARN = ChannelArnOf("c") });
        await api.ErrorAsync("UpdateChannel", new { ChannelARN = ChannelArnOf("c"), S3DestinationConfiguration = new { DataFreshnessInSeconds = 700 } }, "ResourceInUseException");
        var taken = await api.ErrorAsync("CreateChannel", S3Channel("c", "s"), "ResourceInUseException");
        Assert.Equal("Channel c under account 000000000000 already exists.", taken.Message);

        api.Clock.Advance(TimeSpan.FromSeconds(5));
        await api.ErrorAsync("DescribeChannel", new { ChannelARN = ChannelArnOf("c") }, "ResourceNotFoundException");
        Assert.Empty((await api.OkAsync("ListChannels", new { }))["ChannelSummaries"]!.AsArray());
        Assert.Equal("CREATING", Status((await api.OkAsync("CreateChannel", S3Channel("c", "s")))["ChannelDescription"]!));
    }

    [Fact]
    public async Task A_channel_can_be_deleted_while_it_is_being_created()
    {
        var api = WithDelays();
        await OnDemandStreamAsync(api, "s");
        await api.OkAsync("CreateChannel", S3Channel("c", "s"));

        api.Clock.Advance(TimeSpan.FromSeconds(6));
        await api.OkAsync("DeleteChannel", new { ChannelARN = ChannelArnOf("c") });
        api.Clock.Advance(TimeSpan.FromSeconds(4));

        // The creation's settle time has passed; the deletion's has not.
        Assert.Equal("DELETING", Status(await DescribeAsync(api, "c")));
        api.Clock.Advance(TimeSpan.FromSeconds(1));
        await api.ErrorAsync("DescribeChannel", new { ChannelARN = ChannelArnOf("c") }, "ResourceNotFoundException");
    }

    [Fact]
    public async Task Without_delays_a_deleted_channel_is_gone_at_once()
    {
        await OnDemandStreamAsync(_api, "s");
        await _api.OkAsync("CreateChannel", S3Channel("c", "s"));

        await _api.OkAsync("DeleteChannel", new { ChannelARN = ChannelArnOf("c") });
        var again = await _api.ErrorAsync("DeleteChannel", new { ChannelARN = ChannelArnOf("c") }, "ResourceNotFoundException");

        Assert.Equal("Channel c under account 000000000000 not found.", again.Message);
        await _api.ErrorAsync("DescribeChannel", new { ChannelARN = ChannelArnOf("c") }, "ResourceNotFoundException");
    }

    // ---- UpdateChannel ------------------------------------------------------------------------

    [Fact]
    public async Task Updating_logging_changes_only_what_was_given()
    {
        await OnDemandStreamAsync(_api, "s");
        await _api.OkAsync("CreateChannel", S3Channel("c", "s"));
        var before = await DescribeAsync(_api, "c");

        var updated = (await _api.OkAsync("UpdateChannel", new { ChannelARN = ChannelArnOf("c"), LoggingConfiguration = new { CloudWatchLogs = new { Enabled = true, LogStreamName = "mine" } } }))["ChannelDescription"]!;

        var logs = updated["LoggingConfiguration"]!["CloudWatchLogs"]!;
        Assert.True(logs["Enabled"]!.GetValue<bool>());
        Assert.Equal("mine", logs["LogStreamName"]!.GetValue<string>());
        Assert.Equal(before["LoggingConfiguration"]!["CloudWatchLogs"]!["LogGroupName"]!.GetValue<string>(), logs["LogGroupName"]!.GetValue<string>());
        Assert.Equal(300, updated["S3DestinationConfiguration"]!["DataFreshnessInSeconds"]!.GetValue<int>());
        Assert.Equal(before["ChannelId"]!.GetValue<string>(), updated["ChannelId"]!.GetValue<string>());
        Assert.Equal(updated.ToJsonString(), (await DescribeAsync(_api, "c")).ToJsonString());
    }

    [Fact]
    public async Task A_streaming_table_channel_updates_its_freshness()
    {
        await OnDemandStreamAsync(_api, "s");
        await _api.OkAsync("CreateChannel", TablesChannel("t", "s"));

        await _api.OkAsync("UpdateChannel", new { ChannelARN = ChannelArnOf("t"), S3TablesDestinationConfiguration = new { DataFreshnessInSeconds = 450 } });

        Assert.Equal(450, (await DescribeAsync(_api, "t"))["S3TablesDestinationConfiguration"]!["DataFreshnessInSeconds"]!.GetValue<int>());
    }

    [Fact]
    public async Task UpdateChannel_refuses_what_cannot_change()
    {
        await OnDemandStreamAsync(_api, "s");
        await _api.OkAsync("CreateChannel", S3Channel("c", "s"));
        var arn = ChannelArnOf("c");

        var nothing = await _api.ErrorAsync("UpdateChannel", new { ChannelARN = arn }, "InvalidArgumentException");
        var both = await _api.ErrorAsync("UpdateChannel", new { ChannelARN = arn, S3DestinationConfiguration = new { DataFreshnessInSeconds = 600 }, S3TablesDestinationConfiguration = new { DataFreshnessInSeconds = 600 } }, "InvalidArgumentException");
        var wrong = await _api.ErrorAsync("UpdateChannel", new { ChannelARN = arn, S3TablesDestinationConfiguration = new { DataFreshnessInSeconds = 600 } }, "InvalidArgumentException");
        var range = await _api.ErrorAsync("UpdateChannel", new { ChannelARN = arn, S3DestinationConfiguration = new { DataFreshnessInSeconds = 1000 } }, "InvalidArgumentException");
        var missing = await _api.ErrorAsync("UpdateChannel", new { ChannelARN = ChannelArnOf("nope"), LoggingConfiguration = new { CloudWatchLogs = new { Enabled = true } } }, "ResourceNotFoundException");
        var required = await _api.ErrorAsync("UpdateChannel", new { ChannelARN = arn, S3DestinationConfiguration = new { } }, "ValidationException");

        Assert.Equal("At least one of S3DestinationConfiguration, S3TablesDestinationConfiguration or LoggingConfiguration must be specified.", nothing.Message);
        Assert.Equal("S3DestinationConfiguration and S3TablesDestinationConfiguration cannot be specified together.", both.Message);
        Assert.Equal("Channel c has destination type S3; S3TablesDestinationConfiguration cannot be specified.", wrong.Message);
        Assert.Equal("DataFreshnessInSeconds must be between 300 and 900. Requested value: 1000.", range.Message);
        Assert.Equal("Channel nope under account 000000000000 not found.", missing.Message);
        Assert.Contains("s3DestinationConfiguration.dataFreshnessInSeconds", required.Message, StringComparison.Ordinal);
        Assert.Equal(300, (await DescribeAsync(_api, "c"))["S3DestinationConfiguration"]!["DataFreshnessInSeconds"]!.GetValue<int>());
    }

    // ---- ListChannels -------------------------------------------------------------------------

    [Fact]
    public async Task ListChannels_pages_in_name_order()
    {
        foreach (var name in new[] { "e", "b", "d", "a", "c" })
        {
            await OnDemandStreamAsync(_api, "s-" + name);
            await _api.OkAsync("CreateChannel", S3Channel(name, "s-" + name));
        }

        var first = await _api.OkAsync("ListChannels", new { MaxResults = 2 });
        var second = await _api.OkAsync("ListChannels", new { MaxResults = 2, NextToken = first["NextToken"]!.GetValue<string>() });
        var last = await _api.OkAsync("ListChannels", new { MaxResults = 2, NextToken = second["NextToken"]!.GetValue<string>() });
        var all = await _api.OkAsync("ListChannels", new { MaxResults = 10000 });

        static string[] Names(JsonObject page) => [.. page["ChannelSummaries"]!.AsArray().Select(s => s!["ChannelName"]!.GetValue<string>())];
        Assert.Equal(["a", "b"], Names(first));
        Assert.Equal(["c", "d"], Names(second));
        Assert.Equal(["e"], Names(last));
        Assert.Null(last["NextToken"]);
        Assert.Equal(["a", "b", "c", "d", "e"], Names(all));
        Assert.Null(all["NextToken"]);
    }

    [Fact]
    public async Task A_channel_summary_names_its_destination_and_streams()
    {
        await OnDemandStreamAsync(_api, "s");
        await _api.OkAsync("CreateChannel", S3Channel("a", "s"));
        await _api.OkAsync("CreateChannel", TablesChannel("b", "s"));
        var created = (await DescribeAsync(_api, "a"))["StreamConfigurationList"]![0]!["StreamCreationTimestamp"]!.GetValue<double>();

        var summaries = (await _api.OkAsync("ListChannels", new { }))["ChannelSummaries"]!.AsArray();

        Assert.Equal("S3", summaries[0]!["ChannelDestinationType"]!.GetValue<string>());
        Assert.Equal("S3_TABLES", summaries[1]!["ChannelDestinationType"]!.GetValue<string>());
        Assert.Equal(ChannelArnOf("a"), summaries[0]!["ChannelARN"]!.GetValue<string>());
        Assert.Equal("ACTIVE", summaries[0]!["ChannelStatus"]!.GetValue<string>());
        Assert.Matches("^[a-z0-9]{20}$", summaries[0]!["ChannelId"]!.GetValue<string>());
        Assert.NotNull(summaries[0]!["ChannelCreationTimestamp"]);
        Assert.Equal(StreamArnOf("s"), summaries[0]!["Streams"]![0]!["StreamARN"]!.GetValue<string>());
        Assert.Equal(created, summaries[0]!["Streams"]![0]!["StreamCreationTimestamp"]!.GetValue<double>());
    }

    [Fact]
    public async Task The_stream_filter_selects_channels_reading_the_given_streams()
    {
        _api.Clock.Advance(TimeSpan.FromMilliseconds(250));
        await OnDemandStreamAsync(_api, "s");
        var created = _api.Clock.NowMs;
        await OnDemandStreamAsync(_api, "t");
        await OnDemandStreamAsync(_api, "u");
        await _api.OkAsync("CreateChannel", S3Channel("on-s", "s"));
        await _api.OkAsync("CreateChannel", TablesChannel("also-on-s", "s"));
        await _api.OkAsync("CreateChannel", S3Channel("on-t", "t"));
        await _api.OkAsync("CreateChannel", S3Channel("on-u", "u"));

        async Task<string[]> NamesAsync(object body) =>
            [.. (await _api.OkAsync("ListChannels", body))["ChannelSummaries"]!.AsArray().Select(s => s!["ChannelName"]!.GetValue<string>())];

        Assert.Equal(["also-on-s", "on-s"], await NamesAsync(new { StreamFilter = new[] { new { StreamARN = StreamArnOf("s") } } }));
        Assert.Equal(["on-t", "on-u"], await NamesAsync(new { StreamFilter = new[] { new { StreamARN = StreamArnOf("u") }, new { StreamARN = StreamArnOf("t") } } }));
        Assert.Empty(await NamesAsync(new { StreamFilter = new[] { new { StreamARN = StreamArnOf("none") } } }));
        Assert.Equal(["also-on-s", "on-s"], await NamesAsync(new { StreamFilter = new[] { new { StreamARN = StreamArnOf("s"), StreamCreationTimestamp = created / 1000.0 } } }));

        // boto3 drops the milliseconds of a timestamp; the second the stream was created in still names it.
        Assert.Equal(["also-on-s", "on-s"], await NamesAsync(new { StreamFilter = new[] { new { StreamARN = StreamArnOf("s"), StreamCreationTimestamp = created / 1000 } } }));
        Assert.Empty(await NamesAsync(new { StreamFilter = new[] { new { StreamARN = StreamArnOf("s"), StreamCreationTimestamp = (created / 1000) - 1 } } }));

        var page = await _api.OkAsync("ListChannels", new { StreamFilter = new[] { new { StreamARN = StreamArnOf("s") } }, MaxResults = 1 });
        var next = await _api.OkAsync("ListChannels", new { StreamFilter = new[] { new { StreamARN = StreamArnOf("s") } }, MaxResults = 1, NextToken = page["NextToken"]!.GetValue<string>() });
        Assert.Equal("on-s", next["ChannelSummaries"]![0]!["ChannelName"]!.GetValue<string>());
        Assert.Null(next["NextToken"]);
    }

    [Fact]
    public async Task ListChannels_tokens_are_checked_and_expire_after_five_minutes()
    {
        foreach (var name in new[] { "a", "b" })
        {
            await OnDemandStreamAsync(_api, "s-" + name);
            await _api.OkAsync("CreateChannel", S3Channel(name, "s-" + name));
        }

        var token = (await _api.OkAsync("ListChannels", new { MaxResults = 1 }))["NextToken"]!.GetValue<string>();
        var streamToken = (await _api.OkAsync("ListStreams", new { Limit = 1 }))["NextToken"]!.GetValue<string>();

        var garbled = await _api.ErrorAsync("ListChannels", new { NextToken = "bm90IGEgdG9rZW4=" }, "InvalidArgumentException");
        var otherKind = await _api.ErrorAsync("ListChannels", new { NextToken = streamToken }, "InvalidArgumentException");
        _api.Clock.Advance(TimeSpan.FromSeconds(301));
        var expired = await _api.ErrorAsync("ListChannels", new { NextToken = token }, "ExpiredNextTokenException");

        Assert.Equal("Invalid NextToken.", garbled.Message);
        Assert.Equal("Invalid NextToken.", otherKind.Message);
        Assert.Equal("The requested token has expired.", expired.Message);
        await _api.ErrorAsync("ListChannels", new { MaxResults = 0 }, "ValidationException");
    }

    [Fact]
    public async Task An_account_without_channels_lists_none()
    {
        var page = await _api.OkAsync("ListChannels", new { });

        Assert.Empty(page["ChannelSummaries"]!.AsArray());
        Assert.Null(page["NextToken"]);
    }

    // ---- Streams and their channels -----------------------------------------------------------

    [Fact]
    public async Task The_stream_summary_counts_the_channels_reading_it()
    {
        var api = WithDelays();
        await OnDemandStreamAsync(api, "s");
        await OnDemandStreamAsync(api, "t");
        Assert.Equal(0, (await api.OkAsync("DescribeStreamSummary", new { StreamName = "s" }))["StreamDescriptionSummary"]!["ChannelCount"]!.GetValue<int>());

        await api.OkAsync("CreateChannel", S3Channel("a", "s"));
        await api.OkAsync("CreateChannel", TablesChannel("b", "s"));
        await api.OkAsync("CreateChannel", S3Channel("c", "t"));
        await api.OkAsync("DeleteChannel", new { ChannelARN = ChannelArnOf("b") });

        Assert.Equal(2, (await api.OkAsync("DescribeStreamSummary", new { StreamName = "s" }))["StreamDescriptionSummary"]!["ChannelCount"]!.GetValue<int>());
        api.Clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(1, (await api.OkAsync("DescribeStreamSummary", new { StreamName = "s" }))["StreamDescriptionSummary"]!["ChannelCount"]!.GetValue<int>());
        Assert.Equal(1, (await api.OkAsync("DescribeStreamSummary", new { StreamName = "t" }))["StreamDescriptionSummary"]!["ChannelCount"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_stream_with_channels_cannot_be_deleted()
    {
        var api = WithDelays();
        await OnDemandStreamAsync(api, "s");
        await api.OkAsync("CreateChannel", S3Channel("c", "s"));

        var reply = await api.ErrorAsync("DeleteStream", new { StreamName = "s", EnforceConsumerDeletion = true }, "ResourceInUseException");
        await api.OkAsync("DeleteChannel", new { ChannelARN = ChannelArnOf("c") });

        Assert.Equal("Stream s under account 000000000000 has channels. Delete its channels before deleting the stream.", reply.Message);
        await api.OkAsync("DeleteStream", new { StreamName = "s" });
    }

    [Fact]
    public async Task A_channel_whose_stream_disappeared_has_FAILED_and_can_still_be_deleted()
    {
        await OnDemandStreamAsync(_api, "s");
        await _api.OkAsync("CreateChannel", S3Channel("c", "s"));
        var stream = (await _api.Store.GetStreamAsync(new StreamKey(ApiHarness.Account, ApiHarness.Region, "s"), default))!;

        // What a DeleteStream racing the CreateChannel leaves behind; then a new stream of the same name.
        await _api.Store.DeleteStreamAsync(stream.Key, stream.CreatedAtMs, default);
        _api.Clock.Advance(TimeSpan.FromSeconds(1));
        await OnDemandStreamAsync(_api, "s");

        var described = await DescribeAsync(_api, "c");
        Assert.Equal("FAILED", Status(described));
        Assert.Equal($"The source stream {StreamArnOf("s")} no longer exists.", described["ChannelStatusReason"]!.GetValue<string>());
        var summary = (await _api.OkAsync("ListChannels", new { }))["ChannelSummaries"]![0]!;
        Assert.Equal(("FAILED", described["ChannelStatusReason"]!.GetValue<string>()), (summary["ChannelStatus"]!.GetValue<string>(), summary["ChannelStatusReason"]!.GetValue<string>()));
        var update = await _api.ErrorAsync("UpdateChannel", new { ChannelARN = ChannelArnOf("c"), S3DestinationConfiguration = new { DataFreshnessInSeconds = 600 } }, "ResourceInUseException");
        Assert.Equal("Channel c under account 000000000000 not ACTIVE, instead in state FAILED", update.Message);
        Assert.Equal(0, (await _api.OkAsync("DescribeStreamSummary", new { StreamName = "s" }))["StreamDescriptionSummary"]!["ChannelCount"]!.GetValue<int>());
        await _api.OkAsync("DeleteStream", new { StreamName = "s" });

        await _api.OkAsync("DeleteChannel", new { ChannelARN = ChannelArnOf("c") });
        await _api.ErrorAsync("DescribeChannel", new { ChannelARN = ChannelArnOf("c") }, "ResourceNotFoundException");
    }

    [Fact]
    public async Task Channels_are_per_account()
    {
        await OnDemandStreamAsync(_api, "s");
        await _api.OkAsync("CreateChannel", S3Channel("c", "s"));
        var other = await _api.SendAsync("ListChannels", "{}", ApiHarness.Authorization.Replace("AKIAIOSFODNN7EXAMPLE", "123456789012", StringComparison.Ordinal));

        Assert.Equal("{\"ChannelSummaries\":[]}", other.Body);
    }
}
