using Rivulet.Storage.Local;

namespace Rivulet.Storage.Tests.Local;

/// <summary>
/// The log keeps no records in memory: reading far more than any buffer leaves the managed heap where
/// it was. Runs alone (other tests' allocations would show in the process-wide heap size).
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

            var (records, bytes, largestHeap) = await ReadEverythingAsync(again, long.MaxValue);

            var after = GC.GetTotalMemory(forceFullCollection: true);
            Assert.Equal((long)BatchRecords * Batches, records);
            Assert.Equal((long)BatchRecords * Batches * RecordBytes, bytes);
            Assert.InRange(after - before, long.MinValue, 4 << 20);
            Assert.InRange(largestHeap - before, long.MinValue, 128 << 20); // a 10 MiB page plus garbage not yet collected, never the log
        }
    }

    /// <summary>Reads in pages of up to 10 MiB and drops each page; its own method so that nothing it read stays reachable from the caller.</summary>
    private static async Task<(long Records, long Bytes, long LargestHeap)> ReadEverythingAsync(IShardLog log, long upTo)
    {
        long records = 0, bytes = 0, from = 0, largestHeap = 0;
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
            largestHeap = Math.Max(largestHeap, GC.GetTotalMemory(forceFullCollection: false));
        }

        return (records, bytes, largestHeap);
    }
}

[CollectionDefinition(nameof(BoundedMemoryTests), DisableParallelization = true)]
public sealed class BoundedMemoryCollection;
