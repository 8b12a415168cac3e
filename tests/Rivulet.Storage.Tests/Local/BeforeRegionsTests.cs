using System.Text;
using Rivulet.Storage.Local;

namespace Rivulet.Storage.Tests.Local;

/// <summary>
/// Data directories written before regions were stored (the fixture is what that version wrote:
/// two accounts' "orders" streams with three records per shard, and one account file) open with
/// everything in them belonging to the configured region, and keep that region once rewritten.
/// </summary>
public sealed class BeforeRegionsTests : LocalStoreTestBase
{
    private const long CreatedAt = 1_700_000_000_000;
    private static readonly string Fixture = Path.Combine(AppContext.BaseDirectory, "Local", "Fixtures", "before-regions");

    public BeforeRegionsTests() => CopyDirectory(Fixture, DataDirectory);

    [Fact]
    public async Task Its_streams_records_and_account_settings_are_found_in_the_configured_region()
    {
        await using var store = await LocalStreamStore.OpenAsync(Options() with { DefaultRegion = "eu-west-1" });

        var orders = new StreamKey("000000000000", "eu-west-1", "orders");
        var stream = await store.GetStreamAsync(orders, default);
        Assert.NotNull(stream);
        Assert.Equal((CreatedAt, 48, 2), (stream.CreatedAtMs, stream.RetentionPeriodHours, stream.Shards.Length));
        Assert.Null(stream.Damage);
        Assert.Null(await store.GetStreamAsync(orders with { Region = "us-east-1" }, default));
        Assert.Equal(["orders"], (await store.ListStreamsAsync(orders.Account, default)).Select(s => s.Key.StreamName));
        Assert.Equal(2, (await store.ListStreamsAsync(null, default)).Count);
        Assert.Equal(["000000000000/orders/shard-1/record-0", "000000000000/orders/shard-1/record-1", "000000000000/orders/shard-1/record-2"], await ReadDataAsync(store, orders, 1));
        Assert.Equal(["111122223333/orders/shard-0/record-0", "111122223333/orders/shard-0/record-1", "111122223333/orders/shard-0/record-2"], await ReadDataAsync(store, orders with { AccountId = "111122223333" }, 0));

        var account = await store.GetAccountAsync(orders.Account, default);
        Assert.Equal(("ENABLED", 1L, "eu-west-1"), (account!.CommitmentStatus, account.Version, account.Region));
        Assert.Null(await store.GetAccountAsync(orders.Account with { Region = "us-east-1" }, default));
        Assert.Empty(Errors);
    }

    [Fact]
    public async Task Its_streams_take_appends_changes_and_deletion_in_place_and_keep_their_region_after_that()
    {
        var orders = new StreamKey("000000000000", "us-east-1", "orders");
        var legacyDirectory = Path.Combine(DataDirectory, "streams", "000000000000", "orders." + CreatedAt);
        await using (var store = await LocalStreamStore.OpenAsync(Options() with { DefaultRegion = "us-east-1" }))
        {
            var stream = (await store.GetStreamAsync(orders, default))!;
            Assert.Equal(AppendStatus.Appended, (await store.GetShardLog(orders, CreatedAt, 0).AppendAsync(new[] { new PendingRecord("pk", "appended"u8.ToArray()) }, default)).Status);
            Assert.Equal(StreamStoreOutcome.Done, await store.UpdateStreamAsync(stream with { RetentionPeriodHours = 72 }, stream.Version, default));
            var account = (await store.GetAccountAsync(orders.Account, default))!;
            Assert.Equal(StreamStoreOutcome.Done, await store.UpdateAccountAsync(account with { CommitmentStatus = "DISABLED" }, account.Version, default));

            // The same name created in another region lives in that region's directory.
            Assert.Equal(StreamStoreOutcome.Done, await store.CreateStreamAsync(stream with { Key = orders with { Region = "eu-west-1" }, Version = 0 }, default));
        }

        Assert.True(File.Exists(Path.Combine(legacyDirectory, "meta.json")));
        Assert.True(Directory.Exists(Path.Combine(DataDirectory, "streams", "000000000000", "eu-west-1", "orders." + CreatedAt)));
        Assert.False(Directory.Exists(Path.Combine(DataDirectory, "accounts", "us-east-1")));

        // Rewritten documents name their region, so a new configured region no longer claims them.
        await using (var store = await LocalStreamStore.OpenAsync(Options() with { DefaultRegion = "ap-south-1" }))
        {
            var stream = (await store.GetStreamAsync(orders, default))!;
            Assert.Equal(72, stream.RetentionPeriodHours);
            Assert.Equal(4, (await ReadDataAsync(store, orders, 0)).Count);
            Assert.Equal("DISABLED", (await store.GetAccountAsync(orders.Account, default))!.CommitmentStatus);
            Assert.NotNull(await store.GetStreamAsync(orders with { Region = "eu-west-1" }, default));

            // The untouched stream of the other account follows the configured region.
            Assert.NotNull(await store.GetStreamAsync(new StreamKey("111122223333", "ap-south-1", "orders"), default));

            Assert.Equal(StreamStoreOutcome.Done, await store.DeleteStreamAsync(orders, CreatedAt, default));
            Assert.False(Directory.Exists(legacyDirectory));
        }

        await using (var store = await LocalStreamStore.OpenAsync(Options() with { DefaultRegion = "us-east-1" }))
        {
            Assert.Null(await store.GetStreamAsync(orders, default));
            Assert.NotNull(await store.GetStreamAsync(orders with { Region = "eu-west-1" }, default));
            Assert.Empty(Errors);
        }
    }

    private static async Task<List<string>> ReadDataAsync(IStreamStore store, StreamKey key, int shard)
    {
        var read = await store.GetShardLog(key, CreatedAt, shard).ReadAsync(new ReadRequest(0, 100, long.MaxValue, 0), default);
        return [.. read.Records.Select(r => Encoding.UTF8.GetString(r.Data.Span))];
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var directory in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, directory)));
        }

        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
        }
    }
}
