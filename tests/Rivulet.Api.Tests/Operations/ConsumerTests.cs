using System.Text.Json.Nodes;
using Rivulet.Storage.Local;

namespace Rivulet.Api.Tests.Operations;

/// <summary>
/// RegisterStreamConsumer, DescribeStreamConsumer, ListStreamConsumers and DeregisterStreamConsumer:
/// AWS's ARNs and statuses, the ways a consumer may be named, the limits and paging, durable across a restart.
/// </summary>
public sealed class ConsumerTests : IDisposable
{
    private const string StreamArn = "arn:aws:kinesis:us-east-1:000000000000:stream/s";

    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "rivulet-consumers-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task A_consumer_is_CREATING_then_ACTIVE_with_an_ARN_that_carries_its_creation_second()
    {
        var api = await WithStreamAsync(TimeSpan.FromSeconds(3));
        var registered = (await api.OkAsync("RegisterStreamConsumer", new { StreamARN = StreamArn, ConsumerName = "app" }))["Consumer"]!;
        var seconds = api.Clock.NowMs / 1000;
        Assert.Equal($"{StreamArn}/consumer/app:{seconds}", registered["ConsumerARN"]!.GetValue<string>());
        Assert.Equal("CREATING", registered["ConsumerStatus"]!.GetValue<string>());
        Assert.Equal(api.Clock.NowMs / 1000.0, registered["ConsumerCreationTimestamp"]!.GetValue<double>(), 3);

        Assert.Equal("CREATING", await StatusAsync(api, new { ConsumerARN = $"{StreamArn}/consumer/app:{seconds}" }));
        api.Clock.Advance(TimeSpan.FromSeconds(3));
        var described = (await api.OkAsync("DescribeStreamConsumer", new { StreamARN = StreamArn, ConsumerName = "app" }))["ConsumerDescription"]!;
        Assert.Equal("ACTIVE", described["ConsumerStatus"]!.GetValue<string>());
        Assert.Equal(StreamArn, described["StreamARN"]!.GetValue<string>());
        Assert.Equal(1, (await api.OkAsync("DescribeStreamSummary", new { StreamName = "s" }))["StreamDescriptionSummary"]!["ConsumerCount"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_consumer_is_named_by_its_ARN_or_by_stream_and_name_or_all_three_when_they_agree()
    {
        var api = await WithStreamAsync();
        var arn = await RegisterAsync(api, "app");
        Assert.Equal("ACTIVE", await StatusAsync(api, new { ConsumerARN = arn }));
        Assert.Equal("ACTIVE", await StatusAsync(api, new { StreamARN = StreamArn, ConsumerName = "app" }));
        Assert.Equal("ACTIVE", await StatusAsync(api, new { ConsumerARN = arn, StreamARN = StreamArn, ConsumerName = "app" }));

        await api.ErrorAsync("DescribeStreamConsumer", new { ConsumerARN = arn, ConsumerName = "other" }, "InvalidArgumentException");
        await api.ErrorAsync("DescribeStreamConsumer", new { ConsumerARN = arn, StreamARN = StreamArn + "x" }, "InvalidArgumentException");
        await api.ErrorAsync("DescribeStreamConsumer", new { ConsumerName = "app" }, "InvalidArgumentException");
        await api.ErrorAsync("DescribeStreamConsumer", new { StreamARN = StreamArn }, "InvalidArgumentException");
        var missing = await api.ErrorAsync("DescribeStreamConsumer", new { StreamARN = StreamArn, ConsumerName = "nobody" }, "ResourceNotFoundException");
        Assert.Equal("Consumer nobody under stream s and account 000000000000 not found.", missing.Message);
        var byArn = await api.ErrorAsync("DescribeStreamConsumer", new { ConsumerARN = $"{StreamArn}/consumer/nobody:1" }, "ResourceNotFoundException");
        Assert.Equal("Consumer nobody with creation timestamp 1 under stream s and account 000000000000 not found.", byArn.Message);
        await api.ErrorAsync("DescribeStreamConsumer", new { StreamARN = StreamArn.Replace("stream/s", "stream/gone", StringComparison.Ordinal), ConsumerName = "app" }, "ResourceNotFoundException");
    }

    [Fact]
    public async Task Names_are_unique_per_stream_twenty_may_be_registered_and_five_may_be_CREATING()
    {
        var api = await WithStreamAsync(TimeSpan.FromSeconds(10));
        for (var i = 0; i < 5; i++)
        {
            await RegisterAsync(api, $"c{i}");
        }

        var busy = await api.ErrorAsync("RegisterStreamConsumer", new { StreamARN = StreamArn, ConsumerName = "c5" }, "LimitExceededException");
        Assert.Contains("CREATING", busy.Message, StringComparison.Ordinal);
        var duplicate = await api.ErrorAsync("RegisterStreamConsumer", new { StreamARN = StreamArn, ConsumerName = "c0" }, "ResourceInUseException");
        Assert.Contains("c0", duplicate.Message, StringComparison.Ordinal);

        for (var i = 5; i < 20; i++)
        {
            api.Clock.Advance(TimeSpan.FromSeconds(10));
            await RegisterAsync(api, $"c{i}");
        }

        api.Clock.Advance(TimeSpan.FromSeconds(10));
        await api.ErrorAsync("RegisterStreamConsumer", new { StreamARN = StreamArn, ConsumerName = "c20" }, "LimitExceededException");
        await api.ErrorAsync("RegisterStreamConsumer", new { StreamARN = StreamArn + "x", ConsumerName = "c" }, "ResourceNotFoundException");
        await api.ErrorAsync("RegisterStreamConsumer", new { StreamARN = StreamArn, ConsumerName = "bad name" }, "ValidationException");
    }

    [Fact]
    public async Task An_On_demand_Advantage_stream_takes_fifty_consumers_and_a_provisioned_one_in_the_same_account_twenty()
    {
        var api = new ApiHarness(new KinesisOptions { TokenKey = new byte[32] });
        await api.OkAsync("UpdateAccountSettings", new { MinimumThroughputBillingCommitment = new { Status = "ENABLED" } });
        await api.OkAsync("CreateStream", new { StreamName = "s", StreamModeDetails = new { StreamMode = "ON_DEMAND" } });
        await api.CreateStreamAsync("p");
        for (var i = 0; i < 50; i++)
        {
            await RegisterAsync(api, $"c{i}");
        }

        var full = await api.ErrorAsync("RegisterStreamConsumer", new { StreamARN = StreamArn, ConsumerName = "c50" }, "LimitExceededException");
        Assert.Contains("50", full.Message, StringComparison.Ordinal);

        var provisioned = StreamArn.Replace("stream/s", "stream/p", StringComparison.Ordinal);
        for (var i = 0; i < 20; i++)
        {
            await api.OkAsync("RegisterStreamConsumer", new { StreamARN = provisioned, ConsumerName = $"c{i}" });
        }

        await api.ErrorAsync("RegisterStreamConsumer", new { StreamARN = provisioned, ConsumerName = "c20" }, "LimitExceededException");
    }

    [Fact]
    public async Task Deregistering_goes_through_DELETING_and_frees_the_name_for_a_consumer_with_a_new_ARN()
    {
        var api = await WithStreamAsync(TimeSpan.FromSeconds(2));
        var first = await RegisterAsync(api, "app");
        api.Clock.Advance(TimeSpan.FromSeconds(2));
        await api.OkAsync("DeregisterStreamConsumer", new { ConsumerARN = first });
        Assert.Equal("DELETING", await StatusAsync(api, new { ConsumerARN = first }));
        await api.ErrorAsync("RegisterStreamConsumer", new { StreamARN = StreamArn, ConsumerName = "app" }, "ResourceInUseException");

        api.Clock.Advance(TimeSpan.FromSeconds(2));
        await api.ErrorAsync("DescribeStreamConsumer", new { ConsumerARN = first }, "ResourceNotFoundException");
        await api.ErrorAsync("DeregisterStreamConsumer", new { ConsumerARN = first }, "ResourceNotFoundException");
        Assert.Equal(0, (await api.OkAsync("DescribeStreamSummary", new { StreamName = "s" }))["StreamDescriptionSummary"]!["ConsumerCount"]!.GetValue<int>());

        api.Clock.Advance(TimeSpan.FromSeconds(1));
        var second = await RegisterAsync(api, "app");
        Assert.NotEqual(first, second);
        await api.ErrorAsync("DescribeStreamConsumer", new { ConsumerARN = first }, "ResourceNotFoundException");
    }

    [Fact]
    public async Task Consumers_are_listed_a_page_at_a_time_and_tokens_expire_after_300_seconds()
    {
        var api = await WithStreamAsync();
        var arns = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            arns.Add(await RegisterAsync(api, $"c{i}"));
            api.Clock.Advance(TimeSpan.FromMilliseconds(1));
        }

        var listed = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await api.OkAsync("ListStreamConsumers", token is null ? new { StreamARN = StreamArn, MaxResults = 2 } : new { StreamARN = StreamArn, MaxResults = 2, NextToken = token });
            listed.AddRange(page["Consumers"]!.AsArray().Select(consumer => consumer!["ConsumerARN"]!.GetValue<string>()));
            token = page["NextToken"]?.GetValue<string>();
            pages++;
        }
        while (token is not null && pages < 10);

        Assert.Equal(arns, listed);
        Assert.Equal(3, pages);

        var first = await api.OkAsync("ListStreamConsumers", new { StreamARN = StreamArn, MaxResults = 1 });
        var stale = first["NextToken"]!.GetValue<string>();
        await api.CreateStreamAsync("other");
        await api.ErrorAsync("ListStreamConsumers", new { StreamARN = StreamArn.Replace("stream/s", "stream/other", StringComparison.Ordinal), NextToken = stale }, "InvalidArgumentException");
        api.Clock.Advance(TimeSpan.FromSeconds(301));
        await api.ErrorAsync("ListStreamConsumers", new { StreamARN = StreamArn, NextToken = stale }, "ExpiredNextTokenException");
        await api.ErrorAsync("ListStreamConsumers", new { StreamARN = StreamArn, NextToken = "garbage" }, "InvalidArgumentException");
        await api.ErrorAsync("ListStreamConsumers", new { StreamARN = StreamArn.Replace("stream/s", "stream/none", StringComparison.Ordinal) }, "ResourceNotFoundException");
    }

    [Fact]
    public async Task Consumers_and_their_tags_survive_a_restart_and_DeleteStream_needs_EnforceConsumerDeletion()
    {
        var options = new KinesisOptions { TokenKey = new byte[32] };
        var api = new ApiHarness(options, clock => LocalStreamStore.OpenAsync(new LocalStoreOptions { DataDirectory = _dataDirectory, TimeProvider = clock }).GetAwaiter().GetResult());
        await api.CreateStreamAsync("s");
        var registered = await api.OkAsync("RegisterStreamConsumer", new { StreamARN = StreamArn, ConsumerName = "app", Tags = new Dictionary<string, string> { ["team"] = "data" } });
        var arn = registered["Consumer"]!["ConsumerARN"]!.GetValue<string>();
        await api.Store.DisposeAsync();

        var reopened = new ApiHarness(options, clock => LocalStreamStore.OpenAsync(new LocalStoreOptions { DataDirectory = _dataDirectory, TimeProvider = clock }).GetAwaiter().GetResult());
        reopened.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("ACTIVE", await StatusAsync(reopened, new { ConsumerARN = arn }));
        var tags = await reopened.OkAsync("ListTagsForResource", new { ResourceARN = arn });
        Assert.Equal("data", tags["Tags"]!.AsArray().Single(tag => tag!["Key"]!.GetValue<string>() == "team")!["Value"]!.GetValue<string>());

        await reopened.ErrorAsync("DeleteStream", new { StreamName = "s" }, "ResourceInUseException");
        await reopened.OkAsync("DeleteStream", new { StreamName = "s", EnforceConsumerDeletion = true });
        await reopened.ErrorAsync("DescribeStreamConsumer", new { ConsumerARN = arn }, "ResourceNotFoundException");
        await reopened.Store.DisposeAsync();
    }

    private static async Task<ApiHarness> WithStreamAsync(TimeSpan? consumerDelay = null)
    {
        var api = new ApiHarness(new KinesisOptions { TokenKey = new byte[32], ConsumerDelay = consumerDelay ?? TimeSpan.Zero });
        await api.CreateStreamAsync("s");
        return api;
    }

    private static async Task<string> RegisterAsync(ApiHarness api, string name) =>
        (await api.OkAsync("RegisterStreamConsumer", new { StreamARN = StreamArn, ConsumerName = name }))["Consumer"]!["ConsumerARN"]!.GetValue<string>();

    private static async Task<string> StatusAsync(ApiHarness api, object naming) =>
        (await api.OkAsync("DescribeStreamConsumer", naming))["ConsumerDescription"]!["ConsumerStatus"]!.GetValue<string>();
}
