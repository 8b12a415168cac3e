using System.Diagnostics;
using System.Globalization;
using Rivulet.Storage;
using Rivulet.Storage.Local;

namespace Rivulet.Benchmarks;

/// <summary>
/// Not a BenchmarkDotNet benchmark: fills a data directory to a given size in one process that then
/// exits without closing the store (as after kill -9), and times how long opening it takes in fresh
/// processes: after that crash, after a clean shutdown, and with every index sidecar deleted (every
/// segment scanned). Each opening process also reports its memory before and after reading every
/// record back; run at 1 GiB and at 5 GiB to compare.
/// <code>
/// dotnet run -c Release --project bench/Rivulet.Benchmarks -- recovery [--gib 1] [--shards 1] [--policy always] [--dir path] [--keep] [--cold]
/// </code>
/// <c>--cold</c> drops the operating system's page cache before each open (Linux, needs root), so
/// recovery reads from the disk rather than from memory.
/// </summary>
internal static class RecoveryMeasurement
{
    private const int RecordBytes = 1024;
    private const int BatchRecords = 500;
    private static readonly StreamKey Key = new("000000000000", "us-east-1", "recovery");

    public static Task<int> RunAsync(string[] args)
    {
        var directory = Option(args, "--dir") ?? Path.Combine(Path.GetTempPath(), "rivulet-recovery-" + Guid.NewGuid().ToString("N"));
        var cold = args.Contains("--cold");
        try
        {
            RunChild(["write", "--dir", directory, "--gib", Option(args, "--gib") ?? "1", "--shards", Option(args, "--shards") ?? "1", "--policy", Option(args, "--policy") ?? "always"]);
            Reopen(directory, "after the writer was killed", cold);
            Reopen(directory, "after a clean shutdown", cold);
            foreach (var sidecar in Directory.EnumerateFiles(directory, "*.idx", SearchOption.AllDirectories))
            {
                File.Delete(sidecar);
            }

            Reopen(directory, "index sidecars deleted, every segment scanned", cold);
            return Task.FromResult(0);
        }
        finally
        {
            if (!args.Contains("--keep") && Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    /// <summary>Child: appends 500 × 1 KiB batches round-robin over the shards until the stream holds the size asked for, then exits without closing anything.</summary>
    public static async Task<int> WriteAsync(string[] args)
    {
        var directory = Option(args, "--dir")!;
        var target = (long)(double.Parse(Option(args, "--gib")!, CultureInfo.InvariantCulture) * (1L << 30));
        var shards = int.Parse(Option(args, "--shards")!, CultureInfo.InvariantCulture);
        var policy = FsyncPolicy.Parse(Option(args, "--policy")!);
        var store = await LocalStreamStore.OpenAsync(new LocalStoreOptions { DataDirectory = directory, FsyncPolicy = policy });
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
        var before = store.GetBytesOnDisk(Key, 1);
        var started = Stopwatch.GetTimestamp();
        var writers = logs.Select(log => Task.Run(async () =>
        {
            while (store.GetBytesOnDisk(Key, 1) < target)
            {
                await log.AppendAsync(batch, default);
            }
        }));
        await Task.WhenAll(writers);
        var elapsed = Stopwatch.GetElapsedTime(started);
        var written = store.GetBytesOnDisk(Key, 1) - before;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"wrote {written / 1e6:F0} MB to {shards} shard(s) in {elapsed.TotalSeconds:F1} s ({written / elapsed.TotalSeconds / 1e6:F0} MB/s, fsync {policy}), then exited without closing the store"));
        Console.Out.Flush();
        Environment.Exit(0);
        return 0;
    }

    /// <summary>Child: opens the directory (timed), reads every record, reports memory, closes cleanly.</summary>
    public static async Task<int> ReopenAsync(string[] args)
    {
        var directory = Option(args, "--dir")!;
        var label = Option(args, "--label") ?? "";
        var repairs = 0;
        var started = Stopwatch.GetTimestamp();
        await using var store = await LocalStreamStore.OpenAsync(new LocalStoreOptions { DataDirectory = directory, ErrorSink = _ => repairs++ });
        var opened = Stopwatch.GetElapsedTime(started);
        var stored = store.GetBytesOnDisk(Key, 1);
        var rssOpen = Environment.WorkingSet;

        long records = 0;
        var reading = Stopwatch.GetTimestamp();
        for (var shard = 0; store.GetShardLog(Key, 1, shard) is { Tail.NextPosition: > 0 } log; shard++)
        {
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
            $"  open {label}: {opened.TotalMilliseconds:F0} ms for {gib:F2} GiB = {opened.TotalSeconds / gib:F3} s/GiB ({repairs} repair lines); " +
            $"RSS {rssOpen >> 20} MiB after open, {Environment.WorkingSet >> 20} MiB after reading {records:N0} records at {stored / readTime.TotalSeconds / 1e6:F0} MB/s; managed heap {heap >> 20} MiB"));
        return 0;
    }

    private static void Reopen(string directory, string label, bool cold)
    {
        if (cold)
        {
            label += ", cold page cache";
            DropPageCache();
        }

        RunChild(["reopen", "--dir", directory, "--label", label]);
    }

    private static void RunChild(string[] arguments)
    {
        var host = Environment.ProcessPath!;
        var start = new ProcessStartInfo(host) { UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
        {
            start.ArgumentList.Add(typeof(RecoveryMeasurement).Assembly.Location);
        }

        foreach (var argument in arguments)
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
