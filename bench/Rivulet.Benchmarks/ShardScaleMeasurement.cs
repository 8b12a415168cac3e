using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Numerics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Rivulet.Benchmarks;

/// <summary>
/// Not a BenchmarkDotNet benchmark: a stream of many shards on the durable store, end to end through
/// a real server process (so the open-file limit of the calling shell applies, e.g. <c>ulimit -n 1024</c>).
/// Creates it, lists it page by page (timed, several times), writes records to every shard, reads every
/// shard back, restarts the server on the data, and scales the stream down by half; reports the
/// server's resident memory per shard and its open descriptors at each step.
/// <code>
/// ulimit -n 1024; dotnet run -c Release --project bench/Rivulet.Benchmarks -- shards [--shards 10000] [--records-per-shard 5] [--server path/to/Rivulet.Server.dll]
/// </code>
/// </summary>
internal static partial class ShardScaleMeasurement
{
    private const string Stream = "scale";
    private const string Authorization = "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20251121/us-east-1/kinesis/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    public static async Task<int> RunAsync(string[] args)
    {
        var shardCount = int.Parse(Option(args, "--shards") ?? "10000", CultureInfo.InvariantCulture);
        var perShard = int.Parse(Option(args, "--records-per-shard") ?? "5", CultureInfo.InvariantCulture);
        var serverDll = Option(args, "--server") ?? FindServer();
        var directory = Path.Combine(Path.GetTempPath(), "rivulet-shards-" + Guid.NewGuid().ToString("N"));
        Console.WriteLine($"{shardCount} shards, {perShard} records each, data in {directory}, descriptor limit {DescriptorLimit()}");
        var server = await Server.StartAsync(serverDll, directory, shardCount);
        try
        {
            using var http = new HttpClient { BaseAddress = server.Endpoint, Timeout = TimeSpan.FromMinutes(5) };
            var idle = server.Sample();
            Report("idle server", idle, null, 0);

            var watch = Stopwatch.StartNew();
            await CallAsync(http, "CreateStream", new { StreamName = Stream, ShardCount = shardCount });
            Console.WriteLine($"CreateStream: {watch.Elapsed.TotalMilliseconds:F0} ms");
            Report("created", server.Sample(), idle, shardCount);

            for (var run = 1; run <= 3; run++)
            {
                watch.Restart();
                var (listed, pages) = await ListAllAsync(http);
                Console.WriteLine($"ListShards, all {listed} shards in {pages} pages: {watch.Elapsed.TotalMilliseconds:F0} ms (run {run})");
            }

            watch.Restart();
            var written = await WriteAsync(http, shardCount, perShard);
            Console.WriteLine($"PutRecords: {written} records to every shard in {watch.Elapsed.TotalSeconds:F1} s");
            Report("written", server.Sample(), idle, shardCount);

            watch.Restart();
            var read = await ReadAllAsync(http, shardCount);
            Console.WriteLine($"GetShardIterator + GetRecords on every shard: {read} records in {watch.Elapsed.TotalSeconds:F1} s");
            Report("read", server.Sample(), idle, shardCount);
            if (read != written)
            {
                throw new InvalidOperationException($"wrote {written} records, read {read}");
            }

            await server.StopAsync();
            watch.Restart();
            server = await Server.StartAsync(serverDll, directory, shardCount);
            Console.WriteLine($"restart on the data: listening after {watch.Elapsed.TotalMilliseconds:F0} ms");
            using var again = new HttpClient { BaseAddress = server.Endpoint, Timeout = TimeSpan.FromMinutes(5) };
            Report("restarted", server.Sample(), idle, shardCount);
            if (await ReadAllAsync(again, shardCount) != written)
            {
                throw new InvalidOperationException("records missing after the restart");
            }

            Report("read after restart", server.Sample(), idle, shardCount);
            watch.Restart();
            await CallAsync(again, "UpdateShardCount", new { StreamName = Stream, TargetShardCount = shardCount / 2, ScalingType = "UNIFORM_SCALING" });
            Console.WriteLine($"UpdateShardCount {shardCount} -> {shardCount / 2}: {watch.Elapsed.TotalMilliseconds:F0} ms");
            watch.Restart();
            var (total, totalPages) = await ListAllAsync(again);
            Console.WriteLine($"ListShards after scaling, all {total} shards in {totalPages} pages: {watch.Elapsed.TotalMilliseconds:F0} ms");
            Report("scaled down", server.Sample(), idle, total);
            return 0;
        }
        finally
        {
            await server.StopAsync();
            Directory.Delete(directory, recursive: true);
        }
    }

    private static void Report(string step, (long RssBytes, int Descriptors) now, (long RssBytes, int Descriptors)? idle, int shards)
    {
        var perShard = idle is { } baseline && shards > 0 ? $", {(now.RssBytes - baseline.RssBytes) / (double)shards / 1024:F1} KiB per shard over idle" : "";
        Console.WriteLine($"  {step}: RSS {now.RssBytes / (1024.0 * 1024):F1} MiB{perShard}, {now.Descriptors} open descriptors");
    }

