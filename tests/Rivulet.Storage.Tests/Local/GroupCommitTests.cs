using Rivulet.Storage.Local;

namespace Rivulet.Storage.Tests.Local;

/// <summary>What each fsync policy syncs, and that under "always" nothing is acknowledged or visible before its sync.</summary>
public sealed class GroupCommitTests : LocalStoreTestBase
{
    private readonly FaultInjectingDevice _device = new();

    [Fact]
    public async Task Concurrent_appenders_to_one_shard_share_syncs()
    {
        // The gate holds the first sync while the other appends are written, so how many share the
        // next round does not depend on how the machine schedules threads.
        var device = new GatedDevice();
        var (store, log) = await OpenWithStreamAsync(device: device, segmentBytes: 16 << 20);
        await using (store)
        {
            await AppendAsync(log, 0, 1);
            device.Close();
            var first = log.AppendAsync(new[] { Record(1) }, default).AsTask();
            await WaitUntilAsync(() => device.Waiting == 1);
            var syncsBefore = device.Syncs;

            var queued = Enumerable.Range(2, 50).Select(i => log.AppendAsync(new[] { Record(i), Record(i) }, default).AsTask()).ToArray();
            Assert.DoesNotContain(queued, append => append.IsCompleted);
            device.Open();
            var results = await Task.WhenAll(queued.Prepend(first));

            Assert.All(results, result => Assert.Equal(AppendStatus.Appended, result.Status));
            Assert.Equal(results.Length, results.Select(r => r.FirstPosition).Distinct().Count());
            Assert.Equal(1 + 1 + (50 * 2), log.Tail.NextPosition);
            Assert.Equal(1, device.Syncs - syncsBefore); // the 50 queued appends shared one sync
        }
    }

    [Fact]
    public async Task Appends_to_many_shards_are_committed_in_shared_rounds()
    {
        var device = new GatedDevice();
        await using var store = await OpenAsync(device: device, segmentBytes: 16 << 20);
        await store.CreateStreamAsync(Stream(), default);
        var logs = Enumerable.Range(0, 8).Select(s => store.GetShardLog(Key, CreatedAtMs, s)).ToArray();
        foreach (var log in logs)
        {
            await log.AppendAsync(new[] { Record(0) }, default);
        }

        device.Close();
        var first = logs[0].AppendAsync(new[] { Record(1) }, default).AsTask();
        await WaitUntilAsync(() => device.Waiting == 1);
        var syncsBefore = device.Syncs;
        var queued = Enumerable.Range(0, 8 * 25).Select(i => logs[i % logs.Length].AppendAsync(new[] { Record(i) }, default).AsTask()).ToArray();
        device.Open();
        var results = await Task.WhenAll(queued.Prepend(first));

        Assert.All(results, result => Assert.Equal(AppendStatus.Appended, result.Status));
        Assert.Equal(logs.Length, device.Syncs - syncsBefore); // 200 appends, one sync per dirty shard
        Assert.Equal(27, logs[0].Tail.NextPosition);
        Assert.All(logs.Skip(1), log => Assert.Equal(26, log.Tail.NextPosition));
    }

    [Fact]
    public async Task Under_always_an_append_is_neither_acknowledged_nor_visible_before_its_sync()
    {
        var device = new GatedDevice();
        var (store, log) = await OpenWithStreamAsync(device: device, segmentBytes: 1 << 20);
        await using (store)
        {
            await AppendAsync(log, 0, 3);
            device.Close();

            var appending = log.AppendAsync(new[] { Record(3) }, default).AsTask();
            var waiting = log.WaitAsync(3, default).AsTask();
            await WaitUntilAsync(() => device.Waiting > 0);

            await Task.Delay(50);
            Assert.False(appending.IsCompleted);
            Assert.False(waiting.IsCompleted);
            Assert.Equal(3, log.Tail.NextPosition);
            Assert.Equal(3, (await ReadAllAsync(log)).Count);

            device.Open();
            Assert.Equal(3, (await appending).FirstPosition);
            Assert.True(await waiting);
            await AssertHoldsAsync(log, 4);
        }
    }

    [Fact]
    public async Task Under_never_nothing_is_ever_synced()
    {
        var (store, log) = await OpenWithStreamAsync(FsyncPolicy.Never, _device);
        await AppendAsync(log, 0, 200);
        await store.UpdateStreamAsync(Stream() with { RetentionPeriodHours = 48 }, 0, default);
        await store.DisposeAsync();

        Assert.True(SegmentFiles().Length > 3);
        Assert.Equal(0, _device.Syncs);
        Assert.Equal(0, _device.DirectorySyncs);
    }

    [Fact]
    public async Task Under_interval_appends_are_acknowledged_at_once_and_synced_in_the_background()
    {
        var device = new GatedDevice();
        var (store, log) = await OpenWithStreamAsync(FsyncPolicy.Interval(10), device, segmentBytes: 1 << 20);
        await using (store)
        {
            // While the background sync is held at the gate, appends still complete: none waits for a sync.
            device.Close();
            await AppendAsync(log, 0, 1);
            await WaitUntilAsync(() => device.Waiting == 1);
            await AppendAsync(log, 1, 199);
            Assert.Equal(200, log.Tail.NextPosition);

            var syncsBefore = device.Syncs;
            device.Open();
            await WaitUntilAsync(() => device.Syncs > syncsBefore); // the next background sync covers the rest
        }
    }

    [Fact]
    public async Task Closing_the_store_commits_appends_still_waiting_for_their_sync()
    {
        var device = new GatedDevice();
        var (store, log) = await OpenWithStreamAsync(device: device, segmentBytes: 1 << 20);
        await AppendAsync(log, 0, 3);
        device.Close();
        var appending = log.AppendAsync(new[] { Record(3) }, default).AsTask();
        while (device.Waiting == 0)
        {
            await Task.Delay(1);
        }

        var closing = store.DisposeAsync().AsTask();
        var late = await log.AppendAsync(new[] { Record(4) }, default);
        device.Open();
        await closing;

        Assert.Equal(AppendStatus.Appended, (await appending).Status);
        Assert.Equal(AppendStatus.StorageFailure, late.Status);
        var (reopened, again) = await OpenWithStreamAsync();
        await using (reopened)
        {
            await AssertHoldsAsync(again, 4);
        }
    }
}
