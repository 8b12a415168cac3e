using System.Collections.Concurrent;
using System.Text;
using Rivulet.Storage.Local;

namespace Rivulet.Storage.Tests.Local;

/// <summary>A data directory per test, the error lines the store reported, and helpers to write and inspect logs.</summary>
public abstract class LocalStoreTestBase : IDisposable
{
    protected static readonly StreamKey Key = new("000000000000", "us-east-1", "local");

    private readonly TempDirectory _root = new();

    protected LocalStoreTestBase() => DataDirectory = _root.NewSubdirectory();

    protected string DataDirectory { get; }

    protected ManualClock Clock { get; } = new(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));

    protected ConcurrentQueue<string> Errors { get; } = new();

    protected long CreatedAtMs { get; } = 1_700_000_000_000;

    public void Dispose()
    {
        _root.Dispose();
        GC.SuppressFinalize(this);
    }

    protected LocalStoreOptions Options(FsyncPolicy? policy = null, IStorageDevice? device = null, long segmentBytes = 4096) => new()
    {
        DataDirectory = DataDirectory,
        FsyncPolicy = policy ?? FsyncPolicy.Always,
        SegmentBytes = segmentBytes,
        IndexIntervalBytes = 512,
        TimeProvider = Clock,
        Device = device ?? FileStorageDevice.Instance,
        ErrorSink = Errors.Enqueue,
    };

    protected Task<LocalStreamStore> OpenAsync(FsyncPolicy? policy = null, IStorageDevice? device = null, long segmentBytes = 4096) =>
        LocalStreamStore.OpenAsync(Options(policy, device, segmentBytes));

    /// <summary>A store with one stream of one shard, ready for appends.</summary>
    protected async Task<(LocalStreamStore Store, IShardLog Log)> OpenWithStreamAsync(FsyncPolicy? policy = null, IStorageDevice? device = null, long segmentBytes = 4096)
    {
        var store = await OpenAsync(policy, device, segmentBytes);
        if (await store.GetStreamAsync(Key, default) is null)
        {
            await store.CreateStreamAsync(Stream(), default);
        }

        return (store, store.GetShardLog(Key, CreatedAtMs, 0));
    }

    protected StreamMetadata Stream() => new()
    {
        Key = Key,
        CreatedAtMs = CreatedAtMs,
        Status = "ACTIVE",
        StreamMode = "PROVISIONED",
        Shards = [new ShardMetadata(0, UInt128.Zero, UInt128.MaxValue, CreatedAtMs)],
        RetentionPeriodHours = 24,
        MaxRecordSizeInKiB = 1024,
    };

    protected string ShardDirectory => Path.Combine(DataDirectory, "streams", Key.AccountId, Key.Region, $"{Key.StreamName}.{CreatedAtMs}", "shard-0");

    protected string[] SegmentFiles() => [.. Directory.GetFiles(ShardDirectory, "*.seg").Order(StringComparer.Ordinal)];

    protected string[] SidecarFiles() => [.. Directory.GetFiles(ShardDirectory, "*.idx").Order(StringComparer.Ordinal)];

    /// <summary>Appends <paramref name="count"/> records one call at a time; record i holds <see cref="Payload"/>(i).</summary>
    protected static async Task AppendAsync(IShardLog log, int from, int count)
    {
        for (var i = from; i < from + count; i++)
        {
            var result = await log.AppendAsync(new[] { Record(i) }, default);
            Assert.Equal(AppendStatus.Appended, result.Status);
            Assert.Equal(i, result.FirstPosition);
        }
    }

    /// <summary>Polls until <paramref name="condition"/> holds; the long limit only keeps a broken build from hanging, no outcome depends on it.</summary>
    protected static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition never held");
            await Task.Delay(1);
        }
    }

    protected static PendingRecord Record(int i) => new($"key-{i}", Encoding.UTF8.GetBytes(Payload(i)));

    protected static string Payload(int i) => $"record-{i}-" + new string((char)('a' + (i % 26)), 20 + (i % 90));

    protected static Task<List<StoredRecord>> ReadAllAsync(IShardLog log, long from = 0) => ShardLogReading.ReadAllAsync(log, from, 1_000, 1 << 20);

    /// <summary>Asserts the log holds exactly records 0 … count − 1 as <see cref="Record"/> made them.</summary>
    protected static async Task AssertHoldsAsync(IShardLog log, int count)
    {
        var all = await ReadAllAsync(log);
        Assert.Equal(count, all.Count);
        for (var i = 0; i < count; i++)
        {
            Assert.Equal(i, all[i].Position);
            Assert.Equal($"key-{i}", all[i].PartitionKey);
            Assert.Equal(Payload(i), Encoding.UTF8.GetString(all[i].Data.Span));
        }

        Assert.Equal(count, log.Tail.NextPosition);
    }

    /// <summary>Asserts the log holds records 0 … count − 1 as <see cref="Record"/> made them, except the <paramref name="lost"/> positions.</summary>
    protected static async Task AssertHoldsAllButAsync(IShardLog log, int count, params long[] lost)
    {
        var all = await ReadAllAsync(log);
        var expected = Enumerable.Range(0, count).Select(i => (long)i).Except(lost).ToList();
        Assert.Equal(expected, all.Select(r => r.Position));
        foreach (var record in all)
        {
            Assert.Equal($"key-{record.Position}", record.PartitionKey);
            Assert.Equal(Payload((int)record.Position), Encoding.UTF8.GetString(record.Data.Span));
        }

        Assert.Equal(count, log.Tail.NextPosition);
    }
}
