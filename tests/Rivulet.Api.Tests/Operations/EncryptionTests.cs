namespace Rivulet.Api.Tests.Operations;

/// <summary>StartStreamEncryption and StopStreamEncryption, and what encryption shows in describes, writes and reads.</summary>
public sealed class EncryptionTests
{
    private const string Key = "arn:aws:kms:us-east-1:123456789012:key/12345678-1234-1234-1234-123456789012";

    private readonly ApiHarness _api = new();

    [Fact]
    public async Task An_encrypted_stream_says_so_in_describes_writes_and_reads()
    {
        await _api.CreateStreamAsync("s");

        await _api.OkAsync("StartStreamEncryption", new { StreamName = "s", EncryptionType = "KMS", KeyId = Key });

        var description = (await _api.OkAsync("DescribeStream", new { StreamName = "s" }))["StreamDescription"]!;
        Assert.Equal(("ACTIVE", "KMS", Key), (description["StreamStatus"]!.GetValue<string>(), description["EncryptionType"]!.GetValue<string>(), description["KeyId"]!.GetValue<string>()));
        var summary = (await _api.OkAsync("DescribeStreamSummary", new { StreamName = "s" }))["StreamDescriptionSummary"]!;
        Assert.Equal(("KMS", Key), (summary["EncryptionType"]!.GetValue<string>(), summary["KeyId"]!.GetValue<string>()));
        var put = await _api.OkAsync("PutRecord", new { StreamName = "s", PartitionKey = "k", Data = "AQI=" });
        Assert.Equal("KMS", put["EncryptionType"]!.GetValue<string>());
        var puts = await _api.OkAsync("PutRecords", new { StreamName = "s", Records = new[] { new { PartitionKey = "k", Data = "AwQ=" } } });
        Assert.Equal("KMS", puts["EncryptionType"]!.GetValue<string>());
        var records = await ReadAsync("s");
        Assert.Equal(2, records.Count);
        Assert.All(records, record => Assert.Equal("KMS", record!["EncryptionType"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Stopping_encryption_returns_the_stream_to_NONE_without_a_key()
    {
        await _api.CreateStreamAsync("s");
        await _api.OkAsync("StartStreamEncryption", new { StreamName = "s", EncryptionType = "KMS", KeyId = "alias/aws/kinesis" });

        await _api.OkAsync("StopStreamEncryption", new { StreamName = "s", EncryptionType = "KMS", KeyId = "alias/aws/kinesis" });

        var description = (await _api.OkAsync("DescribeStream", new { StreamName = "s" }))["StreamDescription"]!.AsObject();
        Assert.Equal("NONE", description["EncryptionType"]!.GetValue<string>());
        Assert.False(description.ContainsKey("KeyId"));
        Assert.Equal("NONE", (await _api.OkAsync("PutRecord", new { StreamName = "s", PartitionKey = "k", Data = "AQI=" }))["EncryptionType"]!.GetValue<string>());
        Assert.False(Assert.Single(await ReadAsync("s"))!.AsObject().ContainsKey("EncryptionType"));
    }

    [Theory]
    [InlineData("12345678-1234-1234-1234-123456789012")]
    [InlineData("mrk-1234abcd12ab34cd56ef1234567890ab")]
    [InlineData("arn:aws:kms:us-east-1:123456789012:key/12345678-1234-1234-1234-123456789012")]
    [InlineData("arn:aws:kms:eu-west-1:123456789012:key/mrk-1234abcd12ab34cd56ef1234567890ab")]
    [InlineData("alias/MyAliasName")]
    [InlineData("alias/aws/kinesis")]
    [InlineData("arn:aws:kms:us-east-1:123456789012:alias/MyAliasName")]
    [InlineData("arn:aws-cn:kms:cn-north-1:123456789012:alias/aws/kinesis")]
    public async Task Every_form_of_key_AWS_accepts_is_accepted_and_reported_as_given(string keyId)
    {
        await _api.CreateStreamAsync("s");

        await _api.OkAsync("StartStreamEncryption", new { StreamARN = "arn:aws:kinesis:us-east-1:000000000000:stream/s", EncryptionType = "KMS", KeyId = keyId });

        Assert.Equal(keyId, (await _api.OkAsync("DescribeStreamSummary", new { StreamName = "s" }))["StreamDescriptionSummary"]!["KeyId"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("my-key")]
    [InlineData("12345678-1234-1234-1234-12345678901")]
    [InlineData("key/12345678-1234-1234-1234-123456789012")]
    [InlineData("alias/")]
    [InlineData("arn:aws:kms:us-east-1:123456789012:12345678-1234-1234-1234-123456789012")]
    [InlineData("arn:aws:s3:::bucket")]
    public async Task A_key_of_no_valid_form_is_refused(string keyId)
    {
        await _api.CreateStreamAsync("s");

        var reply = await _api.ErrorAsync("StartStreamEncryption", new { StreamName = "s", EncryptionType = "KMS", KeyId = keyId }, "InvalidArgumentException");

        Assert.Equal($"KeyId {keyId} is not a valid KMS key. Specify a key ID, a key ARN, an alias name prefixed by \"alias/\" or an alias ARN.", reply.Message);
        Assert.Equal("NONE", (await _api.OkAsync("DescribeStream", new { StreamName = "s" }))["StreamDescription"]!["EncryptionType"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("StartStreamEncryption")]
    [InlineData("StopStreamEncryption")]
    public async Task Only_KMS_is_a_valid_encryption_type(string operation)
    {
        await _api.CreateStreamAsync("s");

        var reply = await _api.ErrorAsync(operation, new { StreamName = "s", EncryptionType = "NONE", KeyId = "alias/aws/kinesis" }, "InvalidArgumentException");
        var unknown = await _api.ErrorAsync(operation, new { StreamName = "s", EncryptionType = "AES", KeyId = "alias/aws/kinesis" }, "ValidationException");
        var missing = await _api.ErrorAsync(operation, new { StreamName = "s", EncryptionType = "KMS" }, "ValidationException");

        Assert.Equal($"EncryptionType NONE is not valid for {operation}. The only valid EncryptionType is KMS.", reply.Message);
        Assert.Equal("1 validation error detected: Value at 'encryptionType' failed to satisfy constraint: Member must satisfy enum value set: [NONE, KMS].", unknown.Message);
        Assert.Equal("1 validation error detected: Value at 'keyId' failed to satisfy constraint: Member must not be null.", missing.Message);
    }

    [Fact]
    public async Task The_stream_is_UPDATING_until_the_change_has_taken_and_takes_no_other_change_meanwhile()
    {
        var api = new ApiHarness(new KinesisOptions { TokenKey = new byte[32], UpdateStreamDelay = TimeSpan.FromSeconds(2) });
        await api.CreateStreamAsync("s");

        await api.OkAsync("StartStreamEncryption", new { StreamName = "s", EncryptionType = "KMS", KeyId = "alias/aws/kinesis" });

        Assert.Equal("UPDATING", await StatusAsync(api));
        var busy = await api.ErrorAsync("StopStreamEncryption", new { StreamName = "s", EncryptionType = "KMS", KeyId = "alias/aws/kinesis" }, "ResourceInUseException");
        Assert.Equal("Stream s under account 000000000000 not ACTIVE, instead in state UPDATING", busy.Message);
        await api.OkAsync("PutRecord", new { StreamName = "s", PartitionKey = "k", Data = "AQI=" });
        api.Clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal("ACTIVE", await StatusAsync(api));
        await api.OkAsync("StopStreamEncryption", new { StreamName = "s", EncryptionType = "KMS", KeyId = "alias/aws/kinesis" });
        Assert.Equal("UPDATING", await StatusAsync(api));
    }

    [Fact]
    public async Task Encryption_can_be_started_and_stopped_25_times_each_in_a_rolling_day()
    {
        await _api.CreateStreamAsync("s");
        var first = _api.Clock.NowMs;
        for (var i = 0; i < 25; i++)
        {
            await _api.OkAsync("StartStreamEncryption", new { StreamName = "s", EncryptionType = "KMS", KeyId = "alias/aws/kinesis" });
            _api.Clock.Advance(TimeSpan.FromMinutes(1));
            await _api.OkAsync("StopStreamEncryption", new { StreamName = "s", EncryptionType = "KMS", KeyId = "alias/aws/kinesis" });
            _api.Clock.Advance(TimeSpan.FromMinutes(9));
        }

        var start = await _api.ErrorAsync("StartStreamEncryption", new { StreamName = "s", EncryptionType = "KMS", KeyId = "alias/aws/kinesis" }, "LimitExceededException");
        Assert.Equal("StartStreamEncryption has been called successfully 25 times for stream s under account 000000000000 in the last 24 hours, the most allowed in a rolling 24-hour period.", start.Message);

        // A day after the first start it no longer counts; the first stop, a minute later, still does.
        _api.Clock.Advance(TimeSpan.FromMilliseconds(first + (24 * 3_600_000) + 30_000 - _api.Clock.NowMs));
        await _api.OkAsync("StartStreamEncryption", new { StreamName = "s", EncryptionType = "KMS", KeyId = "alias/aws/kinesis" });
        var stop = await _api.ErrorAsync("StopStreamEncryption", new { StreamName = "s", EncryptionType = "KMS", KeyId = "alias/aws/kinesis" }, "LimitExceededException");
        Assert.Equal("StopStreamEncryption has been called successfully 25 times for stream s under account 000000000000 in the last 24 hours, the most allowed in a rolling 24-hour period.", stop.Message);
        Assert.Equal("KMS", (await _api.OkAsync("DescribeStream", new { StreamName = "s" }))["StreamDescription"]!["EncryptionType"]!.GetValue<string>());

        _api.Clock.Advance(TimeSpan.FromMinutes(1));
        await _api.OkAsync("StopStreamEncryption", new { StreamName = "s", EncryptionType = "KMS", KeyId = "alias/aws/kinesis" });
    }

    [Fact]
    public async Task Stopping_encryption_of_a_stream_that_has_none_changes_nothing()
    {
        var api = new ApiHarness(new KinesisOptions { TokenKey = new byte[32], UpdateStreamDelay = TimeSpan.FromSeconds(2) });
        await api.CreateStreamAsync("s");

        await api.OkAsync("StopStreamEncryption", new { StreamName = "s", EncryptionType = "KMS", KeyId = "alias/aws/kinesis" });

        Assert.Equal("ACTIVE", await StatusAsync(api));
    }

    [Fact]
    public async Task A_missing_stream_is_not_found()
    {
        var start = await _api.ErrorAsync("StartStreamEncryption", new { StreamName = "nope", EncryptionType = "KMS", KeyId = "alias/aws/kinesis" }, "ResourceNotFoundException");
        var stop = await _api.ErrorAsync("StopStreamEncryption", new { StreamName = "nope", EncryptionType = "KMS", KeyId = "alias/aws/kinesis" }, "ResourceNotFoundException");

        Assert.Equal("Stream nope under account 000000000000 not found.", start.Message);
        Assert.Equal(start.Message, stop.Message);
    }

    private static async Task<string> StatusAsync(ApiHarness api) =>
        (await api.OkAsync("DescribeStreamSummary", new { StreamName = "s" }))["StreamDescriptionSummary"]!["StreamStatus"]!.GetValue<string>();

    private async Task<System.Text.Json.Nodes.JsonArray> ReadAsync(string stream)
    {
        var iterator = (await _api.OkAsync("GetShardIterator", new { StreamName = stream, ShardId = "shardId-000000000000", ShardIteratorType = "TRIM_HORIZON" }))["ShardIterator"]!.GetValue<string>();
        return (await _api.OkAsync("GetRecords", new { ShardIterator = iterator }))["Records"]!.AsArray();
    }
}
