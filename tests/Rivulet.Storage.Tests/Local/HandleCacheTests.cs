using Rivulet.Storage.Local;

namespace Rivulet.Storage.Tests.Local;

/// <summary>
/// The store keeps a bounded set of segment files open whatever the number of shards and segments,
/// reopening the others when they are next used, at start-up too; a failure to reopen or to sync a
/// file before closing it reaches the caller instead of being lost.
/// </summary>
public sealed class HandleCacheTests : LocalStoreTestBase
{
    private const int Cap = 4;
    private const int Shards = 24;
    private readonly CountingDevice _device = new();

    [Fact]
    public async Task Many_shards_with_many_segments_each_are_written_and_read_with_no_more_files_open_than_the_cap()
    {
        await using (var store = await OpenCappedAsync())
        {
            await store.CreateStreamAsync(ManyShards(), default);
            await WriteRoundsAsync(store, rounds: 60);

            Assert.True(_device.MostOpen <= Cap, $"{_device.MostOpen} segment files were open at once");
            Assert.True(store.OpenSegmentFiles <= Cap);
            Assert.True(Directory.GetFiles(Path.Combine(DataDirectory, "streams"), "*.seg", SearchOption.AllDirectories).Length > 3 * Shards);
            await AssertEveryShardHoldsAsync(store, 60);
        }

        Assert.Equal(0, _device.OpenNow);
    }

    [Fact]
    public async Task A_store_with_more_segment_files_than_the_cap_starts_and_serves_within_it()
    {
        await using (var store = await OpenUncappedAsync())
        {
            await store.CreateStreamAsync(ManyShards(), default);
            await WriteRoundsAsync(store, rounds: 60);
        }

        await using (var reopened = await OpenCappedAsync())
        {
            Assert.True(_device.MostOpen <= Cap, $"{_device.MostOpen} segment files were open at once during recovery");
            await AssertEveryShardHoldsAsync(reopened, 60);
            await WriteRoundsAsync(reopened, rounds: 5, from: 60);
            await AssertEveryShardHoldsAsync(reopened, 65);
            Assert.True(_device.MostOpen <= Cap, $"{_device.MostOpen} segment files were open at once");
        }

        Assert.Empty(Errors);
    }

    [Fact]
    public async Task A_segment_file_that_cannot_be_reopened_fails_the_read_and_reads_work_again_once_it_can()
    {
        await using var store = await OpenCappedAsync();
        await store.CreateStreamAsync(ManyShards(), default);
        await WriteRoundsAsync(store, rounds: 10);

        // Shard 0's file was closed to make room for the others; reopening it now fails.
        _device.FailOpens = true;
        var log = store.GetShardLog(Key, CreatedAtMs, 0);
        var failure = await Assert.ThrowsAnyAsync<IOException>(() => ReadAllAsync(log));
        Assert.Contains("Too many open files", failure.Message, StringComparison.Ordinal);

        _device.FailOpens = false;
        Assert.Equal(10, (await ReadAllAsync(log)).Count);
    }

    [Fact]
    public void A_failed_sync_before_closing_a_file_to_make_room_fails_that_files_next_sync()
    {
        var cache = new CachingStorageDevice(_device, capacity: 1, syncBeforeClose: true);
        var first = cache.Open(SegmentPath("a"), FileMode.CreateNew);
        first.Write(0, "unsynced"u8);

        _device.FailSyncs = true;
        using (var second = cache.Open(SegmentPath("b"), FileMode.CreateNew))
        {
            Assert.Equal(1, _device.OpenNow); // the first file was closed (its sync tried) to make room
        }

        _device.FailSyncs = false;
        var lost = Assert.Throws<IOException>(first.Sync);
        Assert.Contains("before closing it", lost.Message, StringComparison.Ordinal);

        // Reported once; the data is still there and a sync that works now is taken at its word.
        first.Sync();
        var buffer = new byte[8];
        Assert.Equal(8, first.Read(0, buffer));
        Assert.Equal("unsynced"u8.ToArray(), buffer);
        first.Dispose();
        Assert.Equal(0, _device.OpenNow);
    }

    [Fact]
    public async Task Files_in_use_are_never_closed_under_their_callers_and_the_cap_holds_again_once_they_are_done()
    {
        var cache = new CachingStorageDevice(_device, capacity: 2, syncBeforeClose: false);
        var files = Enumerable.Range(0, 6).Select(i => cache.Open(SegmentPath($"f{i}"), FileMode.CreateNew)).ToList();
        for (var i = 0; i < files.Count; i++)
        {
            files[i].Write(0, [(byte)i]);
        }

        Assert.True(_device.MostOpen <= 2);

        // Three reads in flight at once on three files: each keeps its handle, so the cap is exceeded while they last.
        _device.HoldReads();
        var reads = files.Take(3).Select(file => Task.Run(() =>
        {
            var one = new byte[1];
            file.Read(0, one);
            return (int)one[0];
        })).ToArray();
        await WaitUntilAsync(() => _device.ReadsHeld == 3);
        Assert.Equal(3, _device.OpenNow);

        _device.ReleaseReads();
        var values = await Task.WhenAll(reads);
        Assert.Equal([0, 1, 2], values);
        Assert.True(cache.OpenHandles <= 2, $"{cache.OpenHandles} handles open after the reads");
        Assert.True(_device.OpenNow <= 2);

        for (var i = 0; i < files.Count; i++)
        {
            var one = new byte[1];
            Assert.Equal(1, files[i].Read(0, one));
            Assert.Equal(i, one[0]);
        }

        Assert.True(cache.Reopens > 0);
        files.ForEach(file => file.Dispose());
        Assert.Equal(0, _device.OpenNow);
        Assert.Equal(0, cache.OpenHandles);
    }

