using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Rivulet.Server.Tests;

/// <summary>
/// kill -9 while metadata changes (reshards, tags, encryption, retention, monitoring) run between
/// writes. After every restart the stream is whole: its open shards cover the hash-key space exactly
/// once, every acknowledged change is there, and reading by lineage finds every acknowledged record
/// exactly once, no record twice.
/// </summary>
public sealed class MetadataCrashTests : IDisposable
{
    private const int Rounds = 5;
    private const string Stream = "meta-crash";
    private const string OnDemandStream = "meta-crash-od";
    private const string Role = "arn:aws:iam::000000000000:role/delivery";
    private static readonly BigInteger HashSpace = BigInteger.One << 128;
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "rivulet-meta-crash-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dataDir))
        {
            Directory.Delete(_dataDir, recursive: true);
        }
    }

    [Fact]
    public async Task A_kill_in_the_middle_of_metadata_changes_restarts_into_a_consistent_stream()
    {
        var random = new Random(20261202);
        var acknowledged = new ConcurrentDictionary<string, string>();
        var acknowledgedTags = new ConcurrentDictionary<string, string>();
        var attemptedTags = new ConcurrentDictionary<string, string>();
        var channels = new ChannelLedger();
        var server = await ServerProcess.StartAsync("--data-dir", _dataDir);
        try
        {
            using (var http = new KinesisHttp(server.Endpoint))
            {
                await http.OkAsync("CreateStream", new { StreamName = Stream, ShardCount = 2 });
                await http.OkAsync("CreateStream", new { StreamName = OnDemandStream, StreamModeDetails = new { StreamMode = "ON_DEMAND" } });
            }

            for (var round = 0; round < Rounds; round++)
            {
                using var stop = new CancellationTokenSource();
                var records = acknowledged.Count;
                var writers = Enumerable.Range(0, 2).Select(w => WriteAsync(server.Endpoint, $"r{round}w{w}", acknowledged, stop.Token)).ToArray();
                var changes = ChangeAsync(server.Endpoint, round, random.Next(), acknowledgedTags, attemptedTags, channels, stop.Token);

                var deadline = DateTime.UtcNow.AddMinutes(2);
                while (acknowledged.Count < records + 100 && DateTime.UtcNow < deadline)
                {
                    await Task.Delay(10);
                }

                await Task.Delay(random.Next(0, 400));
                await server.KillAsync();
                await stop.CancelAsync();
                await Task.WhenAll([.. writers, changes]);
                await server.DisposeAsync();

                server = await ServerProcess.StartAsync("--data-dir", _dataDir);
                using var check = new KinesisHttp(server.Endpoint);
                await AssertConsistentAsync(check, acknowledged, acknowledgedTags, attemptedTags, round);
                await AssertChannelsAsync(check, channels, round);
            }
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    private static async Task AssertConsistentAsync(KinesisHttp http, ConcurrentDictionary<string, string> acknowledged, ConcurrentDictionary<string, string> tags, ConcurrentDictionary<string, string> attemptedTags, int round)
    {
        var summary = (await http.OkAsync("DescribeStreamSummary", new { StreamName = Stream }))["StreamDescriptionSummary"]!;
        Assert.Equal("ACTIVE", summary["StreamStatus"]!.GetValue<string>());

        var shards = await ListShardsAsync(http);
        var open = shards.Where(s => s["SequenceNumberRange"]!["EndingSequenceNumber"] is null)
            .Select(s => (Start: BigInteger.Parse(s["HashKeyRange"]!["StartingHashKey"]!.GetValue<string>(), CultureInfo.InvariantCulture), End: BigInteger.Parse(s["HashKeyRange"]!["EndingHashKey"]!.GetValue<string>(), CultureInfo.InvariantCulture)))
            .OrderBy(r => r.Start).ToList();
        var expected = BigInteger.Zero;
        foreach (var (start, end) in open)
        {
            Assert.True(start == expected, $"round {round}: the open shards leave a hole or overlap at {expected}");
            expected = end + 1;
        }

        Assert.Equal(HashSpace, expected);
        Assert.Equal(open.Count, summary["OpenShardCount"]!.GetValue<int>());

        var listedTags = (await http.OkAsync("ListTagsForStream", new { StreamName = Stream, Limit = 50 }))["Tags"]!.AsArray()
            .ToDictionary(t => t!["Key"]!.GetValue<string>(), t => t!["Value"]!.GetValue<string>());
        foreach (var (key, value) in tags)
        {
            Assert.True(listedTags.TryGetValue(key, out var found) && (found == value || found == attemptedTags[key]), $"round {round}: acknowledged tag {key}={value} is missing");
        }

        var read = await ReadByLineageAsync(http, shards);
        foreach (var (sequenceNumber, data) in acknowledged)
        {
            Assert.True(read.TryGetValue(sequenceNumber, out var found), $"round {round}: acknowledged record {sequenceNumber} is missing");
            Assert.Equal(data, found);
        }
    }

    /// <summary>Every acknowledged channel not since asked to go is there, and every listed channel can be described.</summary>
    private static async Task AssertChannelsAsync(KinesisHttp http, ChannelLedger channels, int round)
    {
        var listed = (await http.OkAsync("ListChannels", new { MaxResults = 100 }))["ChannelSummaries"]!.AsArray()
            .Select(c => c!["ChannelName"]!.GetValue<string>()).ToHashSet();
        foreach (var name in channels.Created.Keys)
        {
            Assert.True(listed.Contains(name), $"round {round}: acknowledged channel {name} is missing");
        }

        foreach (var name in listed)
        {
            await http.OkAsync("DescribeChannel", new { ChannelARN = $"arn:aws:kinesis:us-east-1:000000000000:channel/{name}" });
        }

        var summary = (await http.OkAsync("DescribeStreamSummary", new { StreamName = OnDemandStream }))["StreamDescriptionSummary"]!;
        Assert.Equal("ACTIVE", summary["StreamStatus"]!.GetValue<string>());
    }

    private static async Task<List<JsonNode>> ListShardsAsync(KinesisHttp http)
    {
        var shards = new List<JsonNode>();
        var page = await http.OkAsync("ListShards", new { StreamName = Stream });
        for (var i = 0; i < 100; i++)
        {
            shards.AddRange(page["Shards"]!.AsArray().Select(s => s!));
            if (page["NextToken"]?.GetValue<string>() is not { } token)
            {
                return shards;
            }

            page = await http.OkAsync("ListShards", new { NextToken = token });
        }

        throw new InvalidOperationException("ListShards never ended");
    }

    /// <summary>Every record of every listed shard, parents before children; a record read twice fails the test.</summary>
    private static async Task<Dictionary<string, string>> ReadByLineageAsync(KinesisHttp http, List<JsonNode> shards)
    {
        var ids = shards.Select(s => s["ShardId"]!.GetValue<string>()).ToHashSet();
        var parents = shards.ToDictionary(s => s["ShardId"]!.GetValue<string>(), s => new[] { s["ParentShardId"]?.GetValue<string>(), s["AdjacentParentShardId"]?.GetValue<string>() }.OfType<string>().Where(ids.Contains).ToArray());
        var done = new HashSet<string>();
        var read = new Dictionary<string, string>();
        while (done.Count < shards.Count)
        {
            var ready = shards.Where(s => !done.Contains(s["ShardId"]!.GetValue<string>()) && parents[s["ShardId"]!.GetValue<string>()].All(done.Contains)).ToList();
            Assert.NotEmpty(ready);
            foreach (var shard in ready)
            {
                var shardId = shard["ShardId"]!.GetValue<string>();
                var closed = shard["SequenceNumberRange"]!["EndingSequenceNumber"] is not null;
                var iterator = (await http.OkAsync("GetShardIterator", new { StreamName = Stream, ShardId = shardId, ShardIteratorType = "TRIM_HORIZON" }))["ShardIterator"]!.GetValue<string>();
                for (var call = 0; ; call++)
                {
                    Assert.True(call < 10_000, $"{shardId} never ended");
                    var page = await http.OkAsync("GetRecords", new { ShardIterator = iterator });
                    var records = page["Records"]!.AsArray();
                    foreach (var record in records)
                    {
                        var sequenceNumber = record!["SequenceNumber"]!.GetValue<string>();
                        Assert.True(read.TryAdd(sequenceNumber, record["Data"]!.GetValue<string>()), $"record {sequenceNumber} was read twice");
                    }

                    if (page["NextShardIterator"]?.GetValue<string>() is not { } next)
                    {
                        Assert.True(closed, $"open shard {shardId} was ended");
                        Assert.NotEmpty(page["ChildShards"]!.AsArray());
                        break;
                    }

                    if (!closed && records.Count == 0)
                    {
                        break;
                    }

                    iterator = next;
                }

                done.Add(shardId);
            }
        }

        return read;
    }

    private static async Task WriteAsync(Uri endpoint, string writer, ConcurrentDictionary<string, string> acknowledged, CancellationToken stop)
    {
        using var http = new KinesisHttp(endpoint);
        for (var batch = 0; !stop.IsCancellationRequested && batch < 10_000; batch++)
        {
            var entries = Enumerable.Range(0, 20).Select(i => (Key: $"{writer}-{batch}-{i}", Data: Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{writer}/{batch}/{i}")))).ToArray();
            try
            {
                var (response, text) = await http.SendAsync("PutRecords", JsonSerializer.Serialize(new { StreamName = Stream, Records = entries.Select(e => new { PartitionKey = e.Key, e.Data }) }));
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    continue;
                }

                var results = JsonNode.Parse(text)!["Records"]!.AsArray();
                for (var i = 0; i < entries.Length; i++)
                {
                    if (results[i]!["SequenceNumber"]?.GetValue<string>() is { } sequenceNumber)
                    {
                        acknowledged[sequenceNumber] = entries[i].Data;
                    }
                }
            }
            catch (HttpRequestException)
            {
                return; // the server died under this request: its outcome is unknown
            }
        }
    }

    /// <summary>Metadata changes one after another until the kill; a change counts once the server answered 200.</summary>
    private static async Task ChangeAsync(Uri endpoint, int round, int seed, ConcurrentDictionary<string, string> acknowledgedTags, ConcurrentDictionary<string, string> attemptedTags, ChannelLedger channels, CancellationToken stop)
    {
        var random = new Random(seed);
        using var http = new KinesisHttp(endpoint);
        for (var step = 0; !stop.IsCancellationRequested && step < 1_000; step++)
        {
            try
            {
                var open = (await ListOpenAsync(http)).OrderBy(s => s.Start).ToList();
                var tag = (Key: $"k{step % 7}", Value: $"r{round}s{step}");
                var channel = $"c{round}-{step}";
                var doomed = channels.Created.Keys.FirstOrDefault();
                var (operation, body) = random.Next(8) switch
                {
                    6 when doomed is null || step % 3 != 0 => ("CreateChannel", (object)new
                    {
                        ChannelName = channel,
                        ServiceExecutionRoleARN = Role,
                        StreamConfigurationList = new[] { new { StreamARN = $"arn:aws:kinesis:us-east-1:000000000000:stream/{OnDemandStream}", RecordConfiguration = new { RecordFormatType = "JSON" } } },
                        S3DestinationConfiguration = new { StorageConfiguration = new { BucketARN = "arn:aws:s3:::rivulet-crash", ExpectedBucketOwner = "000000000000", CompressionType = "GZIP" } },
                    }),
                    6 => ("DeleteChannel", new { ChannelARN = $"arn:aws:kinesis:us-east-1:000000000000:channel/{doomed}" }),
                    7 => ("UpdateStreamMode", new { StreamARN = $"arn:aws:kinesis:us-east-1:000000000000:stream/{OnDemandStream}", StreamModeDetails = new { StreamMode = step % 2 == 0 ? "PROVISIONED" : "ON_DEMAND" } }),
                    0 when open.Count < 6 => ("SplitShard", (object)new { StreamName = Stream, ShardToSplit = open[0].Id, NewStartingHashKey = ((open[0].Start + open[0].End) / 2).ToString(CultureInfo.InvariantCulture) }),
                    1 when open.Count > 1 => ("MergeShards", new { StreamName = Stream, ShardToMerge = open[0].Id, AdjacentShardToMerge = open[1].Id }),
                    2 => ("UpdateShardCount", new { StreamName = Stream, TargetShardCount = Math.Clamp(open.Count + random.Next(-1, 2), (open.Count + 1) / 2, Math.Min(8, 2 * open.Count)), ScalingType = "UNIFORM_SCALING" }),
                    3 => ("AddTagsToStream", new { StreamName = Stream, Tags = new Dictionary<string, string> { [tag.Key] = tag.Value } }),
                    4 => (step % 2 == 0 ? "StartStreamEncryption" : "StopStreamEncryption", new { StreamName = Stream, EncryptionType = "KMS", KeyId = "alias/aws/kinesis" }),
                    _ => (step % 2 == 0 ? "EnableEnhancedMonitoring" : "DisableEnhancedMonitoring", new { StreamName = Stream, ShardLevelMetrics = new[] { "IncomingBytes" } }),
                };
                if (operation == "DeleteChannel")
                {
                    // Once asked, the channel may be gone whatever the answer was.
                    channels.Created.TryRemove(doomed!, out _);
                }

                if (operation == "AddTagsToStream")
                {
                    // The kill may land after the change is stored but before it is answered: then this value is the one found.
                    attemptedTags[tag.Key] = tag.Value;
                }

                var (response, _) = await http.SendAsync(operation, JsonSerializer.Serialize(body));
                if (response.StatusCode == HttpStatusCode.OK && operation == "CreateChannel")
                {
                    channels.Created[channel] = 0;
                }

                if (response.StatusCode == HttpStatusCode.OK && operation == "AddTagsToStream")
                {
                    acknowledgedTags[tag.Key] = tag.Value;
                }
            }
            catch (HttpRequestException)
            {
                return;
            }
        }
    }

    private static async Task<List<(string Id, BigInteger Start, BigInteger End)>> ListOpenAsync(KinesisHttp http)
    {
        var (response, text) = await http.SendAsync("ListShards", JsonSerializer.Serialize(new { StreamName = Stream, ShardFilter = new { Type = "AT_LATEST" } }));
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new HttpRequestException(text);
        }

        return [.. JsonNode.Parse(text)!["Shards"]!.AsArray().Select(s => (s!["ShardId"]!.GetValue<string>(), BigInteger.Parse(s["HashKeyRange"]!["StartingHashKey"]!.GetValue<string>(), CultureInfo.InvariantCulture), BigInteger.Parse(s["HashKeyRange"]!["EndingHashKey"]!.GetValue<string>(), CultureInfo.InvariantCulture)))];
    }

    private sealed class ChannelLedger
    {
        /// <summary>Channels whose creation was acknowledged and whose deletion was never asked for.</summary>
        public ConcurrentDictionary<string, byte> Created { get; } = new();
    }
}
