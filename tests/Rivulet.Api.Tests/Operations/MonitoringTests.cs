using System.Text.Json.Nodes;

namespace Rivulet.Api.Tests.Operations;

/// <summary>EnableEnhancedMonitoring and DisableEnhancedMonitoring, and the EnhancedMonitoring the describes show.</summary>
public sealed class MonitoringTests
{
    private static readonly string[] Every =
    [
        "IncomingBytes", "IncomingRecords", "OutgoingBytes", "OutgoingRecords",
        "WriteProvisionedThroughputExceeded", "ReadProvisionedThroughputExceeded", "IteratorAgeMilliseconds",
    ];

    private readonly ApiHarness _api = new();

    [Fact]
    public async Task Enabling_metrics_answers_with_the_metrics_before_and_after()
    {
        await _api.CreateStreamAsync("s");

        var first = await _api.OkAsync("EnableEnhancedMonitoring", new { StreamName = "s", ShardLevelMetrics = new[] { "OutgoingBytes", "IncomingBytes" } });
        var second = await _api.OkAsync("EnableEnhancedMonitoring", new { StreamName = "s", ShardLevelMetrics = new[] { "IteratorAgeMilliseconds", "IncomingBytes" } });

        Assert.Equal("s", first["StreamName"]!.GetValue<string>());
        Assert.Equal("arn:aws:kinesis:us-east-1:000000000000:stream/s", first["StreamARN"]!.GetValue<string>());
        Assert.Empty(Names(first["CurrentShardLevelMetrics"]));
        Assert.Equal(["IncomingBytes", "OutgoingBytes"], Names(first["DesiredShardLevelMetrics"]));
        Assert.Equal(["IncomingBytes", "OutgoingBytes"], Names(second["CurrentShardLevelMetrics"]));
        Assert.Equal(["IncomingBytes", "OutgoingBytes", "IteratorAgeMilliseconds"], Names(second["DesiredShardLevelMetrics"]));
        Assert.Equal(["IncomingBytes", "OutgoingBytes", "IteratorAgeMilliseconds"], await DescribedAsync());
    }

    [Fact]
    public async Task ALL_stands_for_every_metric_when_enabling_and_disabling()
    {
        await _api.CreateStreamAsync("s");

        var enabled = await _api.OkAsync("EnableEnhancedMonitoring", new { StreamARN = "arn:aws:kinesis:us-east-1:000000000000:stream/s", ShardLevelMetrics = new[] { "ALL" } });
        Assert.Equal(Every, Names(enabled["DesiredShardLevelMetrics"]));
        Assert.Equal(Every, await DescribedAsync());
        var summary = (await _api.OkAsync("DescribeStreamSummary", new { StreamName = "s" }))["StreamDescriptionSummary"]!;
        Assert.Equal(Every, Names(summary["EnhancedMonitoring"]![0]!["ShardLevelMetrics"]));

        var disabled = await _api.OkAsync("DisableEnhancedMonitoring", new { StreamName = "s", ShardLevelMetrics = new[] { "ALL" } });
        Assert.Equal(Every, Names(disabled["CurrentShardLevelMetrics"]));
        Assert.Empty(Names(disabled["DesiredShardLevelMetrics"]));
        Assert.Empty(await DescribedAsync());
    }

    [Fact]
    public async Task Disabling_removes_only_the_metrics_named()
    {
        await _api.CreateStreamAsync("s");
        await _api.OkAsync("EnableEnhancedMonitoring", new { StreamName = "s", ShardLevelMetrics = new[] { "IncomingBytes", "IncomingRecords", "OutgoingRecords" } });

        var output = await _api.OkAsync("DisableEnhancedMonitoring", new { StreamName = "s", ShardLevelMetrics = new[] { "IncomingRecords", "OutgoingBytes" } });

        Assert.Equal(["IncomingBytes", "IncomingRecords", "OutgoingRecords"], Names(output["CurrentShardLevelMetrics"]));
        Assert.Equal(["IncomingBytes", "OutgoingRecords"], Names(output["DesiredShardLevelMetrics"]));
        Assert.Equal(["IncomingBytes", "OutgoingRecords"], await DescribedAsync());
    }

    [Fact]
    public async Task A_stream_without_enhanced_monitoring_shows_one_empty_entry()
    {
        await _api.CreateStreamAsync("s");

        var description = (await _api.OkAsync("DescribeStream", new { StreamName = "s" }))["StreamDescription"]!;

        Assert.Equal("""[{"ShardLevelMetrics":[]}]""", description["EnhancedMonitoring"]!.ToJsonString());
    }

    [Theory]
    [InlineData("EnableEnhancedMonitoring")]
    [InlineData("DisableEnhancedMonitoring")]
    public async Task Unknown_metrics_an_empty_list_and_missing_streams_are_refused(string operation)
    {
        await _api.CreateStreamAsync("s");

        var unknown = await _api.ErrorAsync(operation, new { StreamName = "s", ShardLevelMetrics = new[] { "Bytes" } }, "ValidationException");
        await _api.ErrorAsync(operation, new { StreamName = "s", ShardLevelMetrics = Array.Empty<string>() }, "ValidationException");
        await _api.ErrorAsync(operation, new { StreamName = "s" }, "ValidationException");
        var missing = await _api.ErrorAsync(operation, new { StreamName = "nope", ShardLevelMetrics = new[] { "ALL" } }, "ResourceNotFoundException");

        Assert.Contains("shardLevelMetrics", unknown.Message, StringComparison.Ordinal);
        Assert.Equal("Stream nope under account 000000000000 not found.", missing.Message);
    }

    [Fact]
    public async Task Only_an_ACTIVE_stream_takes_a_change()
    {
        var api = new ApiHarness(new KinesisOptions { TokenKey = new byte[32], UpdateStreamDelay = TimeSpan.FromSeconds(1) });
        await api.CreateStreamAsync("s");
        await api.OkAsync("StartStreamEncryption", new { StreamName = "s", EncryptionType = "KMS", KeyId = "alias/aws/kinesis" });

        var reply = await api.ErrorAsync("EnableEnhancedMonitoring", new { StreamName = "s", ShardLevelMetrics = new[] { "ALL" } }, "ResourceInUseException");

        Assert.Equal("Stream s under account 000000000000 not ACTIVE, instead in state UPDATING", reply.Message);
    }

    private static string[] Names(JsonNode? list) => [.. list!.AsArray().Select(name => name!.GetValue<string>())];

    private async Task<string[]> DescribedAsync()
    {
        var description = (await _api.OkAsync("DescribeStream", new { StreamName = "s" }))["StreamDescription"]!;
        return Names(Assert.Single(description["EnhancedMonitoring"]!.AsArray())!["ShardLevelMetrics"]);
    }
}
