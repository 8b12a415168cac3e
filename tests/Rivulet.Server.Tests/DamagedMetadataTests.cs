using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Rivulet.Server.Tests;

/// <summary>One stream's damaged metadata file keeps that stream out of service, not the server.</summary>
public sealed class DamagedMetadataTests : IDisposable
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "rivulet-damaged-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task The_server_starts_and_serves_every_healthy_stream_beside_one_with_damaged_metadata()
    {
        await using (var server = await ServerProcess.StartAsync("--data-dir", _dataDir))
        {
            using var http = new KinesisHttp(server.Endpoint);
            foreach (var name in new[] { "alpha", "broken", "gamma" })
            {
                await http.OkAsync("CreateStream", new { StreamName = name, ShardCount = 1 });
                await http.OkAsync("PutRecord", new { StreamName = name, PartitionKey = "k", Data = Convert.ToBase64String("hello"u8) });
            }
        }

        var metadata = Directory.GetFiles(_dataDir, "meta.json", SearchOption.AllDirectories).Single(path => Path.GetFileName(Path.GetDirectoryName(path)!).StartsWith("broken.", StringComparison.Ordinal));
        File.WriteAllText(metadata, "{\"format\": 1, \"shards\": [");

        await using (var server = await ServerProcess.StartAsync("--data-dir", _dataDir))
        {
            using var http = new KinesisHttp(server.Endpoint);
            var names = (await http.OkAsync("ListStreams", new { }))["StreamNames"]!.AsArray().Select(n => n!.GetValue<string>());
            Assert.Equal(["alpha", "broken", "gamma"], names);
            foreach (var name in new[] { "alpha", "gamma" })
            {
                var iterator = (await http.OkAsync("GetShardIterator", new { StreamName = name, ShardId = "shardId-000000000000", ShardIteratorType = "TRIM_HORIZON" }))["ShardIterator"]!.GetValue<string>();
                var records = (await http.OkAsync("GetRecords", new { ShardIterator = iterator }))["Records"]!.AsArray();
                Assert.Equal("aGVsbG8=", Assert.Single(records)!["Data"]!.GetValue<string>());
                await http.OkAsync("PutRecord", new { StreamName = name, PartitionKey = "k", Data = "AA==" });
            }

            var (response, body) = await http.SendAsync("DescribeStream", JsonSerializer.Serialize(new { StreamName = "broken" }));
            Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
            var error = JsonNode.Parse(body)!;
            Assert.Equal("InternalFailureException", error["__type"]!.GetValue<string>());
            Assert.Equal("Internal Service Failure", error["message"]!.GetValue<string>());
        }

        Assert.Equal("{\"format\": 1, \"shards\": [", File.ReadAllText(metadata));
    }

    public void Dispose()
    {
        if (Directory.Exists(_dataDir))
        {
            Directory.Delete(_dataDir, recursive: true);
        }
    }
}
