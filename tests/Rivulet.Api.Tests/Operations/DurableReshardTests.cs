using System.Globalization;
using System.Text;
using Rivulet.Storage.Local;

namespace Rivulet.Api.Tests.Operations;

/// <summary>Reshards on the durable store: what a restart (clean or not) finds is the old shard list or the new one, whole.</summary>
public sealed class DurableReshardTests : IDisposable
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "rivulet-reshard-" + Guid.NewGuid().ToString("N"));
    private readonly KinesisOptions _options = new() { TokenKey = new byte[32], UpdateStreamDelay = TimeSpan.FromSeconds(2) };

    public void Dispose()
    {
        if (Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task A_pending_reshard_survives_a_restart_takes_over_when_due_and_the_forgotten_seal_is_set_again()
    {
        var first = Open(TimeSpan.Zero);
        await first.CreateStreamAsync("s");
        await Put(first, "before");
        await first.OkAsync("SplitShard", new { StreamName = "s", ShardToSplit = "shardId-000000000000", NewStartingHashKey = (UInt128.MaxValue / 2).ToString(CultureInfo.InvariantCulture) });
        await first.Store.DisposeAsync();

        var second = Open(TimeSpan.FromSeconds(1));
        Assert.Equal("UPDATING", await StatusAsync(second));
        Assert.Single((await second.OkAsync("ListShards", new { StreamName = "s" }))["Shards"]!.AsArray());
        await Put(second, "during");
        second.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("ACTIVE", await StatusAsync(second));
        await Put(second, "after");
        await second.Store.DisposeAsync();

        // After this restart no log remembers the seal; the reader must still get a final end with children.
        var third = Open(TimeSpan.FromSeconds(2));
        Assert.Equal(3, (await third.OkAsync("ListShards", new { StreamName = "s" }))["Shards"]!.AsArray().Count);
        Assert.Equal(["before", "during", "after"], await LineageReader.ReadAllAsync(third, "s"));
        var parentAppend = await third.OkAsync("PutRecord", new { StreamName = "s", PartitionKey = "k", Data = "AA==" });
        Assert.NotEqual("shardId-000000000000", parentAppend["ShardId"]!.GetValue<string>());
        await third.Store.DisposeAsync();
    }

    private static async Task<string> StatusAsync(ApiHarness api) =>
        (await api.OkAsync("DescribeStreamSummary", new { StreamName = "s" }))["StreamDescriptionSummary"]!["StreamStatus"]!.GetValue<string>();

    private static Task Put(ApiHarness api, string data) =>
        api.OkAsync("PutRecord", new { StreamName = "s", PartitionKey = "k", Data = Convert.ToBase64String(Encoding.UTF8.GetBytes(data)) });

    private ApiHarness Open(TimeSpan later)
    {
        var api = new ApiHarness(_options, clock => LocalStreamStore.OpenAsync(new LocalStoreOptions { DataDirectory = _dataDirectory, TimeProvider = clock }).GetAwaiter().GetResult());
        api.Clock.Advance(later);
        return api;
    }
}
