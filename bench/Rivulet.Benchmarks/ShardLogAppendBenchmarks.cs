using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using Microsoft.Win32.SafeHandles;
using Rivulet.Storage;
using Rivulet.Storage.Local;

namespace Rivulet.Benchmarks;

/// <summary>
/// The local shard log against the disk's own speed: one append of 500 records of 1 KiB (what one
/// PutRecords call puts on a shard at most) versus one sequential <see cref="RandomAccess.Write(SafeFileHandle, ReadOnlySpan{byte}, long)"/>
/// of the same 512,000 data bytes, each synced (fdatasync) or not per the policy. Bandwidth is
/// 512,000 bytes / mean. Every iteration starts from an empty directory so runs do not fill the disk.
/// That per-iteration setup keeps restarting tiered compilation's 100 ms quiet period (even after
/// twelve warmups the append path was still getting faster while measured), so the benchmark process
/// counts calls from the start: hot methods reach their final, profile-guided code within the warmup,
/// as they do in a server that has run for a while. (With tiering off the log measured ~15 µs slower
/// per append than with it, the raw write the same, so that would not show what the server runs.)
/// </summary>
[MemoryDiagnoser]
[Config(typeof(SteadyStateConfig))]
public class ShardLogAppendBenchmarks
{
    private sealed class SteadyStateConfig : ManualConfig
    {
        public SteadyStateConfig() => AddJob(Job.Default
            .WithStrategy(RunStrategy.Throughput)
            .WithLaunchCount(1)
            .WithWarmupCount(6)
            .WithIterationCount(15)
            .WithInvocationCount(128)
            .WithEnvironmentVariables(new EnvironmentVariable("DOTNET_TC_CallCountingDelayMs", "0")));
    }

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
        var key = new StreamKey("000000000000", "us-east-1", "bench");
        _store.CreateStreamAsync(new StreamMetadata
        {
            Key = key,
            CreatedAtMs = 1,
            Status = "ACTIVE",
            StreamMode = "PROVISIONED",
            Shards = [.. Enumerable.Range(0, 5).Select(i => new ShardMetadata(i, 0, UInt128.MaxValue, 1))],
            RetentionPeriodHours = 24,
            MaxRecordSizeInKiB = 1024,
        }, default).AsTask().GetAwaiter().GetResult();
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
