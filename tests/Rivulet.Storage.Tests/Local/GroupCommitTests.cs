using Rivulet.Storage.Local;

namespace Rivulet.Storage.Tests.Local;

/// <summary>What each fsync policy syncs, and that under "always" nothing is acknowledged or visible before its sync.</summary>
public sealed class GroupCommitTests : LocalStoreTestBase
{
    private readonly FaultInjectingDevice _device = new();

    [Fact]
    public async Task Concurrent_appenders_to_one_shard_share_syncs()
    {
        var (store, log) = await OpenWithStreamAsync(device: _device, segmentBytes: 16 << 20);
        await using (store)
        {
            await AppendAsync(log, 0, 1);
            var syncsBefore = _device.Syncs;

            var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(w => Task.Run(async () =>
            {
                var positions = new List<long>();
                for (var i = 0; i < 50; i++)
                {
                    var appended = await log.AppendAsync(new[] { Record(w), Record(w) }, default);
                    Assert.Equal(AppendStatus.Appended, appended.Status);
                    positions.Add(appended.FirstPosition);
                }

                return positions;
            })));

            var syncs = _device.Syncs - syncsBefore;
            Assert.InRange(syncs, 1, 800 / 2);
            Assert.Equal(801 * 2 - 1, log.Tail.NextPosition);
            Assert.Equal(800, results.SelectMany(p => p).Distinct().Count());
        }
    }

    [Fact]
    public async Task Appends_to_many_shards_are_committed_in_shared_rounds()
    {
        await using var store = await OpenAsync(device: _device, segmentBytes: 16 << 20);
        await store.CreateStreamAsync(Stream(), default);
        var logs = Enumerable.Range(0, 8).Select(s => store.GetShardLog(Key, CreatedAtMs, s)).ToArray();
        foreach (var log in logs)
        {
            await log.AppendAsync(new[] { Record(0) }, default);
        }

        var syncsBefore = _device.Syncs;
        await Task.WhenAll(Enumerable.Range(0, 32).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 25; i++)
            {
                Assert.Equal(AppendStatus.Appended, (await logs[(w + i) % logs.Length].AppendAsync(new[] { Record(i) }, default)).Status);
            }
        })));

        // 800 appends; a round syncs each dirty shard once, so far fewer syncs than appends.
        Assert.InRange(_device.Syncs - syncsBefore, 8, 800 / 2);
        Assert.All(logs, log => Assert.Equal(101, log.Tail.NextPosition));
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
            while (device.Waiting == 0)
            {
                await Task.Delay(1);
            }

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
        var (store, log) = await OpenWithStreamAsync(FsyncPolicy.Interval(10), _device, segmentBytes: 1 << 20);
        await using (store)
        {
            var syncsBefore = _device.Syncs;
            await AppendAsync(log, 0, 200);
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (_device.Syncs == syncsBefore && DateTime.UtcNow < deadline)
            {
                await Task.Delay(5);
            }

            Assert.InRange(_device.Syncs - syncsBefore, 1, 199);
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
