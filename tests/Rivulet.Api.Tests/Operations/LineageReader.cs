using System.Text;

namespace Rivulet.Api.Tests.Operations;

/// <summary>
/// Reads a stream the way the KCL does: every shard ListShards returns, a shard only after all its
/// parents were read to their end, each closed shard until GetRecords ends it (null iterator with
/// ChildShards), each open shard until it is caught up. Checks the answers the KCL checks.
/// </summary>
internal static class LineageReader
{
    public static async Task<List<string>> ReadAllAsync(ApiHarness api, string stream)
    {
        var shards = (await api.OkAsync("ListShards", new { StreamName = stream }))["Shards"]!.AsArray()
            .Select(s => (Id: s!["ShardId"]!.GetValue<string>(), Parents: new[] { s["ParentShardId"]?.GetValue<string>(), s["AdjacentParentShardId"]?.GetValue<string>() }.OfType<string>().ToArray(), Closed: s["SequenceNumberRange"]!["EndingSequenceNumber"] is not null))
            .ToList();
        var listed = shards.Select(s => s.Id).ToHashSet();
        var finished = new HashSet<string>();
        var payloads = new List<string>();
        while (finished.Count < shards.Count)
        {
            var ready = shards.Where(s => !finished.Contains(s.Id) && s.Parents.All(p => finished.Contains(p) || !listed.Contains(p))).ToList();
            Assert.NotEmpty(ready);
            foreach (var shard in ready)
            {
                var children = await ReadShardAsync(api, stream, shard.Id, shard.Closed, payloads);
                if (shard.Closed)
                {
                    var expected = shards.Where(s => s.Parents.Contains(shard.Id)).Select(s => s.Id).Order();
                    Assert.Equal(expected, children.Order());
                }

                finished.Add(shard.Id);
            }
        }

        return payloads;
    }

    private static async Task<List<string>> ReadShardAsync(ApiHarness api, string stream, string shardId, bool closed, List<string> payloads)
    {
        var iterator = (await api.OkAsync("GetShardIterator", new { StreamName = stream, ShardId = shardId, ShardIteratorType = "TRIM_HORIZON" }))["ShardIterator"]!.GetValue<string>();
        for (var call = 0; call < 10_000; call++)
        {
            var page = await api.OkAsync("GetRecords", new { ShardIterator = iterator, Limit = 7 });
            var records = page["Records"]!.AsArray();
            payloads.AddRange(records.Select(r => Encoding.UTF8.GetString(Convert.FromBase64String(r!["Data"]!.GetValue<string>()))));
            var next = page["NextShardIterator"]?.GetValue<string>();
            var children = page["ChildShards"]?.AsArray();
            if (next is not null)
            {
                Assert.Null(children); // the KCL refuses a live iterator that comes with children
                if (!closed && records.Count == 0 && page["MillisBehindLatest"]!.GetValue<long>() == 0)
                {
                    return [];
                }

                iterator = next;
                continue;
            }

            Assert.True(closed, $"{shardId} is open but GetRecords ended it");
            Assert.NotNull(children);
            Assert.NotEmpty(children);
            Assert.All(children, child => Assert.Contains(shardId, child!["ParentShards"]!.AsArray().Select(p => p!.GetValue<string>())));
            return [.. children.Select(child => child!["ShardId"]!.GetValue<string>())];
        }

        throw new InvalidOperationException($"{shardId} never ended");
    }
}
