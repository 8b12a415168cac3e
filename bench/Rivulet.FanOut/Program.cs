using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using System.Text.Json.Nodes;

namespace Rivulet.FanOut;

/// <summary>
/// Measures SubscribeToShard against a running server.
///   latency: one subscription, records put one at a time; the time from each PutRecord answer to
///            the event carrying the record reaching the reader (p50, p90, p99, max).
///   fanout:  consumers × shards subscriptions at once while a writer puts records with PutRecords;
///            records per second each subscription received, the server's resident memory, and
///            whether every subscription got every record of its shard exactly once and in order.
/// </summary>
internal static class Program
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(180);

    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 0 || args[0] is not ("latency" or "fanout"))
        {
            Console.Error.WriteLine("usage: latency|fanout --endpoint <url> [--records N] [--record-bytes N] [--shards N] [--consumers N] [--server-pid PID]");
            return 2;
        }

        var options = Options.Parse(args[1..]);
        using var client = new KinesisClient(options.Endpoint);
        using var bound = new CancellationTokenSource(Bound);
        var stream = $"fanout-{DateTime.UtcNow:HHmmss}-{Guid.NewGuid().ToString("N")[..6]}";
        try
        {
            return args[0] == "latency"
                ? await LatencyAsync(client, stream, options, bound.Token)
                : await FanOutAsync(client, stream, options, bound.Token);
        }
        finally
        {
            await client.CallAsync("DeleteStream", new { StreamName = stream, EnforceConsumerDeletion = true }, CancellationToken.None);
        }
    }

    private static async Task<int> LatencyAsync(KinesisClient client, string stream, Options options, CancellationToken cancellationToken)
    {
        var (streamArn, _) = await CreateStreamAsync(client, stream, 1, cancellationToken);
        var consumerArn = (await RegisterAsync(client, streamArn, 1, cancellationToken))[0];
        var count = options.Records;
        var answered = new long[count];
        var received = new long[count];
        using var response = await client.SubscribeAsync(consumerArn, "shardId-000000000000", new { Type = "LATEST" }, cancellationToken);
        var reader = new EventReader(await response.Content.ReadAsStreamAsync(cancellationToken));
        var duplicates = 0;
        var reading = Task.Run(async () =>
        {
            var seen = 0;
            while (seen < count && await reader.NextAsync(cancellationToken) is { } shardEvent)
            {
                foreach (var (data, _) in shardEvent.Records)
                {
                    var index = BitConverter.ToInt32(data);
                    if (received[index] != 0)
                    {
                        duplicates++;
                        continue;
                    }

                    received[index] = shardEvent.ReceivedAt;
                    seen++;
                }
            }
        }, cancellationToken);

        var padding = new byte[Math.Max(options.RecordBytes, 4)];
        for (var i = 0; i < count; i++)
        {
            BitConverter.TryWriteBytes(padding, i);
            await client.CallAsync("PutRecord", new { StreamName = stream, PartitionKey = "k", Data = Convert.ToBase64String(padding) }, cancellationToken);
            answered[i] = Stopwatch.GetTimestamp();
            if (options.PauseMs > 0)
            {
                await Task.Delay(options.PauseMs, cancellationToken);
            }
        }

        await reading.WaitAsync(cancellationToken);
        var latencies = new double[count];
        var beforeAnswer = 0;
        for (var i = 0; i < count; i++)
        {
            var ms = Stopwatch.GetElapsedTime(answered[i], received[i]).TotalMilliseconds;
            beforeAnswer += ms < 0 ? 1 : 0;
            latencies[i] = Math.Max(0, ms);
        }

        Array.Sort(latencies);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"latency records={count} p50_ms={Percentile(latencies, 0.50):F3} p90_ms={Percentile(latencies, 0.90):F3} p99_ms={Percentile(latencies, 0.99):F3} max_ms={latencies[^1]:F3} mean_ms={latencies.Average():F3} arrived_before_answer={beforeAnswer} duplicates={duplicates} missing=0"));
        return duplicates == 0 ? 0 : 1;
    }

    private static async Task<int> FanOutAsync(KinesisClient client, string stream, Options options, CancellationToken cancellationToken)
    {
        using var memory = new MemorySampler(options.ServerPid);
        var idleMiB = memory.CurrentMiB();
        var (streamArn, shardIds) = await CreateStreamAsync(client, stream, options.Shards, cancellationToken);
        var consumers = await RegisterAsync(client, streamArn, options.Consumers, cancellationToken);
        var subscriptions = new List<Subscriber>();
        foreach (var consumer in consumers)
        {
            foreach (var shard in shardIds)
            {
                var response = await client.SubscribeAsync(consumer, shard, new { Type = "TRIM_HORIZON" }, cancellationToken);
                subscriptions.Add(new Subscriber(shard, response, new EventReader(await response.Content.ReadAsStreamAsync(cancellationToken))));
            }
        }

        var expected = new Dictionary<string, int>();
        var started = Stopwatch.GetTimestamp();
        var readers = subscriptions.Select(subscriber => subscriber.ReadAsync(cancellationToken)).ToArray();

        // Spread the records evenly: entry i goes to the shard whose range holds hash key i · (2^128 / shards) + 1.
        var step = (BigInteger.One << 128) / options.Shards;
        var data = Convert.ToBase64String(new byte[options.RecordBytes]);
        var written = 0;
        while (written < options.Records)
        {
            var batch = Math.Min(500, options.Records - written);
            var entries = Enumerable.Range(written, batch).Select(i => new { Data = data, PartitionKey = "k", ExplicitHashKey = ((step * (i % options.Shards)) + 1).ToString(CultureInfo.InvariantCulture) });
            var answer = await client.CallAsync("PutRecords", new { StreamName = stream, Records = entries }, cancellationToken);
            if (answer["FailedRecordCount"]!.GetValue<int>() != 0)
            {
                throw new InvalidOperationException("PutRecords failed some entries");
            }

            lock (expected)
            {
                foreach (var entry in answer["Records"]!.AsArray())
                {
                    var shard = entry!["ShardId"]!.GetValue<string>();
                    expected[shard] = expected.GetValueOrDefault(shard) + 1;
                }
            }

            written += batch;
        }

        lock (expected)
        {
            foreach (var subscriber in subscriptions)
            {
                subscriber.Expect(expected[subscriber.ShardId]);
            }
        }

        await Task.WhenAll(readers).WaitAsync(cancellationToken);
        var wall = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var rates = subscriptions.Select(subscriber => subscriber.Received / Math.Max(subscriber.Seconds, 1e-6)).Order().ToArray();
        var bad = subscriptions.Sum(subscriber => subscriber.Duplicates + subscriber.OutOfOrder + Math.Abs(subscriber.Expected - subscriber.Received));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"fanout subscriptions={subscriptions.Count} records_written={written} deliveries={subscriptions.Sum(s => s.Received)} wall_s={wall:F2} per_subscription_records_per_s_min={rates[0]:F0} median={rates[rates.Length / 2]:F0} max={rates[^1]:F0} total_deliveries_per_s={subscriptions.Sum(s => s.Received) / wall:F0} server_rss_mib_before={idleMiB:F1} server_rss_mib_peak={memory.PeakMiB:F1} server_rss_mib_end={memory.CurrentMiB():F1} lost_duplicated_or_reordered={bad}"));
        foreach (var subscriber in subscriptions)
        {
            subscriber.Dispose();
        }

        return bad == 0 ? 0 : 1;
    }

    private static async Task<(string StreamArn, List<string> ShardIds)> CreateStreamAsync(KinesisClient client, string stream, int shards, CancellationToken cancellationToken)
    {
        await client.CallAsync("CreateStream", new { StreamName = stream, ShardCount = shards }, cancellationToken);
        for (var attempt = 0; ; attempt++)
        {
            var summary = (await client.CallAsync("DescribeStreamSummary", new { StreamName = stream }, cancellationToken))["StreamDescriptionSummary"]!;
            if (summary["StreamStatus"]!.GetValue<string>() == "ACTIVE" || attempt == 300)
            {
                var listed = await client.CallAsync("ListShards", new { StreamName = stream }, cancellationToken);
                return (summary["StreamARN"]!.GetValue<string>(), [.. listed["Shards"]!.AsArray().Select(shard => shard!["ShardId"]!.GetValue<string>())]);
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    private static async Task<List<string>> RegisterAsync(KinesisClient client, string streamArn, int count, CancellationToken cancellationToken)
    {
        var arns = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var consumer = await client.CallAsync("RegisterStreamConsumer", new { StreamARN = streamArn, ConsumerName = $"c{i}" }, cancellationToken);
            var arn = consumer["Consumer"]!["ConsumerARN"]!.GetValue<string>();
            for (var attempt = 0; attempt < 300; attempt++)
            {
                var status = (await client.CallAsync("DescribeStreamConsumer", new { ConsumerARN = arn }, cancellationToken))["ConsumerDescription"]!["ConsumerStatus"]!.GetValue<string>();
                if (status == "ACTIVE")
                {
                    break;
                }

                await Task.Delay(100, cancellationToken);
            }

            arns.Add(arn);
        }

        return arns;
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    private sealed record Options(Uri Endpoint, int Records, int RecordBytes, int Shards, int Consumers, int? ServerPid, int PauseMs)
    {
        public static Options Parse(string[] args)
        {
            var values = new Dictionary<string, string>();
            for (var i = 0; i + 1 < args.Length; i += 2)
            {
                values[args[i]] = args[i + 1];
            }

            int Int(string name, int fallback) => values.TryGetValue(name, out var text) ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;
            return new Options(
                new Uri(values.GetValueOrDefault("--endpoint", "http://127.0.0.1:4567")),
                Int("--records", 10_000),
                Int("--record-bytes", 100),
                Int("--shards", 5),
                Int("--consumers", 20),
                values.ContainsKey("--server-pid") ? Int("--server-pid", 0) : null,
                Int("--pause-ms", 0));
        }
    }

    /// <summary>One subscription of the fan-out run: counts what arrives and checks it is new and in order.</summary>
    private sealed class Subscriber(string shardId, HttpResponseMessage response, EventReader reader) : IDisposable
    {
        private readonly TaskCompletionSource _expected = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private long _first;
        private long _last;

        public string ShardId => shardId;

        public int Expected { get; private set; } = -1;

        public int Received { get; private set; }

        public int Duplicates { get; private set; }

        public int OutOfOrder { get; private set; }

        public double Seconds => _first == 0 ? 0 : Stopwatch.GetElapsedTime(_first, _last).TotalSeconds;

        public void Expect(int count)
        {
            Expected = count;
            _expected.TrySetResult();
        }

        public async Task ReadAsync(CancellationToken cancellationToken)
        {
            var seen = new HashSet<string>();
            var previous = BigInteger.MinusOne;
            Task<ShardEvent?>? pending = null;
            while (Expected < 0 || Received < Expected)
            {
                pending ??= reader.NextAsync(cancellationToken);
                if (Expected < 0)
                {
                    // Until the writer is done the total is unknown; an empty shard would never end the loop otherwise.
                    await Task.WhenAny(pending, _expected.Task);
                    if (!pending.IsCompleted)
                    {
                        continue;
                    }
                }

                var shardEvent = await pending;
                pending = null;
                if (shardEvent is null)
                {
                    break;
                }

                foreach (var (_, sequenceNumber) in shardEvent.Records)
                {
                    var value = BigInteger.Parse(sequenceNumber, CultureInfo.InvariantCulture);
                    if (!seen.Add(sequenceNumber))
                    {
                        Duplicates++;
                        continue;
                    }

                    OutOfOrder += value <= previous ? 1 : 0;
                    previous = value;
                    Received++;
                    _first = _first == 0 ? shardEvent.ReceivedAt : _first;
                    _last = shardEvent.ReceivedAt;
                }
            }
        }

        public void Dispose() => response.Dispose();
    }

    /// <summary>Samples the server's resident set (VmRSS) every 100 ms, keeping the peak.</summary>
    private sealed class MemorySampler : IDisposable
    {
        private readonly int? _pid;
        private readonly Timer? _timer;
        private double _peak;

        public MemorySampler(int? pid)
        {
            _pid = pid;
            _timer = pid is null ? null : new Timer(_ => _peak = Math.Max(_peak, CurrentMiB()), null, 0, 100);
        }

        public double PeakMiB => Math.Max(_peak, CurrentMiB());

        public double CurrentMiB()
        {
            if (_pid is not { } pid)
            {
                return double.NaN;
            }

            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? double.NaN : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
        }

        public void Dispose() => _timer?.Dispose();
    }
}