    private static async Task<(int Shards, int Pages)> ListAllAsync(HttpClient http)
    {
        var page = await CallAsync(http, "ListShards", new { StreamName = Stream });
        var (shards, pages) = (0, 0);
        while (true)
        {
            shards += page["Shards"]!.AsArray().Count;
            pages++;
            if (page["NextToken"]?.GetValue<string>() is not { } token)
            {
                return (shards, pages);
            }

            page = await CallAsync(http, "ListShards", new { NextToken = token });
        }
    }

    private static async Task<long> WriteAsync(HttpClient http, int shardCount, int perShard)
    {
        var width = (BigInteger.One << 128) / shardCount;
        long written = 0;
        var entries = new List<object>(500);
        for (var round = 0; round < perShard; round++)
        {
            for (var shard = 0; shard < shardCount; shard++)
            {
                // The middle of each shard's range: one record per shard per round, whatever the count.
                entries.Add(new { PartitionKey = "k", ExplicitHashKey = ((width * shard) + (width / 2)).ToString(CultureInfo.InvariantCulture), Data = Convert.ToBase64String(new byte[100]) });
                if (entries.Count == 500)
                {
                    written += await PutAsync(http, entries);
                }
            }
        }

        return entries.Count > 0 ? written + await PutAsync(http, entries) : written;
    }

    private static async Task<int> PutAsync(HttpClient http, List<object> entries)
    {
        var answer = await CallAsync(http, "PutRecords", new { StreamName = Stream, Records = entries });
        var failed = answer["FailedRecordCount"]!.GetValue<int>();
        var count = entries.Count;
        entries.Clear();
        return failed == 0 ? count : throw new InvalidOperationException($"{failed} records failed");
    }

    private static async Task<long> ReadAllAsync(HttpClient http, int shardCount)
    {
        long read = 0;
        for (var shard = 0; shard < shardCount; shard++)
        {
            var iterator = (await CallAsync(http, "GetShardIterator", new { StreamName = Stream, ShardId = $"shardId-{shard:D12}", ShardIteratorType = "TRIM_HORIZON" }))["ShardIterator"]!.GetValue<string>();
            var page = await CallAsync(http, "GetRecords", new { ShardIterator = iterator });
            read += page["Records"]!.AsArray().Count;
        }

        return read;
    }

    private static async Task<JsonObject> CallAsync(HttpClient http, string operation, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/x-amz-json-1.1");
        request.Headers.TryAddWithoutValidation("X-Amz-Target", "Kinesis_20131202." + operation);
        request.Headers.TryAddWithoutValidation("X-Amz-Date", DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation("Authorization", Authorization);
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return response.IsSuccessStatusCode
            ? text.Length == 0 ? [] : JsonNode.Parse(text)!.AsObject()
            : throw new InvalidOperationException($"{operation}: {(int)response.StatusCode} {text}");
    }

    private static string DescriptorLimit() =>
        File.Exists("/proc/self/limits") ? File.ReadLines("/proc/self/limits").FirstOrDefault(line => line.StartsWith("Max open files", StringComparison.Ordinal)) ?? "?" : "?";

    private static string FindServer()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Rivulet.slnx")))
            {
                return Path.Combine(directory.FullName, "src", "Rivulet.Server", "bin", "Release", "net10.0", "Rivulet.Server.dll");
            }
        }

        throw new InvalidOperationException("Rivulet.slnx not found above the benchmark; pass --server");
    }

    private static string? Option(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }

    private sealed partial class Server(Process process, Uri endpoint)
    {
        public Uri Endpoint { get; } = endpoint;

        public static async Task<Server> StartAsync(string dll, string directory, int shardCount)
        {
            var start = new ProcessStartInfo("dotnet", [dll, "serve", "--port", "0", "--tls-port", "off", "--data-dir", directory, "--shard-limit", (shardCount * 2).ToString(CultureInfo.InvariantCulture)])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            var process = Process.Start(start)!;
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                if (Listening().Match(line) is { Success: true } match)
                {
                    _ = process.StandardOutput.ReadToEndAsync();
                    _ = process.StandardError.ReadToEndAsync();
                    return new Server(process, new Uri(match.Groups[1].Value));
                }
            }

            throw new InvalidOperationException("the server exited before listening: " + await process.StandardError.ReadToEndAsync());
        }

        public (long RssBytes, int Descriptors) Sample()
        {
            var rss = File.ReadLines($"/proc/{process.Id}/status").First(line => line.StartsWith("VmRSS:", StringComparison.Ordinal));
            var kib = long.Parse(rss.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
            return (kib * 1024, Directory.GetFiles($"/proc/{process.Id}/fd").Length);
        }

        public async Task StopAsync()
        {
            if (!process.HasExited)
            {
                process.Kill();
                await process.WaitForExitAsync();
            }

            process.Dispose();
        }

        [GeneratedRegex(@"listening on (http://\S+)")]
        private static partial Regex Listening();
    }
}
