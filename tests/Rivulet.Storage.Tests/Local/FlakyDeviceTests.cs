using Rivulet.Storage.Local;

namespace Rivulet.Storage.Tests.Local;

/// <summary>
/// A full or failing disk under the log: appends fail with a value (never an exception), one line is
/// reported, nothing acknowledged is lost, no partial frame stays behind, and once the fault clears
/// the next append succeeds on its own at the next position.
/// </summary>
public sealed class FlakyDeviceTests : LocalStoreTestBase
{
    private readonly FaultInjectingDevice _device = new();

    [Theory]
    [InlineData(StorageFault.DiskFull, 60, "No space left on device")]
    [InlineData(StorageFault.IOError, 0, "Input/output error")]
    public async Task A_failed_write_fails_that_append_and_the_log_carries_on_once_the_disk_recovers(StorageFault fault, int partialBytes, string message)
    {
        var (store, log) = await OpenWithStreamAsync(device: _device);
        await using (store)
        {
            await AppendAsync(log, 0, 50);
            var lengthBefore = new FileInfo(SegmentFiles()[^1]).Length;
            _device.FailWrites(fault, partialBytes);

            var failed = await log.AppendAsync(new[] { Record(50), Record(51) }, default);
            var failedAgain = await log.AppendAsync(new[] { Record(50) }, default);

            Assert.Equal(AppendStatus.StorageFailure, failed.Status);
            Assert.Contains(message, failed.FailureReason, StringComparison.Ordinal);
            Assert.Equal(AppendStatus.StorageFailure, failedAgain.Status);
            Assert.Contains(message, Assert.Single(Errors), StringComparison.Ordinal);
            Assert.Equal(lengthBefore, new FileInfo(SegmentFiles()[^1]).Length); // the partial frame was cut off
            await AssertHoldsAsync(log, 50);

            _device.ClearFaults();
            await AppendAsync(log, 50, 30);
            await AssertHoldsAsync(log, 80);
            Assert.Contains("succeed again", Errors.Last(), StringComparison.Ordinal);
        }

        await AssertCleanAfterReopenAsync(80);
    }

    [Theory]
    [InlineData(StorageFault.DiskFull)]
    [InlineData(StorageFault.IOError)]
    public async Task A_failed_sync_fails_the_unacknowledged_appends_and_cuts_them_off(StorageFault fault)
    {
        var (store, log) = await OpenWithStreamAsync(device: _device);
        await using (store)
        {
            await AppendAsync(log, 0, 50);
            var lengthBefore = new FileInfo(SegmentFiles()[^1]).Length;
            _device.FailSyncs(fault);

            var failed = await log.AppendAsync(new[] { Record(50) }, default);

            Assert.Equal(AppendStatus.StorageFailure, failed.Status);
            Assert.Single(Errors);
            Assert.Equal(lengthBefore, new FileInfo(SegmentFiles()[^1]).Length);
            Assert.Equal(50, log.Tail.NextPosition);
            await AssertHoldsAsync(log, 50);

            _device.ClearFaults();
            await AppendAsync(log, 50, 30);
            await AssertHoldsAsync(log, 80);
        }

        await AssertCleanAfterReopenAsync(80);
    }

    [Fact]
    public async Task Concurrent_appends_caught_by_a_failing_sync_all_fail_and_leave_no_gap()
    {
        var (store, log) = await OpenWithStreamAsync(device: _device, segmentBytes: 1 << 20);
        await using (store)
        {
            await AppendAsync(log, 0, 10);
            _device.FailSyncs(StorageFault.IOError);

            var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(async () => await log.AppendAsync(new[] { Record(10 + i) }, default))));

