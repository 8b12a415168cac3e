using Rivulet.Storage.Local;
using Rivulet.Storage.Memory;

namespace Rivulet.Storage.Tests.Local;

public sealed class AccountMetadataTests : LocalStoreTestBase
{
    private static readonly AccountKey Account = new("111122223333", "us-east-1");
    private static readonly AccountKey Other = new("000000000000", "us-east-1");

    private static AccountMetadata WithChannel(AccountMetadata account, string name) => account with
    {
        Channels = account.Channels.Add(new ChannelMetadata
        {
            ChannelName = name,
            ChannelId = "id-" + name,
            CreatedAtMs = 1_700_000_000_000,
            Status = "CREATING",
            StatusSettlesAtMs = 1_700_000_001_000,
            ConfigurationJson = """{"DataFreshnessInSeconds":300}""",
            Tags = System.Collections.Immutable.ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [new KeyValuePair<string, string>("team", "a")]),
            ResourcePolicy = """{"Version":"2012-10-17"}""",
        }),
    };

    [Fact]
    public async Task Account_settings_and_channels_survive_a_restart_and_change_only_from_the_current_version()
    {
        await using (var store = await OpenAsync())
        {
            Assert.Null(await store.GetAccountAsync(Account, default));
            var first = WithChannel(AccountMetadata.New(Account), "c1") with { CommitmentStatus = "ENABLED", CommitmentStartedAtMs = 5 };
            Assert.Equal(StreamStoreOutcome.Done, await store.UpdateAccountAsync(first, 0, default));
            Assert.Equal(StreamStoreOutcome.VersionConflict, await store.UpdateAccountAsync(first, 0, default));
        }

        await using (var store = await OpenAsync())
        {
            var account = await store.GetAccountAsync(Account, default);
            Assert.NotNull(account);
            Assert.Equal((1L, "ENABLED", 5L), (account.Version, account.CommitmentStatus, account.CommitmentStartedAtMs!.Value));
            var channel = Assert.Single(account.Channels);
            Assert.Equal(("c1", "CREATING", "a", """{"DataFreshnessInSeconds":300}"""), (channel.ChannelName, channel.Status, channel.Tags["team"], channel.ConfigurationJson));
            Assert.Null(await store.GetAccountAsync(Other, default));
            Assert.Equal(StreamStoreOutcome.Done, await store.UpdateAccountAsync(WithChannel(account, "c2"), 1, default));
        }

        await using (var store = await OpenAsync())
        {
            Assert.Equal(2, (await store.GetAccountAsync(Account, default))!.Channels.Length);
        }
    }

    [Fact]
    public async Task An_unreadable_account_file_makes_only_that_account_unavailable()
    {
        await using (var store = await OpenAsync())
        {
            Assert.Equal(StreamStoreOutcome.Done, await store.UpdateAccountAsync(AccountMetadata.New(Account), 0, default));
            Assert.Equal(StreamStoreOutcome.Done, await store.UpdateAccountAsync(AccountMetadata.New(Other), 0, default));
        }

        await File.WriteAllTextAsync(Path.Combine(DataDirectory, "accounts", Account.Region, Account.AccountId + ".json"), "{ torn");
        await using (var store = await OpenAsync())
        {
            await Assert.ThrowsAsync<IOException>(async () => await store.GetAccountAsync(Account, default));
            await Assert.ThrowsAsync<IOException>(async () => await store.UpdateAccountAsync(AccountMetadata.New(Account), 1, default));
            Assert.NotNull(await store.GetAccountAsync(Other, default));
            Assert.Contains(Errors, line => line.Contains(Account.AccountId, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task The_memory_store_compares_versions_the_same_way()
    {
        await using var store = new MemoryStreamStore();
        Assert.Null(await store.GetAccountAsync(Account, default));
        Assert.Equal(StreamStoreOutcome.Done, await store.UpdateAccountAsync(AccountMetadata.New(Account), 0, default));
        Assert.Equal(StreamStoreOutcome.VersionConflict, await store.UpdateAccountAsync(AccountMetadata.New(Account), 0, default));
        Assert.Equal(StreamStoreOutcome.Done, await store.UpdateAccountAsync(WithChannel(AccountMetadata.New(Account), "c"), 1, default));
        Assert.Equal(2L, (await store.GetAccountAsync(Account, default))!.Version);
    }
}
