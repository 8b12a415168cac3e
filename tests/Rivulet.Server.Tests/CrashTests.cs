using System.Collections.Concurrent;
using System.Net;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Rivulet.Server.Tests;

/// <summary>
/// Acknowledged means durable: the server is killed with SIGKILL at random moments while clients
/// write, restarted on the same data directory, and every acknowledged record must be there with
/// the same sequence number, data, partition key and arrival time. A process crash loses nothing
/// acknowledged under any fsync policy (the data is in the OS already); power loss is another matter.
/// </summary>
public sealed class CrashTests : IDisposable
{
    private const int Rounds = 8;
    private const int Shards = 3;
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "rivulet-crash-" + Guid.NewGuid().ToString("N"));

    [Theory]
    [InlineData("always")]
    [InlineData("never")]
    public async Task Every_acknowledged_record_survives_repeated_kill_9(string fsync)
    {
        var random = new Random(20261121);
        var acknowledged = new ConcurrentDictionary<string, (string ShardId, string PartitionKey, string Data)>();
        var arrivals = new Dictionary<string, double>();
        const string stream = "crash";
        var server = await ServerProcess.StartAsync("--data-dir", _dataDir, "--fsync", fsync);
        try
        {
            using (var http = new KinesisHttp(server.Endpoint))
            {
                await http.OkAsync("CreateStream", new { StreamName = stream, ShardCount = Shards });
            }

            string? iteratorBeforeCrash = null;
            for (var round = 0; round < Rounds; round++)
            {
                using var stop = new CancellationTokenSource();
                var before = acknowledged.Count;
                var writers = Enumerable.Range(0, 4).Select(w => WriteUntilStoppedAsync(server.Endpoint, stream, $"r{round}w{w}", acknowledged, stop.Token)).ToArray();

                // Kill only once this round has something acknowledged, however slow the machine, then at a random moment.
                var deadline = DateTime.UtcNow.AddMinutes(2);
                while (acknowledged.Count < before + 50 && DateTime.UtcNow < deadline)
                {
                    await Task.Delay(10);
                }

                await Task.Delay(random.Next(0, 750));
                await server.KillAsync();
                await stop.CancelAsync();
                await Task.WhenAll(writers);
                await server.DisposeAsync();

                server = await ServerProcess.StartAsync("--data-dir", _dataDir, "--fsync", fsync);
                using var http = new KinesisHttp(server.Endpoint);
                var read = await ReadAllAsync(http, stream);
                foreach (var (sequenceNumber, expected) in acknowledged)
                {
                    Assert.True(read.TryGetValue(sequenceNumber, out var found), $"round {round}: acknowledged record {sequenceNumber} is missing");
                    Assert.Equal(expected, (found.ShardId, found.PartitionKey, found.Data));
                }

                foreach (var (sequenceNumber, found) in read)
                {
                    if (arrivals.TryGetValue(sequenceNumber, out var arrival))
                    {
                        Assert.Equal(arrival, found.Arrival);
                    }

                    arrivals[sequenceNumber] = found.Arrival;
                }

                if (iteratorBeforeCrash is not null)
                {
                    await AssertIteratorStillHonestAsync(http, iteratorBeforeCrash, read);
                }

                iteratorBeforeCrash = await IteratorAsync(http, stream, 0);
            }

            Assert.True(acknowledged.Count > 100, $"only {acknowledged.Count} records were acknowledged; the test proved little");
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    public void Dispose()
    {
        if (Directory.Exists(_dataDir))
        {
            Directory.Delete(_dataDir, recursive: true);
        }
    }

    private static async Task WriteUntilStoppedAsync(Uri endpoint, string stream, string writer, ConcurrentDictionary<string, (string, string, string)> acknowledged, CancellationToken stop)
    {
        using var http = new KinesisHttp(endpoint);
        for (var batch = 0; !stop.IsCancellationRequested && batch < 10_000; batch++)
        {
            var entries = Enumerable.Range(0, 25).Select(i => (Key: $"{writer}-{batch}-{i}", Data: Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{writer}/{batch}/{i}/" + new string('x', i * 7))))).ToArray();
            var body = JsonSerializer.Serialize(new { StreamName = stream, Records = entries.Select(e => new { PartitionKey = e.Key, e.Data }) });
            try
            {
                var (response, text) = await http.SendAsync("PutRecords", body);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    continue;
                }

                var results = JsonNode.Parse(text)!["Records"]!.AsArray();
                for (var i = 0; i < entries.Length; i++)
                {
                    if (results[i]!["SequenceNumber"]?.GetValue<string>() is { } sequenceNumber)
                    {
                        acknowledged[sequenceNumber] = (results[i]!["ShardId"]!.GetValue<string>(), entries[i].Key, entries[i].Data);
                    }
                }
            }
            catch (HttpRequestException)
            {
                // The server died under this request: its outcome is unknown, so nothing is counted.
                return;
            }
        }
    }

    private static async Task<Dictionary<string, (string ShardId, string PartitionKey, string Data, double Arrival)>> ReadAllAsync(KinesisHttp http, string stream)
    {
        var found = new Dictionary<string, (string, string, string, double)>();
        for (var shard = 0; shard < Shards; shard++)
        {
            var shardId = $"shardId-{shard:D12}";
            var iterator = await IteratorAsync(http, stream, shard);
            BigInteger previous = -1;
            for (var page = 0; page < 10_000; page++)
            {
                var output = await http.OkAsync("GetRecords", new { ShardIterator = iterator });
                var records = output["Records"]!.AsArray();
                foreach (var record in records)
                {
                    var sequenceNumber = record!["SequenceNumber"]!.GetValue<string>();
                    var number = BigInteger.Parse(sequenceNumber);
                    Assert.True(number > previous, $"{shardId}: sequence numbers out of order after recovery");
                    previous = number;
                    found[sequenceNumber] = (shardId, record["PartitionKey"]!.GetValue<string>(), record["Data"]!.GetValue<string>(), record["ApproximateArrivalTimestamp"]!.GetValue<double>());
                }

                if (records.Count == 0)
                {
                    break;
                }

                iterator = output["NextShardIterator"]!.GetValue<string>();
            }
        }

        return found;
    }

    private static async Task<string> IteratorAsync(KinesisHttp http, string stream, int shard) =>
        (await http.OkAsync("GetShardIterator", new { StreamName = stream, ShardId = $"shardId-{shard:D12}", ShardIteratorType = "TRIM_HORIZON" }))["ShardIterator"]!.GetValue<string>();

    // An iterator from before a crash either keeps working, returning exactly the stored records, or fails with an AWS error.
    private static async Task AssertIteratorStillHonestAsync(KinesisHttp http, string iterator, Dictionary<string, (string ShardId, string PartitionKey, string Data, double Arrival)> stored)
    {
        var (response, text) = await http.SendAsync("GetRecords", JsonSerializer.Serialize(new { ShardIterator = iterator }));
        if (response.StatusCode != HttpStatusCode.OK)
        {
            Assert.Contains(JsonNode.Parse(text)!["__type"]!.GetValue<string>(), new[] { "ExpiredIteratorException", "ResourceNotFoundException", "InvalidArgumentException" });
            return;
        }

        foreach (var record in JsonNode.Parse(text)!["Records"]!.AsArray())
        {
            var sequenceNumber = record!["SequenceNumber"]!.GetValue<string>();
            Assert.True(stored.TryGetValue(sequenceNumber, out var expected), "an old iterator returned a record that is not stored");
            Assert.Equal(expected.Data, record["Data"]!.GetValue<string>());
        }
    }
}
