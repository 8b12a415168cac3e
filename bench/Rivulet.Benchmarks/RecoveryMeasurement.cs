using System.Diagnostics;
using System.Globalization;
using Rivulet.Storage;
using Rivulet.Storage.Local;

namespace Rivulet.Benchmarks;

/// <summary>
/// Not a BenchmarkDotNet benchmark: writes a data directory of a given size, then opens it in a fresh
/// process and times recovery, once with the index sidecars and once with them deleted (every
/// sealed segment scanned), and reports that process's memory before and after reading every
/// record back. Run it at 1 GiB and at 5 GiB to compare.
/// <code>
/// dotnet run -c Release --project bench/Rivulet.Benchmarks -- recovery [--gib 1] [--shards 1] [--dir path] [--keep] [--cold]
/// </code>
/// <c>--cold</c> drops the operating system's page cache before each open (Linux, needs root), so
/// recovery reads from the disk rather than from memory.
/// </summary>
internal static class RecoveryMeasurement
{
    private const int RecordBytes = 1024;
    private const int BatchRecords = 500;
    private static readonly StreamKey Key = new("000000000000", "recovery");

    public static async Task<int> RunAsync(string[] args)
    {
        var gib = double.Parse(Option(args, "--gib") ?? "1", CultureInfo.InvariantCulture);
        var shards = int.Parse(Option(args, "--shards") ?? "1", CultureInfo.InvariantCulture);
        var directory = Option(args, "--dir") ?? Path.Combine(Path.GetTempPath(), "rivulet-recovery-" + Guid.NewGuid().ToString("N"));
        try
        {
            var bytes = await WriteAsync(directory, (long)(gib * (1L << 30)), shards);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"data directory: {directory}, {bytes / (double)(1L << 30):F2} GiB of segments"));
            var cold = args.Contains("--cold");
            RunChild("reopen", directory, "with index sidecars", cold);
            foreach (var sidecar in Directory.EnumerateFiles(directory, "*.idx", SearchOption.AllDirectories))
            {
                File.Delete(sidecar);
            }

            RunChild("reopen", directory, "sidecars deleted, sealed segments scanned", cold);
            return 0;
        }
        finally
        {
            if (!args.Contains("--keep") && Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    /// <summary>The child: open, time it, read everything, report memory.</summary>
    public static async Task<int> ReopenAsync(string[] args)
    {
        var directory = Option(args, "--dir") ?? throw new ArgumentException("--dir is required");
        var label = Option(args, "--label") ?? "";
        var started = Stopwatch.GetTimestamp();
        await using var store = await LocalStreamStore.OpenAsync(new LocalStoreOptions { DataDirectory = directory });
        var opened = Stopwatch.GetElapsedTime(started);
        var stored = store.GetBytesOnDisk(Key, 1);
        var rssOpen = Environment.WorkingSet;

        long records = 0;
        var reading = Stopwatch.GetTimestamp();
        for (var shard = 0; ; shard++)
        {
            var log = store.GetShardLog(Key, 1, shard);
            if (log.Tail.NextPosition == 0)
            {
                break;
            }

            for (long from = 0; ;)
            {
                var read = await log.ReadAsync(new ReadRequest(from, 10_000, 10 << 20, 0), default);
                if (read.Records.Count == 0)
                {
                    break;
                }

                records += read.Records.Count;
                from = read.NextPosition;
            }
        }

        var readTime = Stopwatch.GetElapsedTime(reading);
        var heap = GC.GetTotalMemory(forceFullCollection: true);
        var gib = stored / (double)(1L << 30);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  recovery ({label}): {opened.TotalMilliseconds:F0} ms for {gib:F2} GiB = {opened.TotalSeconds / gib:F3} s/GiB; " +
            $"RSS after open {rssOpen >> 20} MiB, after reading {records:N0} records ({stored / readTime.TotalSeconds / 1e6:F0} MB/s) {Environment.WorkingSet >> 20} MiB, managed heap {heap >> 20} MiB"));
        return 0;
    }

    private static async Task<long> WriteAsync(string directory, long target, int shards)
    {
        await using var store = await LocalStreamStore.OpenAsync(new LocalStoreOptions { DataDirectory = directory, FsyncPolicy = FsyncPolicy.Never });
        if (await store.GetStreamAsync(Key, default) is null)
        {
            await store.CreateStreamAsync(new StreamMetadata
            {
                Key = Key,
                CreatedAtMs = 1,
                Status = "ACTIVE",
                StreamMode = "PROVISIONED",
                Shards = [.. Enumerable.Range(0, shards).Select(i => new ShardMetadata(i, 0, UInt128.MaxValue, 1))],
                RetentionPeriodHours = 24,
                MaxRecordSizeInKiB = 1024,
            }, default);
        }

        var data = new byte[RecordBytes];
        new Random(1).NextBytes(data);
        var batch = Enumerable.Range(0, BatchRecords).Select(i => new PendingRecord($"pk-{i:x8}", data)).ToArray();
        var logs = Enumerable.Range(0, shards).Select(i => store.GetShardLog(Key, 1, i)).ToArray();
        var started = Stopwatch.GetTimestamp();
        var before = store.GetBytesOnDisk(Key, 1);
        var written = before;
        for (var i = 0; written < target; i++)
        {
            await logs[i % shards].AppendAsync(batch, default);
            written += BatchRecords * (RecordBytes + 26 + 11);
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        var total = store.GetBytesOnDisk(Key, 1);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {(total - before) / 1e6:F0} MB in {elapsed.TotalSeconds:F1} s ({(total - before) / elapsed.TotalSeconds / 1e6:F0} MB/s, fsync never)"));
        return total;
    }

    private static void RunChild(string mode, string directory, string label, bool cold)
    {
        if (cold)
        {
            label += ", cold page cache";
            DropPageCache();
        }

        var host = Environment.ProcessPath!;
        var start = new ProcessStartInfo(host) { UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
        {
            start.ArgumentList.Add(typeof(RecoveryMeasurement).Assembly.Location);
        }

        foreach (var argument in new[] { mode, "--dir", directory, "--label", label })
        {
            start.ArgumentList.Add(argument);
        }

        using var child = Process.Start(start)!;
        child.WaitForExit();
    }

    private static void DropPageCache()
    {
        using (var sync = Process.Start("sync"))
        {
            sync.WaitForExit();
        }

        try
        {
            File.WriteAllText("/proc/sys/vm/drop_caches", "3");
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            Console.WriteLine($"  (could not drop the page cache: {exception.Message}; the numbers below are warm)");
        }
    }

    private static string? Option(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }
}
