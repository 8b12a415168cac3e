using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Microsoft.Win32.SafeHandles;
using Rivulet.Storage;
using Rivulet.Storage.Local;

namespace Rivulet.Benchmarks;

/// <summary>
/// The local shard log against the disk's own speed: one append of 500 records of 1 KiB (what one
/// PutRecords call puts on a shard at most) versus one sequential <see cref="RandomAccess.Write(SafeFileHandle, ReadOnlySpan{byte}, long)"/>
/// of the same 512,000 data bytes, each synced (fdatasync) or not per the policy. Bandwidth is
/// 512,000 bytes / mean. Every iteration starts from an empty directory so runs do not fill the disk;
/// the many warmup iterations are there because that per-iteration setup keeps delaying tiered
/// compilation of the append path (with two, the first measured iterations ran unoptimized code).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Throughput, launchCount: 1, warmupCount: 12, iterationCount: 10, invocationCount: 128)]
public class ShardLogAppendBenchmarks
{
    private const int Records = 500;
    private const int RecordBytes = 1024;

    private PendingRecord[] _batch = null!;
    private byte[] _raw = null!;
    private string _directory = null!;
    private LocalStreamStore _store = null!;
    private IShardLog _log = null!;
    private IShardLog[] _shards = null!;
    private SafeFileHandle _file = null!;
    private string _filePath = null!;
    private long _offset;

    [Params("always", "never")]
    public string Fsync { get; set; } = "always";

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _batch = new PendingRecord[Records];
        _raw = new byte[Records * RecordBytes];
        random.NextBytes(_raw);
        for (var i = 0; i < Records; i++)
        {
            _batch[i] = new PendingRecord($"pk-{random.Next():x8}-{i}", _raw.AsMemory(i * RecordBytes, RecordBytes));
        }
    }

    [IterationSetup]
    public void IterationSetup()
    {
        _directory = Path.Combine(Path.GetTempPath(), "rivulet-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
        _store = LocalStreamStore.OpenAsync(new LocalStoreOptions
        {
            DataDirectory = Path.Combine(_directory, "store"),
            FsyncPolicy = FsyncPolicy.Parse(Fsync),
        }).GetAwaiter().GetResult();
        var key = new StreamKey("000000000000", "bench");
        _log = _store.GetShardLog(key, 1, 0);
        _shards = [.. Enumerable.Range(1, 4).Select(i => _store.GetShardLog(key, 1, i))];
        _filePath = Path.Combine(_directory, "raw.bin");
        _file = File.OpenHandle(_filePath, FileMode.CreateNew, FileAccess.ReadWrite);
        _offset = 0;
    }

    [IterationCleanup]
    public void IterationCleanup()
    {
        _store.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _file.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(Baseline = true, Description = "raw RandomAccess.Write of 500 KiB")]
    public void RawWrite()
    {
        RandomAccess.Write(_file, _raw, _offset);
        _offset += _raw.Length;
        if (Fsync == "always")
        {
            FileStorageDevice.SyncData(_file, _filePath);
        }
    }

    [Benchmark(Description = "shard log: append 500 x 1 KiB")]
    public async Task<long> Append() => (await _log.AppendAsync(_batch, default)).FirstPosition;

    [Benchmark(Description = "shard log: 4 shards append at once (per append)", OperationsPerInvoke = 4)]
    public async Task<long> AppendToFourShardsAtOnce()
    {
        var a = _shards[0].AppendAsync(_batch, default).AsTask();
        var b = _shards[1].AppendAsync(_batch, default).AsTask();
        var c = _shards[2].AppendAsync(_batch, default).AsTask();
        var d = _shards[3].AppendAsync(_batch, default).AsTask();
        await Task.WhenAll(a, b, c, d);
        return a.Result.FirstPosition + d.Result.FirstPosition;
    }
}
