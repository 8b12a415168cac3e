using Rivulet.Storage.Local;

namespace Rivulet.Storage.Tests.Local;

/// <summary>
/// The log keeps no records in memory: reading far more than any buffer leaves what is reachable on
/// the managed heap where it was. It measures only what survives a full collection, never the heap
/// with garbage in it, since how much garbage the GC lets pile up depends on the machine. Runs alone
/// (other tests' objects would show in the process-wide heap).
/// </summary>
[Collection(nameof(BoundedMemoryTests))]
public sealed class BoundedMemoryTests : LocalStoreTestBase
{
    private const int RecordBytes = 1024;
    private const int BatchRecords = 500;
    private const int Batches = 400; // 200 MB of data

    [Fact]
    public async Task Reading_a_log_far_larger_than_any_cache_keeps_managed_memory_flat()
    {
        var (store, log) = await OpenWithStreamAsync(FsyncPolicy.Never, segmentBytes: 16 << 20);
        await using (store)
        {
            var data = new byte[RecordBytes];
            new Random(5).NextBytes(data);
            var batch = Enumerable.Range(0, BatchRecords).Select(i => new PendingRecord($"pk-{i}", data)).ToArray();
            for (var i = 0; i < Batches; i++)
            {
                await log.AppendAsync(batch, default);
            }
        }

        var (reopened, again) = await OpenWithStreamAsync(FsyncPolicy.Never, segmentBytes: 16 << 20);
        await using (reopened)
        {
            await ReadEverythingAsync(again, 10_000); // warms up pools and code paths
            var before = GC.GetTotalMemory(forceFullCollection: true);

            var (records, bytes, largestReachable) = await ReadEverythingAsync(again, long.MaxValue);

            var after = GC.GetTotalMemory(forceFullCollection: true);
            Assert.Equal((long)BatchRecords * Batches, records);
            Assert.Equal((long)BatchRecords * Batches * RecordBytes, bytes);

            // A cache of what was read would hold a good part of the 200 MB; the room left is for pooled
            // buffers, of which the pool may keep one set per thread.
            Assert.InRange(after - before, long.MinValue, 32 << 20);
            Assert.InRange(largestReachable - before, long.MinValue, 64 << 20); // the 10 MiB page being read, never the log
        }
    }

    /// <summary>
    /// Reads in pages of up to 10 MiB and drops each page; its own method so that nothing it read stays
    /// reachable from the caller. Every few pages it notes what is reachable, the page in hand included.
    /// </summary>
    private static async Task<(long Records, long Bytes, long LargestReachable)> ReadEverythingAsync(IShardLog log, long upTo)
    {
        long records = 0, bytes = 0, from = 0, largestReachable = 0;
        var pages = 0;
        while (from < upTo)
        {
            var read = await log.ReadAsync(new ReadRequest(from, 10_000, 10 << 20, 0), default);
            if (read.Records.Count == 0)
            {
                break;
            }

            records += read.Records.Count;
            foreach (var record in read.Records)
            {
                bytes += record.Data.Length;
            }

            from = read.NextPosition;
            if (++pages % 4 == 0)
            {
                largestReachable = Math.Max(largestReachable, GC.GetTotalMemory(forceFullCollection: true));
            }
        }

        return (records, bytes, largestReachable);
    }
}

[CollectionDefinition(nameof(BoundedMemoryTests), DisableParallelization = true)]
public sealed class BoundedMemoryCollection;
