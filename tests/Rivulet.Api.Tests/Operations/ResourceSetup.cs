using Rivulet.Storage;

namespace Rivulet.Api.Tests.Operations;

/// <summary>
/// Puts into the harness's store what no operation can make yet (consumers, channels) or only
/// with time (a stream in a given status), for the tagging and resource-policy tests.
/// </summary>
internal static class ResourceSetup
{
    public const string StreamArnPrefix = "arn:aws:kinesis:us-east-1:000000000000:stream/";

    public static string StreamArn(string name) => StreamArnPrefix + name;

    /// <summary>The ARN AWS gives a consumer: the stream's, the name and the creation time in epoch seconds.</summary>
    public static string ConsumerArn(string stream, string consumer, long createdAtMs) => $"{StreamArn(stream)}/consumer/{consumer}:{createdAtMs / 1000}";

    public static string ChannelArn(string name) => "arn:aws:kinesis:us-east-1:000000000000:channel/" + name;

    /// <summary>Registers a consumer on an existing stream, created now; returns its ARN.</summary>
    public static async Task<string> AddConsumerAsync(ApiHarness api, string stream, string consumer, string status = "ACTIVE", long? settlesAtMs = null)
    {
        var createdAtMs = api.Clock.NowMs;
        await ChangeStreamAsync(api, stream, s => s with { Consumers = s.Consumers.Add(new ConsumerMetadata(consumer, createdAtMs, status, settlesAtMs)) });
        return ConsumerArn(stream, consumer, createdAtMs);
    }

    public static async Task<ConsumerMetadata> GetConsumerAsync(ApiHarness api, string stream, string consumer) =>
        (await api.Store.GetStreamAsync(new StreamKey(ApiHarness.Account, ApiHarness.Region, stream), default))!.Consumers.Single(c => c.ConsumerName == consumer);

    public static Task SetStatusAsync(ApiHarness api, string stream, string status, TimeSpan settlesIn) =>
        ChangeStreamAsync(api, stream, s => s with { Status = status, StatusSettlesAtMs = api.Clock.NowMs + (long)settlesIn.TotalMilliseconds });

    public static async Task ChangeStreamAsync(ApiHarness api, string stream, Func<StreamMetadata, StreamMetadata> change)
    {
        var current = (await api.Store.GetStreamAsync(new StreamKey(ApiHarness.Account, ApiHarness.Region, stream), default))!;
        Assert.Equal(StreamStoreOutcome.Done, await api.Store.UpdateStreamAsync(change(current), current.Version, default));
    }

    /// <summary>Adds a channel to the account's metadata, created now; returns its ARN.</summary>
    public static async Task<string> AddChannelAsync(ApiHarness api, string name, string status = "ACTIVE", long? settlesAtMs = null)
    {
        var account = await api.Store.GetAccountAsync(ApiHarness.AccountKey, default) ?? AccountMetadata.New(ApiHarness.AccountKey);
        var channel = new ChannelMetadata
        {
            ChannelName = name,
            ChannelId = "id-" + name,
            CreatedAtMs = api.Clock.NowMs,
            Status = status,
            StatusSettlesAtMs = settlesAtMs,
            ConfigurationJson = "{}",
        };
        Assert.Equal(StreamStoreOutcome.Done, await api.Store.UpdateAccountAsync(account with { Channels = account.Channels.Add(channel) }, account.Version, default));
        return ChannelArn(name);
    }

    public static async Task<ChannelMetadata> GetChannelAsync(ApiHarness api, string name) =>
        (await api.Store.GetAccountAsync(ApiHarness.AccountKey, default))!.Channels.Single(c => c.ChannelName == name);

    /// <summary>A caller of another account: a 12-digit access key names the account.</summary>
    public static string AuthorizationFor(string accountId) =>
        ApiHarness.Authorization.Replace("AKIAIOSFODNN7EXAMPLE", accountId, StringComparison.Ordinal);

    public static string[] Keys(System.Text.Json.Nodes.JsonObject output) =>
        [.. output["Tags"]!.AsArray().Select(tag => tag!["Key"]!.GetValue<string>())];

    public static Dictionary<string, string> TagMap(System.Text.Json.Nodes.JsonObject output) =>
        output["Tags"]!.AsArray().ToDictionary(tag => tag!["Key"]!.GetValue<string>(), tag => tag!["Value"]?.GetValue<string>() ?? "");
}