    private string SegmentPath(string name)
    {
        Directory.CreateDirectory(DataDirectory);
        return Path.Combine(DataDirectory, name + ".seg");
    }

    private Task<LocalStreamStore> OpenCappedAsync() =>
        LocalStreamStore.OpenAsync(Options(device: _device, segmentBytes: 1024) with { MaxOpenFiles = Cap });

    private Task<LocalStreamStore> OpenUncappedAsync() => LocalStreamStore.OpenAsync(Options(segmentBytes: 1024));

    private StreamMetadata ManyShards()
    {
        var width = UInt128.MaxValue / Shards;
        return Stream() with
        {
            Shards = [.. Enumerable.Range(0, Shards).Select(i => new ShardMetadata(
                i,
                width * (UInt128)i,
                i == Shards - 1 ? UInt128.MaxValue : (width * (UInt128)(i + 1)) - 1,
                CreatedAtMs))],
        };
    }

    /// <summary>One record to every shard per round, so that each write goes to a different file than the one before.</summary>
    private async Task WriteRoundsAsync(LocalStreamStore store, int rounds, int from = 0)
    {
        for (var round = from; round < from + rounds; round++)
        {
            for (var shard = 0; shard < Shards; shard++)
            {
                var result = await store.GetShardLog(Key, CreatedAtMs, shard).AppendAsync(new[] { Record(round) }, default);
                Assert.Equal(AppendStatus.Appended, result.Status);
                Assert.Equal(round, result.FirstPosition);
            }
        }
    }

    private async Task AssertEveryShardHoldsAsync(LocalStreamStore store, int count)
    {
        for (var shard = 0; shard < Shards; shard++)
        {
            await AssertHoldsAsync(store.GetShardLog(Key, CreatedAtMs, shard), count);
        }
    }

    /// <summary>Real files that count the segment files open at once and can fail opens (as EMFILE) and syncs on demand.</summary>
    private sealed class CountingDevice : IStorageDevice
    {
        private int _open;
        private int _mostOpen;

        public int OpenNow => Volatile.Read(ref _open);

        public int MostOpen => Volatile.Read(ref _mostOpen);

        public volatile bool FailOpens;

        public volatile bool FailSyncs;

        private readonly ManualResetEventSlim _reads = new(initialState: true);
        private int _readsHeld;

        /// <summary>Reads waiting in <see cref="HoldReads"/>' gate now.</summary>
        public int ReadsHeld => Volatile.Read(ref _readsHeld);

        public void HoldReads() => _reads.Reset();

        public void ReleaseReads() => _reads.Set();

        private void WaitForReads()
        {
            if (_reads.IsSet)
            {
                return;
            }

            Interlocked.Increment(ref _readsHeld);
            _reads.Wait(TimeSpan.FromMinutes(2));
            Interlocked.Decrement(ref _readsHeld);
        }

        public ILogFile Open(string path, FileMode mode)
        {
            if (!path.EndsWith(".seg", StringComparison.Ordinal))
            {
                return FileStorageDevice.Instance.Open(path, mode);
            }

            if (FailOpens)
            {
                throw new IOException($"Too many open files : '{path}'", 24);
            }

            var file = FileStorageDevice.Instance.Open(path, mode);
            var now = Interlocked.Increment(ref _open);
            int most;
            while (now > (most = Volatile.Read(ref _mostOpen)) && Interlocked.CompareExchange(ref _mostOpen, now, most) != most)
            {
            }

            return new Counted(this, file);
        }

        public void SyncDirectory(string path) => FileStorageDevice.Instance.SyncDirectory(path);

        private sealed class Counted(CountingDevice device, ILogFile inner) : ILogFile
        {
            private int _disposed;

            public string Path => inner.Path;

            public long Length => inner.Length;

            public void Write(long offset, ReadOnlySpan<byte> data) => inner.Write(offset, data);

            public int Read(long offset, Span<byte> buffer)
            {
                device.WaitForReads();
                return inner.Read(offset, buffer);
            }

            public void Sync()
            {
                if (device.FailSyncs)
                {
                    throw new IOException($"Input/output error : '{Path}'", 5);
                }

                inner.Sync();
            }

            public void Truncate(long length) => inner.Truncate(length);

            public void Dispose()
            {
                if (Interlocked.Exchange(ref _disposed, 1) == 0)
                {
                    Interlocked.Decrement(ref device._open);
                    inner.Dispose();
                }
            }
        }
    }
}
