using Rivulet.Storage.Local;

namespace Rivulet.Storage.Tests.Local;

/// <summary>A shard whose files cannot be read at start-up fails only itself: the store opens, that shard answers errors, every other shard serves.</summary>
public sealed class UnreadableShardTests : LocalStoreTestBase
{
    private static readonly StreamKey Other = new("000000000000", "us-east-1", "other");

    [Fact]
    public async Task A_stream_with_a_shard_that_cannot_be_opened_can_still_be_deleted()
    {
        var (store, log) = await OpenWithStreamAsync();
        await AppendAsync(log, 0, 10);
        await store.DisposeAsync();

        await using var reopened = await OpenAsync(device: new FailingOpens(ShardDirectory));
        Assert.Equal(StreamStoreOutcome.Done, await reopened.DeleteStreamAsync(Key, CreatedAtMs, default));
        Assert.Null(await reopened.GetStreamAsync(Key, default));
        Assert.False(Directory.Exists(ShardDirectory));
        await reopened.CreateStreamAsync(Stream() with { CreatedAtMs = CreatedAtMs + 1 }, default); // a new directory, which the device lets open
        await AppendAsync(reopened.GetShardLog(Key, CreatedAtMs + 1, 0), 0, 3);
    }

    [Fact]
    public async Task A_shard_that_cannot_be_opened_is_reported_and_fails_alone()
    {
        var (store, log) = await OpenWithStreamAsync();
        await store.CreateStreamAsync(Stream() with { Key = Other }, default);
        await AppendAsync(log, 0, 10);
        await AppendAsync(store.GetShardLog(Other, CreatedAtMs, 0), 0, 10);
        await store.DisposeAsync();

        await using (var reopened = await OpenAsync(device: new FailingOpens(ShardDirectory)))
        {
            var line = Assert.Single(Errors);
            Assert.Contains(ShardDirectory, line, StringComparison.Ordinal);

            var broken = reopened.GetShardLog(Key, CreatedAtMs, 0);
            var failure = await Assert.ThrowsAsync<IOException>(async () => await broken.ReadAsync(new ReadRequest(0, 10, long.MaxValue, 0), default));
            Assert.Contains(ShardDirectory, failure.Message, StringComparison.Ordinal);
            Assert.Equal(AppendStatus.StorageFailure, (await broken.AppendAsync(new[] { Record(10) }, default)).Status);

            await AssertHoldsAsync(reopened.GetShardLog(Other, CreatedAtMs, 0), 10);
        }

        Errors.Clear();
        var (again, healed) = await OpenWithStreamAsync();
        await using (again)
        {
            Assert.Empty(Errors);
            await AssertHoldsAsync(healed, 10);
        }
    }

    /// <summary>Real files, except that opening any file under one directory fails as an unreadable disk would.</summary>
    private sealed class FailingOpens(string directory) : IStorageDevice
    {
        public ILogFile Open(string path, FileMode mode) => path.StartsWith(directory + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            ? throw new IOException($"Input/output error : '{path}'")
            : FileStorageDevice.Instance.Open(path, mode);

        public void SyncDirectory(string path) => FileStorageDevice.Instance.SyncDirectory(path);
    }
}