            Assert.All(results, r => Assert.Equal(AppendStatus.StorageFailure, r.Status));
            _device.ClearFaults();
            await AppendAsync(log, 10, 10);
            await AssertHoldsAsync(log, 20);
        }

        await AssertCleanAfterReopenAsync(20);
    }

    [Fact]
    public async Task When_cutting_back_fails_too_the_next_append_after_the_fault_repairs_the_log_first()
    {
        var (store, log) = await OpenWithStreamAsync(device: _device);
        await using (store)
        {
            await AppendAsync(log, 0, 50);
            var lengthBefore = new FileInfo(SegmentFiles()[^1]).Length;
            _device.FailWrites(StorageFault.DiskFull, partialBytes: 40);
            _device.FailTruncates(StorageFault.IOError);

            var failed = await log.AppendAsync(new[] { Record(50) }, default);

            Assert.Equal(AppendStatus.StorageFailure, failed.Status);
            Assert.Equal(lengthBefore + 40, new FileInfo(SegmentFiles()[^1]).Length); // garbage still there
            await AssertHoldsAsync(log, 50);

            _device.ClearFaults();
            await AppendAsync(log, 50, 5);
            await AssertHoldsAsync(log, 55);
        }

        await AssertCleanAfterReopenAsync(55);
    }

    [Fact]
    public async Task A_failed_sync_while_sealing_a_full_segment_fails_the_append_and_rolling_succeeds_later()
    {
        var (store, log) = await OpenWithStreamAsync(device: _device);
        var written = 0;
        await using (store)
        {
            written = await FillFirstSegmentAsync(log);

            _device.FailSyncs(StorageFault.IOError);
            var failed = await log.AppendAsync(new[] { Record(written) }, default);

            Assert.Equal(AppendStatus.StorageFailure, failed.Status);
            Assert.Single(SegmentFiles());

            _device.ClearFaults();
            await AppendAsync(log, written, 10);
            written += 10;
            Assert.Equal(2, SegmentFiles().Length);
            Assert.Contains(Path.ChangeExtension(SegmentFiles()[0], ".idx"), SidecarFiles());
            await AssertHoldsAsync(log, written);
        }

        await AssertCleanAfterReopenAsync(written);
    }

    [Fact]
    public async Task A_segment_file_that_could_not_be_made_durable_is_removed_rather_than_left_behind_empty()
    {
        var (store, log) = await OpenWithStreamAsync(device: _device);
        var written = 0;
        await using (store)
        {
            written = await FillFirstSegmentAsync(log);

            // Sealing works; the new segment's file is created but its name cannot be made durable.
            _device.FailDirectorySyncs(StorageFault.IOError);
            var failed = await log.AppendAsync(new[] { Record(written) }, default);
            var failedAgain = await log.AppendAsync(new[] { Record(written) }, default);

            Assert.Equal(AppendStatus.StorageFailure, failed.Status);
            Assert.Equal(AppendStatus.StorageFailure, failedAgain.Status);
            Assert.Single(SegmentFiles());

            _device.ClearFaults();
            await AppendAsync(log, written, 10);
            written += 10;
            Assert.Equal(2, SegmentFiles().Length);
            await AssertHoldsAsync(log, written);
        }

        await AssertCleanAfterReopenAsync(written);
    }

    [Fact]
    public async Task A_shard_directory_whose_entry_could_not_be_synced_is_synced_before_its_first_segment_is_acknowledged()
    {
        var (store, log) = await OpenWithStreamAsync(device: _device);
        await using (store)
        {
            _device.FailDirectorySyncs(StorageFault.IOError);
            var failed = await log.AppendAsync(new[] { Record(0) }, default);
            Assert.Equal(AppendStatus.StorageFailure, failed.Status);
            Assert.True(Directory.Exists(ShardDirectory));

            _device.ClearFaults();
            var before = _device.DirectorySyncs;
            await AppendAsync(log, 0, 1);

            // The stream directory (holding the shard's entry) and the shard directory (holding the segment's).
            Assert.True(_device.DirectorySyncs - before >= 2, $"{_device.DirectorySyncs - before} directory syncs");
            await AssertHoldsAsync(log, 1);
        }
    }

    [Fact]
    public async Task Under_the_interval_policy_a_failed_write_fails_its_append_and_a_failed_background_sync_is_reported()
    {
        var (store, log) = await OpenWithStreamAsync(FsyncPolicy.Interval(5), _device);
        await using (store)
        {
            await AppendAsync(log, 0, 10);
            _device.FailWrites(StorageFault.DiskFull, partialBytes: 10);
            Assert.Equal(AppendStatus.StorageFailure, (await log.AppendAsync(new[] { Record(10) }, default)).Status);
            _device.ClearFaults();
            await AppendAsync(log, 10, 10);

            Errors.Clear();
            _device.FailSyncs(StorageFault.IOError);
            await AppendAsync(log, 20, 10); // acknowledged once written
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (Errors.IsEmpty && DateTime.UtcNow < deadline)
            {
                await Task.Delay(5);
            }

            await AppendAsync(log, 30, 10);
            await Task.Delay(50); // several more failing background syncs
            Assert.Contains("background sync", Assert.Single(Errors), StringComparison.Ordinal);
            _device.ClearFaults();
            deadline = DateTime.UtcNow.AddSeconds(10);
            while (Errors.Count < 2 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(5);
            }

            Assert.Contains("succeed again", Errors.Last(), StringComparison.Ordinal);
            await AssertHoldsAsync(log, 40);
        }

        await AssertCleanAfterReopenAsync(40);
    }

    [Fact]
    public async Task Appends_fail_rather_than_throw_when_the_shard_directory_cannot_be_created()
    {
        await using var store = await OpenAsync(device: _device);
        await store.CreateStreamAsync(Stream(), default);
        _device.FailSyncs(StorageFault.IOError);

        var failed = await store.GetShardLog(Key, CreatedAtMs, 3).AppendAsync(new[] { Record(0) }, default);

        Assert.Equal(AppendStatus.StorageFailure, failed.Status);
        _device.ClearFaults();
        Assert.Equal(0, (await store.GetShardLog(Key, CreatedAtMs, 3).AppendAsync(new[] { Record(0) }, default)).FirstPosition);
    }

    /// <summary>Reopening on the real device needs no repair (no torn tail: nothing partial was left) and holds exactly the acknowledged records.</summary>
    /// <summary>Fills the first segment to its limit, so that the next append has to seal it first; returns the records written.</summary>
    private async Task<int> FillFirstSegmentAsync(IShardLog log)
    {
        var written = 0;
        do
        {
            await AppendAsync(log, written++, 1);
        }
        while (new FileInfo(SegmentFiles()[^1]).Length < 4096);

        return written;
    }

    private async Task AssertCleanAfterReopenAsync(int count)
    {
        Errors.Clear();
        var (store, log) = await OpenWithStreamAsync();
        await using (store)
        {
            Assert.Empty(Errors);
            await AssertHoldsAsync(log, count);
        }
    }
}
