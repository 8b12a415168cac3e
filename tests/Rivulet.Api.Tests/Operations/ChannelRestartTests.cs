using System.Text.Json.Nodes;
using Rivulet.Storage.Local;

namespace Rivulet.Api.Tests.Operations;

/// <summary>Channels live in the account's durable metadata: a server started again on the same data directory shows them as they were.</summary>
public sealed class ChannelRestartTests : IDisposable
{
    private const string ChannelArn = "arn:aws:kinesis:us-east-1:000000000000:channel/orders";
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "rivulet-channels-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => Directory.Delete(_dataDirectory, recursive: true);

    [Fact]
    public async Task A_channel_and_its_pending_state_survive_a_restart()
    {
        var options = new KinesisOptions { TokenKey = new byte[32], UpdateStreamDelay = TimeSpan.FromSeconds(10) };
        LocalStreamStore? first = null;
        var api = new ApiHarness(options, clock => first = Open(clock));
        await api.OkAsync("CreateStream", new { StreamName = "s", StreamModeDetails = new { StreamMode = "ON_DEMAND" } });
        var created = (await api.OkAsync("CreateChannel", new
        {
            ChannelName = "orders",
            ServiceExecutionRoleARN = "arn:aws:iam::000000000000:role/delivery",
            StreamConfigurationList = new[] { new { StreamARN = "arn:aws:kinesis:us-east-1:000000000000:stream/s", RecordConfiguration = new { RecordFormatType = "STRING" } } },
            S3DestinationConfiguration = new
            {
                DataFreshnessInSeconds = 420,
                StorageConfiguration = new { BucketARN = "arn:aws:s3:::bucket", ExpectedBucketOwner = "000000000000", CompressionType = "ZSTD", OutputKeyTemplate = "year={yyyy}/" },
            },
            Tags = new Dictionary<string, string> { ["team"] = "data" },
        }))["ChannelDescription"]!;
        await first!.DisposeAsync();

        LocalStreamStore? second = null;
        var restarted = new ApiHarness(options, clock => second = Open(clock));
        try
        {
            var described = (await restarted.OkAsync("DescribeChannel", new { ChannelARN = ChannelArn }))["ChannelDescription"]!;
            Assert.Equal(created.ToJsonString(), described.ToJsonString());
            Assert.Equal("CREATING", described["ChannelStatus"]!.GetValue<string>());
            Assert.Equal("data", (await second!.GetAccountAsync(ApiHarness.AccountKey, default))!.Channels.Single().Tags["team"]);

            restarted.Clock.Advance(TimeSpan.FromSeconds(10));
            var active = (await restarted.OkAsync("DescribeChannel", new { ChannelARN = ChannelArn }))["ChannelDescription"]!;
            Assert.Equal("ACTIVE", active["ChannelStatus"]!.GetValue<string>());
            Assert.Equal("year={yyyy}/", active["S3DestinationConfiguration"]!["StorageConfiguration"]!["OutputKeyTemplate"]!.GetValue<string>());
            Assert.Equal(1, (await restarted.OkAsync("DescribeStreamSummary", new { StreamName = "s" }))["StreamDescriptionSummary"]!["ChannelCount"]!.GetValue<int>());
            Assert.Single((await restarted.OkAsync("ListChannels", new { }))["ChannelSummaries"]!.AsArray());
        }
        finally
        {
            await second!.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_deleted_channel_stays_deleted_after_a_restart()
    {
        var options = new KinesisOptions { TokenKey = new byte[32] };
        LocalStreamStore? first = null;
        var api = new ApiHarness(options, clock => first = Open(clock));
        await api.OkAsync("CreateStream", new { StreamName = "s", StreamModeDetails = new { StreamMode = "ON_DEMAND" } });
        await api.OkAsync("CreateChannel", new
        {
            ChannelName = "orders",
            ServiceExecutionRoleARN = "arn:aws:iam::000000000000:role/delivery",
            StreamConfigurationList = new[] { new { StreamARN = "arn:aws:kinesis:us-east-1:000000000000:stream/s", RecordConfiguration = new { RecordFormatType = "JSON" } } },
            S3DestinationConfiguration = new { StorageConfiguration = new { BucketARN = "arn:aws:s3:::bucket", ExpectedBucketOwner = "000000000000", CompressionType = "NONE" } },
        });
        await api.OkAsync("DeleteChannel", new { ChannelARN = ChannelArn });
        await first!.DisposeAsync();

        LocalStreamStore? second = null;
        var restarted = new ApiHarness(options, clock => second = Open(clock));
        try
        {
            await restarted.ErrorAsync("DescribeChannel", new { ChannelARN = ChannelArn }, "ResourceNotFoundException");
            Assert.Equal(0, (await restarted.OkAsync("DescribeStreamSummary", new { StreamName = "s" }))["StreamDescriptionSummary"]!["ChannelCount"]!.GetValue<int>());
        }
        finally
        {
            await second!.DisposeAsync();
        }
    }

    private LocalStreamStore Open(TimeProvider clock) => LocalStreamStore.OpenAsync(new LocalStoreOptions
    {
        DataDirectory = _dataDirectory,
        TimeProvider = clock,
    }).GetAwaiter().GetResult();
}
