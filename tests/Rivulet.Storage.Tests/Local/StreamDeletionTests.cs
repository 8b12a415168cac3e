using Rivulet.Storage.Local;

namespace Rivulet.Storage.Tests.Local;

/// <summary>
/// A DeleteStream that fails halfway leaves the stream either whole (and writable, where the next
/// start finds it) or gone (and refusing writes); never a stream that acknowledges writes the next
/// start does not have.
/// </summary>
public sealed class StreamDeletionTests : LocalStoreTestBase
{
    private readonly FaultInjectingDevice _device = new();

    private string StreamDirectory => Path.GetDirectoryName(ShardDirectory)!;

    [Fact]
    public async Task A_delete_whose_directory_sync_fails_acknowledges_no_write_that_a_restart_loses()
    {
        var acknowledgedAfterFailure = new List<(int Shard, long Position)>();
        await using (var store = await OpenAsync(device: _device))
        {
            await store.CreateStreamAsync(Stream() with { Shards = [new ShardMetadata(0, UInt128.Zero, UInt128.MaxValue / 2, CreatedAtMs), new ShardMetadata(1, (UInt128.MaxValue / 2) + 1, UInt128.MaxValue, CreatedAtMs)] }, default);
            var resolved = store.GetShardLog(Key, CreatedAtMs, 0);
            await AppendAsync(resolved, 0, 5);

            _device.FailSyncs(StorageFault.IOError);
            await Assert.ThrowsAnyAsync<IOException>(async () => await store.DeleteStreamAsync(Key, CreatedAtMs, default));
            _device.ClearFaults();

            // Writers that resolved the stream before the delete, and ones that come after it, to a shard with and one without a directory yet.
            foreach (var (shard, log) in new[] { (0, resolved), (0, store.GetShardLog(Key, CreatedAtMs, 0)), (1, store.GetShardLog(Key, CreatedAtMs, 1)) })
            {
                var appended = await log.AppendAsync(new[] { Record(5) }, default);
                if (appended.Status == AppendStatus.Appended)
                {
                    acknowledgedAfterFailure.Add((shard, appended.FirstPosition));
                }
            }

            // The stream is gone for this process: not served, and nothing of it brought back on disk.
            Assert.Null(await store.GetStreamAsync(Key, default));
            Assert.Empty(acknowledgedAfterFailure);
            Assert.False(Directory.Exists(StreamDirectory) && !File.Exists(Path.Combine(StreamDirectory, "meta.json")), "a stream directory without metadata was created");
        }

        await using (var reopened = await OpenAsync(device: _device))
        {
            var stream = await reopened.GetStreamAsync(Key, default);
            if (stream is null)
            {
                Assert.Empty(acknowledgedAfterFailure);
            }
            else
            {
                // The rename did not reach the disk: the stream is back whole, with every acknowledged record.
                var records = await ReadAllAsync(reopened.GetShardLog(Key, CreatedAtMs, 0));
                Assert.Equal(5 + acknowledgedAfterFailure.Count(a => a.Shard == 0), records.Count);
            }
        }
    }

    [Fact]
    public async Task A_delete_whose_rename_fails_leaves_the_stream_whole_and_writable()
    {
        await using (var store = await OpenAsync(device: _device))
        {
            var log = await CreateAndGetLogAsync(store);
            await AppendAsync(log, 0, 3);

            // A file where the trash directory should be: the rename into it fails.
            var trash = Path.Combine(DataDirectory, "trash");
            Directory.Delete(trash);
            File.WriteAllText(trash, "");
            await Assert.ThrowsAnyAsync<IOException>(async () => await store.DeleteStreamAsync(Key, CreatedAtMs, default));
            File.Delete(trash);
            Directory.CreateDirectory(trash);

            Assert.NotNull(await store.GetStreamAsync(Key, default));
            await AppendAsync(log, 3, 2);
            await AppendAsync(store.GetShardLog(Key, CreatedAtMs, 0), 5, 1);
        }

        await using (var reopened = await OpenAsync(device: _device))
        {
            Assert.NotNull(await reopened.GetStreamAsync(Key, default));
            await AssertHoldsAsync(reopened.GetShardLog(Key, CreatedAtMs, 0), 6);
        }
    }

    [Fact]
    public async Task Appends_queued_for_a_group_commit_when_the_stream_is_deleted_are_settled_before_it_goes()
    {
        var gated = new GatedDevice();
        await using var store = await OpenAsync(device: gated);
        var log = await CreateAndGetLogAsync(store);
        await AppendAsync(log, 0, 1);

        // The append is written and its commit round's sync is held: it is queued, not yet acknowledged.
        gated.Close();
        var queued = log.AppendAsync(new[] { Record(1) }, default).AsTask();
        Assert.True(SpinWait.SpinUntil(() => gated.Waiting > 0, TimeSpan.FromSeconds(30)));
        var deleting = Task.Run(async () => await store.DeleteStreamAsync(Key, CreatedAtMs, default));
        gated.Open();

        Assert.Equal(StreamStoreOutcome.Done, await deleting.WaitAsync(TimeSpan.FromSeconds(30)));
        var status = (await queued.WaitAsync(TimeSpan.FromSeconds(30))).Status;
        Assert.True(status is AppendStatus.Appended or AppendStatus.StreamDeleted, $"queued append ended {status}");
        Assert.Equal(AppendStatus.StreamDeleted, (await log.AppendAsync(new[] { Record(2) }, default)).Status);
        Assert.False(Directory.Exists(StreamDirectory));
    }

    [Fact]
    public async Task A_shard_log_never_creates_the_directory_of_a_stream_that_is_gone()
    {
        var store = new StoreContext(Options());
        var gone = Path.Combine(DataDirectory, "streams", Key.AccountId, "gone.1");
        var log = new LocalShardLog(store, StoreLayout.ShardDirectory(gone, 0), "gone shard-0");

        var appended = await log.AppendAsync(new[] { Record(0) }, default);

        Assert.Equal(AppendStatus.StorageFailure, appended.Status);
        Assert.False(Directory.Exists(gone));
        Assert.Contains(Errors, line => line.Contains(gone, StringComparison.Ordinal));
        log.Close("test over");
    }

    private async Task<IShardLog> CreateAndGetLogAsync(LocalStreamStore store)
    {
        await store.CreateStreamAsync(Stream(), default);
        return store.GetShardLog(Key, CreatedAtMs, 0);
    }
}
