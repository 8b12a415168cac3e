using System.Text.Json.Nodes;
using Rivulet.Storage;
using Rivulet.Storage.Local;

namespace Rivulet.Api.Tests.Operations;

/// <summary>
/// Calls that resolved a stream just before another client deleted it (and created it again)
/// answer as AWS would had the delete come first: ResourceNotFoundException, never a 500, and
/// nothing left on disk that the next start has to clean up. The durable store is used because its
/// logs of a deleted stream are closed under the caller's feet.
/// </summary>
public sealed class DeleteRaceTests : IAsyncDisposable
{
    private const string NotFound = "Stream s under account 000000000000 not found.";
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "rivulet-api-" + Guid.NewGuid().ToString("N"));
    private readonly RacingStore _store;
    private readonly ApiHarness _api;

    public DeleteRaceTests()
    {
        RacingStore? store = null;
        _api = new ApiHarness(store: clock => store = new RacingStore(Open(_dataDirectory, clock)));
        _store = store!;
    }

    public async ValueTask DisposeAsync()
    {
        await _store.DisposeAsync();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    [Fact]
    public async Task PutRecord_that_loses_the_race_to_a_delete_and_create_answers_ResourceNotFound()
    {
        await _api.CreateStreamAsync("s");
        _store.RecreateBeforeShardLog(new StreamKey(ApiHarness.Account, ApiHarness.Region, "s"));

        var reply = await _api.ErrorAsync("PutRecord", new { StreamName = "s", PartitionKey = "k", Data = "AA==" }, "ResourceNotFoundException");

        Assert.Equal((400, NotFound), (reply.Status, reply.Message));
        await _api.OkAsync("PutRecord", new { StreamName = "s", PartitionKey = "k", Data = "AA==" });
        AssertEveryStreamDirectoryHasMetadata();
    }

    [Fact]
    public async Task PutRecords_whose_stream_is_deleted_between_two_shards_answers_ResourceNotFound_for_the_whole_call()
    {
        await _api.CreateStreamAsync("s", shards: 2);
        _store.RecreateBeforeShardLog(new StreamKey(ApiHarness.Account, ApiHarness.Region, "s"), skip: 1);

        var reply = await _api.ErrorAsync("PutRecords", new
        {
            StreamName = "s",
            Records = new[]
            {
                new { PartitionKey = "a", Data = "AA==", ExplicitHashKey = "0" },
                new { PartitionKey = "b", Data = "AA==", ExplicitHashKey = "340282366920938463463374607431768211455" },
            },
        }, "ResourceNotFoundException");

        Assert.Equal(NotFound, reply.Message);
        AssertEveryStreamDirectoryHasMetadata();
    }

    [Fact]
    public async Task GetRecords_that_loses_the_race_to_a_delete_and_create_answers_ResourceNotFound()
    {
        await _api.CreateStreamAsync("s");
        await _api.OkAsync("PutRecord", new { StreamName = "s", PartitionKey = "k", Data = "AA==" });
        var iterator = (await _api.OkAsync("GetShardIterator", new { StreamName = "s", ShardId = "shardId-000000000000", ShardIteratorType = "TRIM_HORIZON" }))["ShardIterator"]!.GetValue<string>();
        _store.RecreateBeforeShardLog(new StreamKey(ApiHarness.Account, ApiHarness.Region, "s"));

        var reply = await _api.ErrorAsync("GetRecords", new { ShardIterator = iterator }, "ResourceNotFoundException");

        Assert.Equal(NotFound, reply.Message);
    }

    [Fact]
    public async Task A_LATEST_iterator_that_loses_the_race_to_a_delete_and_create_answers_ResourceNotFound()
    {
        await _api.CreateStreamAsync("s");
        _store.RecreateBeforeShardLog(new StreamKey(ApiHarness.Account, ApiHarness.Region, "s"));

        var reply = await _api.ErrorAsync("GetShardIterator", new { StreamName = "s", ShardId = "shardId-000000000000", ShardIteratorType = "LATEST" }, "ResourceNotFoundException");

        Assert.Equal(NotFound, reply.Message);
    }

    [Fact]
    public async Task PutRecords_racing_deletes_and_creates_answer_only_200_or_ResourceNotFound()
    {
        await _api.CreateStreamAsync("s");
        var unexpected = new List<string>();
        var writer = Task.Run(async () =>
        {
            for (var i = 0; i < 300; i++)
            {
                var reply = await _api.CallAsync("PutRecord", new { StreamName = "s", PartitionKey = "k", Data = "AA==" });
                if (reply.Status != 200 && reply.Type != "ResourceNotFoundException")
                {
                    unexpected.Add($"{reply.Status} {reply.Body}");
                }
            }
        });

        for (var round = 0; round < 30; round++)
        {
            await _api.CallAsync("DeleteStream", new { StreamName = "s" });
            _api.Clock.Advance(TimeSpan.FromMilliseconds(1));
            await _api.CallAsync("CreateStream", new { StreamName = "s", ShardCount = 1 });
        }

        await writer.WaitAsync(TimeSpan.FromSeconds(120));
        Assert.Empty(unexpected);
        AssertEveryStreamDirectoryHasMetadata();
    }

    [Fact]
    public async Task A_stream_with_damaged_metadata_is_listed_answers_500_and_can_be_deleted()
    {
        await _api.CreateStreamAsync("s");
        await _api.CreateStreamAsync("fine");
        await _api.OkAsync("PutRecord", new { StreamName = "fine", PartitionKey = "k", Data = "AQI=" });
        await _store.DisposeAsync();
        var metadata = Directory.GetFiles(Path.Combine(_dataDirectory, "streams", ApiHarness.Account, ApiHarness.Region), "meta.json", SearchOption.AllDirectories).Single(path => Path.GetFileName(Path.GetDirectoryName(path)!).StartsWith("s.", StringComparison.Ordinal));
        File.WriteAllText(metadata, "not json");

        List<string> reported = [];
        await using var store = await LocalStreamStore.OpenAsync(new LocalStoreOptions { DataDirectory = _dataDirectory, ErrorSink = reported.Add });
        var api = new ApiHarness(store: _ => store);

        Assert.Contains(reported, line => line.Contains(metadata, StringComparison.Ordinal));
        Assert.Equal(["fine", "s"], (await api.OkAsync("ListStreams", new { }))["StreamNames"]!.AsArray().Select(n => n!.GetValue<string>()));
        foreach (var (operation, body) in new (string, object)[]
        {
            ("DescribeStream", new { StreamName = "s" }),
            ("DescribeStreamSummary", new { StreamName = "s" }),
            ("ListShards", new { StreamName = "s" }),
            ("PutRecord", new { StreamName = "s", PartitionKey = "k", Data = "AA==" }),
            ("PutRecords", new { StreamName = "s", Records = new[] { new { PartitionKey = "k", Data = "AA==" } } }),
            ("GetShardIterator", new { StreamName = "s", ShardId = "shardId-000000000000", ShardIteratorType = "TRIM_HORIZON" }),
            ("IncreaseStreamRetentionPeriod", new { StreamName = "s", RetentionPeriodHours = 48 }),
        })
        {
            var reply = await api.ErrorAsync(operation, body, "InternalFailureException");
            Assert.Equal((500, "Internal Service Failure"), (reply.Status, reply.Message));
        }

        await api.ErrorAsync("CreateStream", new { StreamName = "s", ShardCount = 1 }, "ResourceInUseException");
        var iterator = (await api.OkAsync("GetShardIterator", new { StreamName = "fine", ShardId = "shardId-000000000000", ShardIteratorType = "TRIM_HORIZON" }))["ShardIterator"]!.GetValue<string>();
        Assert.Single((await api.OkAsync("GetRecords", new { ShardIterator = iterator }))["Records"]!.AsArray());
        Assert.Equal("not json", File.ReadAllText(metadata));

        await api.OkAsync("DeleteStream", new { StreamName = "s" });
        await api.ErrorAsync("DescribeStream", new { StreamName = "s" }, "ResourceNotFoundException");
        await api.OkAsync("CreateStream", new { StreamName = "s", ShardCount = 1 });
        await api.OkAsync("PutRecord", new { StreamName = "s", PartitionKey = "k", Data = "AA==" });
    }

    private static LocalStreamStore Open(string dataDirectory, TimeProvider clock) => LocalStreamStore.OpenAsync(new LocalStoreOptions
    {
        DataDirectory = dataDirectory,
        TimeProvider = clock,
    }).GetAwaiter().GetResult();

    private void AssertEveryStreamDirectoryHasMetadata()
    {
        foreach (var directory in Directory.GetDirectories(Path.Combine(_dataDirectory, "streams", ApiHarness.Account, ApiHarness.Region)))
        {
            Assert.True(File.Exists(Path.Combine(directory, "meta.json")), $"{directory} has no meta.json");
        }
    }

    /// <summary>
    /// The durable store, with a hook that runs another client's DeleteStream and CreateStream of a
    /// stream at the worst moment: after a request resolved the stream, just before it takes the
    /// shard's log.
    /// </summary>
    private sealed class RacingStore(LocalStreamStore inner) : IStreamStore
    {
        private StreamKey? _recreate;
        private int _skip;

        public void RecreateBeforeShardLog(StreamKey key, int skip = 0) => (_recreate, _skip) = (key, skip);

        public ValueTask<StreamStoreOutcome> CreateStreamAsync(StreamMetadata stream, CancellationToken cancellationToken) => inner.CreateStreamAsync(stream, cancellationToken);

        public ValueTask<StreamMetadata?> GetStreamAsync(StreamKey key, CancellationToken cancellationToken) => inner.GetStreamAsync(key, cancellationToken);

        public ValueTask<IReadOnlyList<StreamMetadata>> ListStreamsAsync(AccountKey? account, CancellationToken cancellationToken) => inner.ListStreamsAsync(account, cancellationToken);

        public ValueTask<StreamStoreOutcome> UpdateStreamAsync(StreamMetadata updated, long expectedVersion, CancellationToken cancellationToken) => inner.UpdateStreamAsync(updated, expectedVersion, cancellationToken);

        public ValueTask<AccountMetadata?> GetAccountAsync(AccountKey account, CancellationToken cancellationToken) => inner.GetAccountAsync(account, cancellationToken);

        public ValueTask<StreamStoreOutcome> UpdateAccountAsync(AccountMetadata updated, long expectedVersion, CancellationToken cancellationToken) => inner.UpdateAccountAsync(updated, expectedVersion, cancellationToken);

        public ValueTask<StreamStoreOutcome> DeleteStreamAsync(StreamKey key, long createdAtMs, CancellationToken cancellationToken) => inner.DeleteStreamAsync(key, createdAtMs, cancellationToken);

        public IShardLog GetShardLog(StreamKey key, long streamCreatedAtMs, int shardIndex)
        {
            if (_recreate == key && _skip-- == 0)
            {
                _recreate = null;

                // The local store answers these synchronously.
                var current = inner.GetStreamAsync(key, default).AsTask().GetAwaiter().GetResult()!;
                Assert.Equal(StreamStoreOutcome.Done, inner.DeleteStreamAsync(key, current.CreatedAtMs, default).AsTask().GetAwaiter().GetResult());
                Assert.Equal(StreamStoreOutcome.Done, inner.CreateStreamAsync(current with { CreatedAtMs = current.CreatedAtMs + 1, Version = 0 }, default).AsTask().GetAwaiter().GetResult());
            }

            return inner.GetShardLog(key, streamCreatedAtMs, shardIndex);
        }

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
