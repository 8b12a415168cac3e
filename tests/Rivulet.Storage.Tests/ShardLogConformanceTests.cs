using System.Collections.Immutable;
using System.Text;
using Rivulet.Storage;

namespace Rivulet.Storage.Tests;

/// <summary>
/// What every storage backend's shard log must do. A backend's test class derives from this and
/// says how to make a store; the durable engine and any distributed one run the same checks. A
/// backend that keeps data across restarts also says how to reopen a store, and then the checks that
/// records and metadata survive run too (they are skipped for the in-memory store).
/// </summary>
public abstract class ShardLogConformanceTests : IAsyncDisposable
{
    private static readonly StreamKey Key = new("000000000000", "us-east-1", "conformance");

    private readonly List<IStreamStore> _opened = [];

    protected ManualClock Clock { get; } = new(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));

    protected abstract IStreamStore CreateStore();

    /// <summary>Closes <paramref name="store"/> and opens a new one over the same data; null for a backend that keeps nothing.</summary>
    protected virtual Task<IStreamStore?> ReopenAsync(IStreamStore store) => Task.FromResult<IStreamStore?>(null);

    /// <summary>Runs after each test, once every store the test left open is disposed.</summary>
    protected virtual ValueTask DisposeBackendAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var store in _opened)
        {
            await store.DisposeAsync();
        }

        await DisposeBackendAsync();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task Appended_records_get_dense_positions_from_zero_and_read_back_in_order()
    {
        var log = NewLog();
        var first = await log.AppendAsync(Records("a", "b", "c"), default);
        var second = await log.AppendAsync(Records("d"), default);

        Assert.Equal(AppendStatus.Appended, first.Status);
        Assert.Equal(0, first.FirstPosition);
        Assert.Equal(3, second.FirstPosition);
        var read = await log.ReadAsync(new ReadRequest(0, 100, long.MaxValue, 0), default);
        Assert.Equal(["a", "b", "c", "d"], read.Records.Select(r => Encoding.UTF8.GetString(r.Data.Span)));
        Assert.Equal([0L, 1, 2, 3], read.Records.Select(r => r.Position));
        Assert.Equal(4, read.NextPosition);
        Assert.Equal(new ShardTail(4, Clock.Now), read.Tail);
    }

    [Fact]
    public async Task A_sealed_log_refuses_appends_keeps_its_records_and_says_where_it_ends()
    {
        var log = NewLog();
        await log.AppendAsync(Records("a", "b"), default);
        Assert.False(log.Tail.Sealed);
        var waiting = log.WaitAsync(2, default);

        var sealedTail = await log.SealAsync(default);

        Assert.Equal(new ShardTail(2, Clock.Now, true), sealedTail);
        Assert.True(await waiting); // a waiter for records that will never come wakes
        Assert.Equal(AppendStatus.Sealed, (await log.AppendAsync(Records("c"), default)).Status);
        var read = await log.ReadAsync(new ReadRequest(0, 100, long.MaxValue, 0), default);
        Assert.Equal(["a", "b"], read.Records.Select(r => Encoding.UTF8.GetString(r.Data.Span)));
        Assert.True(read.Tail.Sealed);
        Assert.Equal(sealedTail, await log.SealAsync(default)); // idempotent
        Assert.True(await log.WaitAsync(5, default));
    }

    [Fact]
    public async Task A_read_stops_at_the_record_limit_and_continues_from_next_position()
    {
        var log = NewLog();
        await log.AppendAsync(Records("a", "b", "c", "d", "e"), default);

        var page = await log.ReadAsync(new ReadRequest(1, 2, long.MaxValue, 0), default);

        Assert.Equal(["b", "c"], page.Records.Select(r => Encoding.UTF8.GetString(r.Data.Span)));
        Assert.Equal(3, page.NextPosition);
    }

    [Fact]
    public async Task A_read_stops_at_the_byte_limit_but_always_returns_one_record()
    {
        var log = NewLog();
        await log.AppendAsync(Records(new string('x', 100), new string('y', 100)), default);

        var page = await log.ReadAsync(new ReadRequest(0, 100, 10, 0), default);

        Assert.Single(page.Records);
        Assert.Equal(1, page.NextPosition);
    }

    [Fact]
    public async Task Arrival_times_never_go_backwards_even_when_the_clock_does()
    {
        var log = NewLog();
        await log.AppendAsync(Records("a"), default);
        Clock.Advance(-5_000);
        var later = await log.AppendAsync(Records("b"), default);

        var read = await log.ReadAsync(new ReadRequest(0, 10, long.MaxValue, 0), default);
        Assert.Equal(read.Records[0].ArrivalMs, later.ArrivalMs);
    }

    [Fact]
    public async Task Finding_by_time_gives_the_first_record_at_or_after_it_or_the_tail()
    {
        var log = NewLog();
        var start = Clock.Now;
        await log.AppendAsync(Records("a"), default);
        Clock.Advance(1_000);
        await log.AppendAsync(Records("b"), default);
        Clock.Advance(1_000);
        await log.AppendAsync(Records("c"), default);

        Assert.Equal(0, await log.FindPositionByTimeAsync(start - 1, default));
        Assert.Equal(1, await log.FindPositionByTimeAsync(start + 1, default));
        Assert.Equal(1, await log.FindPositionByTimeAsync(start + 1_000, default));
        Assert.Equal(3, await log.FindPositionByTimeAsync(start + 10_000, default));
    }

    [Fact]
    public async Task Records_older_than_the_minimum_arrival_are_skipped()
    {
        var log = NewLog();
        await log.AppendAsync(Records("old"), default);
        Clock.Advance(60_000);
        await log.AppendAsync(Records("new"), default);

        var read = await log.ReadAsync(new ReadRequest(0, 10, long.MaxValue, Clock.Now - 1_000), default);

        Assert.Equal(["new"], read.Records.Select(r => Encoding.UTF8.GetString(r.Data.Span)));
        Assert.Equal(1, read.Records[0].Position);
    }

    [Fact]
    public async Task Waiting_completes_when_a_record_arrives_and_returns_false_when_cancelled()
    {
        var log = NewLog();
        var waiting = log.WaitAsync(0, default).AsTask();
        Assert.False(waiting.IsCompleted);

        await log.AppendAsync(Records("a"), default);

        Assert.True(await waiting.WaitAsync(TimeSpan.FromSeconds(5)));
        using var cancel = new CancellationTokenSource(50);
        Assert.False(await log.WaitAsync(5, cancel.Token));
    }

    [Fact]
    public async Task Trimming_never_loses_records_newer_than_the_cut()
    {
        var log = NewLog();
        for (var i = 0; i < 10_000; i++)
        {
            await log.AppendAsync(Records($"r{i}"), default);
            if (i == 4_999)
            {
                Clock.Advance(60_000);
            }
        }

        var kept = await log.TrimAsync(Clock.Now - 1_000, default);

        Assert.InRange(kept, 0, 5_000);
        var read = await log.ReadAsync(new ReadRequest(0, 10_000, long.MaxValue, Clock.Now - 1_000), default);
        Assert.Equal(5_000, read.Records.Count);
        Assert.Equal("r5000", Encoding.UTF8.GetString(read.Records[0].Data.Span));
    }

    [Fact]
    public async Task Concurrent_appenders_never_share_a_position()
    {
        var log = NewLog();
        var writers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            var positions = new List<long>();
            for (var i = 0; i < 500; i++)
            {
                var result = await log.AppendAsync(Records($"{w}-{i}", $"{w}-{i}b"), default);
                positions.Add(result.FirstPosition);
            }

            return positions;
        })).ToArray();

        var all = (await Task.WhenAll(writers)).SelectMany(p => p).ToList();

        Assert.Equal(all.Count, all.Distinct().Count());
        Assert.Equal(8_000, log.Tail.NextPosition);
    }

    [Fact]
    public async Task Streams_are_created_once_and_updated_only_from_the_current_version()
    {
        await using var store = CreateStore();
        var stream = NewStream();

        Assert.Equal(StreamStoreOutcome.Done, await store.CreateStreamAsync(stream, default));
        Assert.Equal(StreamStoreOutcome.AlreadyExists, await store.CreateStreamAsync(stream, default));
        Assert.Equal(StreamStoreOutcome.Done, await store.UpdateStreamAsync(stream with { RetentionPeriodHours = 48 }, 0, default));
        Assert.Equal(StreamStoreOutcome.VersionConflict, await store.UpdateStreamAsync(stream with { RetentionPeriodHours = 72 }, 0, default));

        var stored = await store.GetStreamAsync(Key, default);
        Assert.Equal(48, stored!.RetentionPeriodHours);
        Assert.Equal(1, stored.Version);
    }

    [Fact]
    public async Task Deleting_a_stream_removes_its_records_and_a_new_stream_of_that_name_starts_empty()
    {
        await using var store = CreateStore();
        var stream = NewStream();
        await store.CreateStreamAsync(stream, default);
        await store.GetShardLog(Key, stream.CreatedAtMs, 0).AppendAsync(Records("a"), default);

        Assert.Equal(StreamStoreOutcome.Done, await store.DeleteStreamAsync(Key, stream.CreatedAtMs, default));
        Assert.Null(await store.GetStreamAsync(Key, default));
        var again = stream with { CreatedAtMs = stream.CreatedAtMs + 1 };
        await store.CreateStreamAsync(again, default);

        Assert.Equal(0, store.GetShardLog(Key, again.CreatedAtMs, 0).Tail.NextPosition);
    }

    [Fact]
    public async Task Appends_to_a_log_of_a_deleted_stream_answer_StreamDeleted()
    {
        await using var store = CreateStore();
        var stream = NewStream();
        await store.CreateStreamAsync(stream, default);
        var resolved = store.GetShardLog(Key, stream.CreatedAtMs, 0);
        await resolved.AppendAsync(Records("a"), default);

        await store.DeleteStreamAsync(Key, stream.CreatedAtMs, default);
        await store.CreateStreamAsync(stream with { CreatedAtMs = stream.CreatedAtMs + 1 }, default);

        // A caller that resolved the old incarnation before the delete, and one that asks for it after.
        Assert.Equal(AppendStatus.StreamDeleted, (await resolved.AppendAsync(Records("b"), default)).Status);
        Assert.Equal(AppendStatus.StreamDeleted, (await store.GetShardLog(Key, stream.CreatedAtMs, 0).AppendAsync(Records("c"), default)).Status);
        Assert.Equal(AppendStatus.StreamDeleted, (await store.GetShardLog(Key, stream.CreatedAtMs, 1).AppendAsync(Records("d"), default)).Status);
        Assert.Equal(0, store.GetShardLog(Key, stream.CreatedAtMs + 1, 0).Tail.NextPosition);
    }

    [Fact]
    public async Task Streams_are_listed_per_account_in_name_order()
    {
        await using var store = CreateStore();
        await store.CreateStreamAsync(NewStream() with { Key = new StreamKey("111111111111", "us-east-1", "b") }, default);
        await store.CreateStreamAsync(NewStream() with { Key = new StreamKey("111111111111", "us-east-1", "a") }, default);
        await store.CreateStreamAsync(NewStream() with { Key = new StreamKey("222222222222", "us-east-1", "c") }, default);

        var listed = await store.ListStreamsAsync(new AccountKey("111111111111", "us-east-1"), default);

        Assert.Equal(["a", "b"], listed.Select(s => s.Key.StreamName));
    }

    [Fact]
    public async Task One_name_in_two_accounts_and_two_regions_is_four_streams_with_four_logs()
    {
        var store = Track(CreateStore());
        var keys = FourKeys();
        for (var i = 0; i < keys.Length; i++)
        {
            Assert.Equal(StreamStoreOutcome.Done, await store.CreateStreamAsync(NewStream() with { Key = keys[i], RetentionPeriodHours = 24 + i }, default));
            await store.GetShardLog(keys[i], Clock.Now, 0).AppendAsync(Records($"record-{i}"), default);
        }

        Assert.Equal(StreamStoreOutcome.AlreadyExists, await store.CreateStreamAsync(NewStream() with { Key = keys[3] }, default));
        await AssertFourStreamsAsync(store, keys);

        await store.DeleteStreamAsync(keys[0], Clock.Now, default);
        Assert.Null(await store.GetStreamAsync(keys[0], default));
        Assert.NotNull(await store.GetStreamAsync(keys[1], default));
        Assert.Empty(await store.ListStreamsAsync(keys[0].Account, default));
        Assert.Equal(3, (await store.ListStreamsAsync(null, default)).Count);
    }

    [Fact]
    public async Task Streams_and_account_metadata_keep_their_regions_across_reopening()
    {
        var store = Track(CreateStore());
        var keys = FourKeys();
        for (var i = 0; i < keys.Length; i++)
        {
            await store.CreateStreamAsync(NewStream() with { Key = keys[i], RetentionPeriodHours = 24 + i }, default);
            await store.GetShardLog(keys[i], Clock.Now, 0).AppendAsync(Records($"record-{i}"), default);
        }

        var east = new AccountKey(keys[0].AccountId, keys[0].Region);
        var west = east with { Region = keys[1].Region };
        await store.UpdateAccountAsync(AccountMetadata.New(east) with { CommitmentStatus = "ENABLED" }, 0, default);

        var reopened = Track(await ReopenOrSkipAsync(store));

        await AssertFourStreamsAsync(reopened, keys);
        Assert.Equal("ENABLED", (await reopened.GetAccountAsync(east, default))!.CommitmentStatus);
        Assert.Null(await reopened.GetAccountAsync(west, default));
    }

    [Fact]
    public async Task Account_metadata_is_kept_per_account_and_region()
    {
        var store = Track(CreateStore());
        var east = new AccountKey("111111111111", "us-east-1");
        var west = east with { Region = "eu-west-1" };

        Assert.Equal(StreamStoreOutcome.Done, await store.UpdateAccountAsync(AccountMetadata.New(east) with { CommitmentStatus = "ENABLED" }, 0, default));
        Assert.Null(await store.GetAccountAsync(west, default));
        Assert.Equal(StreamStoreOutcome.Done, await store.UpdateAccountAsync(AccountMetadata.New(west), 0, default));

        Assert.Equal(("ENABLED", "us-east-1"), ((await store.GetAccountAsync(east, default))!.CommitmentStatus, (await store.GetAccountAsync(east, default))!.Region));
        Assert.Equal(("DISABLED", "eu-west-1"), ((await store.GetAccountAsync(west, default))!.CommitmentStatus, (await store.GetAccountAsync(west, default))!.Region));
        Assert.Null(await store.GetAccountAsync(new AccountKey("222222222222", "us-east-1"), default));
    }

    private static StreamKey[] FourKeys() =>
    [
        new("111111111111", "us-east-1", "same"),
        new("111111111111", "eu-west-1", "same"),
        new("222222222222", "us-east-1", "same"),
        new("222222222222", "eu-west-1", "same"),
    ];

    private async Task AssertFourStreamsAsync(IStreamStore store, StreamKey[] keys)
    {
        for (var i = 0; i < keys.Length; i++)
        {
            var stream = await store.GetStreamAsync(keys[i], default);
            Assert.NotNull(stream);
            Assert.Equal((keys[i], 24 + i), (stream.Key, stream.RetentionPeriodHours));
            var listed = Assert.Single(await store.ListStreamsAsync(keys[i].Account, default));
            Assert.Equal(keys[i], listed.Key);
            var read = await store.GetShardLog(keys[i], stream.CreatedAtMs, 0).ReadAsync(new ReadRequest(0, 100, long.MaxValue, 0), default);
            Assert.Equal([$"record-{i}"], read.Records.Select(r => Encoding.UTF8.GetString(r.Data.Span)));
        }

        Assert.Equal(4, (await store.ListStreamsAsync(null, default)).Count);
    }

    [Fact]
    public async Task Records_survive_reopening_with_their_positions_arrival_times_keys_and_data()
    {
        var store = Track(CreateStore());
        var stream = NewStream();
        await store.CreateStreamAsync(stream, default);
        var log = store.GetShardLog(Key, stream.CreatedAtMs, 0);
        for (var i = 0; i < 300; i++)
        {
            await log.AppendAsync(Records(Payload(i), Payload(i) + "-b"), default);
            Clock.Advance(i % 7);
        }

        var before = await ReadAllAsync(log);
        var tail = log.Tail;

        var reopened = Track(await ReopenOrSkipAsync(store));
        var again = reopened.GetShardLog(Key, stream.CreatedAtMs, 0);

        Assert.Equal(tail, again.Tail);
        var after = await ReadAllAsync(again);
        Assert.Equal(before.Count, after.Count);
        for (var i = 0; i < before.Count; i++)
        {
            Assert.Equal(before[i].Position, after[i].Position);
            Assert.Equal(before[i].ArrivalMs, after[i].ArrivalMs);
            Assert.Equal(before[i].PartitionKey, after[i].PartitionKey);
            Assert.Equal(before[i].Data.ToArray(), after[i].Data.ToArray());
        }
    }

    [Fact]
    public async Task Positions_continue_after_reopening_and_arrival_times_never_go_backwards()
    {
        var store = Track(CreateStore());
        var stream = NewStream();
        await store.CreateStreamAsync(stream, default);
        await store.GetShardLog(Key, stream.CreatedAtMs, 0).AppendAsync(Records("a", "b", "c"), default);
        var lastArrival = store.GetShardLog(Key, stream.CreatedAtMs, 0).Tail.LastArrivalMs;

        var reopened = Track(await ReopenOrSkipAsync(store));
        Clock.Advance(-10_000);
        var appended = await reopened.GetShardLog(Key, stream.CreatedAtMs, 0).AppendAsync(Records("d"), default);

        Assert.Equal(3, appended.FirstPosition);
        Assert.Equal(lastArrival, appended.ArrivalMs);
        var read = await reopened.GetShardLog(Key, stream.CreatedAtMs, 0).ReadAsync(new ReadRequest(0, 10, long.MaxValue, 0), default);
        Assert.Equal(["a", "b", "c", "d"], read.Records.Select(r => Encoding.UTF8.GetString(r.Data.Span)));
    }

    [Fact]
    public async Task Stream_metadata_survives_reopening()
    {
        var store = Track(CreateStore());
        var stream = NewStream() with
        {
            Shards =
            [
                new ShardMetadata(0, UInt128.Zero, UInt128.MaxValue / 2, Clock.Now, ClosedAtMs: Clock.Now + 5),
                new ShardMetadata(1, (UInt128.MaxValue / 2) + 1, UInt128.MaxValue, Clock.Now, ParentIndex: 0, AdjacentParentIndex: 2),
            ],
            Status = "UPDATING",
            StatusSettlesAtMs = Clock.Now + 30_000,
            StreamMode = "ON_DEMAND",
            EncryptionType = "KMS",
            KeyId = "alias/aws/kinesis",
            Tags = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [new KeyValuePair<string, string>("team", "data"), new("cost", "")]),
            ShardLevelMetrics = ["IncomingBytes", "OutgoingRecords"],
            Consumers =
            [
                new ConsumerMetadata("reader-1", Clock.Now - 60_000, "ACTIVE")
                {
                    Tags = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [new KeyValuePair<string, string>("owner", "ops")]),
                    ResourcePolicy = """{"Statement":[]}""",
                },
                new ConsumerMetadata("reader-2", Clock.Now, "CREATING", Clock.Now + 5_000),
            ],
            ResourcePolicy = """{"Version":"2012-10-17","Statement":[]}""",
        };
        await store.CreateStreamAsync(stream, default);
        await store.UpdateStreamAsync(stream with { RetentionPeriodHours = 168, MaxRecordSizeInKiB = 10_240 }, 0, default);

        var reopened = Track(await ReopenOrSkipAsync(store));
        var loaded = await reopened.GetStreamAsync(Key, default);

        Assert.NotNull(loaded);
        Assert.Equal(1, loaded.Version);
        Assert.Equal(stream.CreatedAtMs, loaded.CreatedAtMs);
        Assert.Equal(("UPDATING", stream.StatusSettlesAtMs, "ON_DEMAND"), (loaded.Status, loaded.StatusSettlesAtMs, loaded.StreamMode));
        Assert.Equal((168, 10_240), (loaded.RetentionPeriodHours, loaded.MaxRecordSizeInKiB));
        Assert.Equal(("KMS", "alias/aws/kinesis"), (loaded.EncryptionType, loaded.KeyId));
        Assert.Equal(stream.Shards.ToArray(), loaded.Shards.ToArray());
        Assert.Equal(stream.Tags.ToArray(), loaded.Tags.ToArray());
        Assert.Equal(stream.ShardLevelMetrics.ToArray(), loaded.ShardLevelMetrics.ToArray());
        Assert.Equal(stream.Consumers.ToArray(), loaded.Consumers.ToArray());
        Assert.Equal(stream.ResourcePolicy, loaded.ResourcePolicy);
        Assert.Equal(StreamStoreOutcome.VersionConflict, await reopened.UpdateStreamAsync(loaded, 0, default));
        Assert.Equal(StreamStoreOutcome.Done, await reopened.UpdateStreamAsync(loaded, 1, default));
    }

    [Fact]
    public async Task A_deleted_stream_stays_deleted_after_reopening()
    {
        var store = Track(CreateStore());
        var stream = NewStream();
        await store.CreateStreamAsync(stream, default);
        await store.GetShardLog(Key, stream.CreatedAtMs, 0).AppendAsync(Records("a"), default);
        await store.DeleteStreamAsync(Key, stream.CreatedAtMs, default);

        var reopened = Track(await ReopenOrSkipAsync(store));

        Assert.Null(await reopened.GetStreamAsync(Key, default));
        Assert.Empty(await reopened.ListStreamsAsync(Key.Account, default));
    }

    [Fact]
    public async Task Reading_from_any_position_of_a_long_log_starts_exactly_there()
    {
        var log = NewLog();
        for (var i = 0; i < 2_000; i += 4)
        {
            await log.AppendAsync(Records(Payload(i), Payload(i + 1), Payload(i + 2), Payload(i + 3)), default);
        }

        foreach (var from in new[] { 0, 1, 3, 517, 1_024, 1_999 })
        {
            var read = await log.ReadAsync(new ReadRequest(from, 3, long.MaxValue, 0), default);
            Assert.Equal(from, read.Records[0].Position);
            Assert.Equal(Payload(from), Encoding.UTF8.GetString(read.Records[0].Data.Span));
            Assert.Equal(Math.Min(from + 3, 2_000), read.NextPosition);
        }

        var all = await ReadAllAsync(log);
        Assert.Equal(Enumerable.Range(0, 2_000).Select(i => (long)i), all.Select(r => r.Position));
        Assert.Equal(Enumerable.Range(0, 2_000).Select(Payload), all.Select(r => Encoding.UTF8.GetString(r.Data.Span)));
    }

    [Fact]
    public async Task A_read_at_or_past_the_tail_returns_nothing_and_keeps_its_position()
    {
        var log = NewLog();
        await log.AppendAsync(Records("a", "b"), default);

        var atTail = await log.ReadAsync(new ReadRequest(2, 10, long.MaxValue, 0), default);
        var past = await log.ReadAsync(new ReadRequest(7, 10, long.MaxValue, 0), default);

        Assert.Empty(atTail.Records);
        Assert.Equal(2, atTail.NextPosition);
        Assert.Empty(past.Records);
        Assert.Equal(7, past.NextPosition);
    }

    [Fact]
    public async Task Finding_by_time_in_a_long_log_gives_the_first_record_at_or_after_it()
    {
        var log = NewLog();
        var start = Clock.Now;
        var arrivals = new List<long>();
        for (var i = 0; i < 600; i++)
        {
            var appended = await log.AppendAsync(Records(Payload(i), Payload(i)), default);
            arrivals.Add(appended.ArrivalMs);
            arrivals.Add(appended.ArrivalMs);
            Clock.Advance(i % 3 == 0 ? 0 : 10);
        }

        foreach (var probe in new[] { start - 1, start, start + 1, start + 995, start + 2_000, start + 3_990, Clock.Now + 1 })
        {
            var expected = arrivals.FindIndex(a => a >= probe);
            Assert.Equal(expected < 0 ? arrivals.Count : expected, await log.FindPositionByTimeAsync(probe, default));
        }
    }

    [Fact]
    public async Task Skipping_by_minimum_arrival_deep_in_a_long_log_returns_the_first_new_record_and_moves_past_the_old()
    {
        var log = NewLog();
        for (var i = 0; i < 1_500; i++)
        {
            await log.AppendAsync(Records(Payload(i)), default);
            if (i == 1_199)
            {
                Clock.Advance(60_000);
            }
        }

        var fromStart = await log.ReadAsync(new ReadRequest(0, 5, long.MaxValue, Clock.Now - 1_000), default);
        var allOld = await log.ReadAsync(new ReadRequest(0, 5, long.MaxValue, Clock.Now + 1), default);

        Assert.Equal([1_200L, 1_201, 1_202, 1_203, 1_204], fromStart.Records.Select(r => r.Position));
        Assert.Equal(1_205, fromStart.NextPosition);
        Assert.Empty(allOld.Records);
        Assert.Equal(1_500, allOld.NextPosition);
    }

    [Fact]
    public async Task Large_records_and_unicode_partition_keys_round_trip()
    {
        var log = NewLog();
        var big = new byte[1 << 20];
        new Random(7).NextBytes(big);
        var medium = new byte[200_000];
        new Random(8).NextBytes(medium);
        PendingRecord[] batch = [new("ключ-🔑-キー", big), new("k", medium), new(new string('p', 256), Array.Empty<byte>())];

        await log.AppendAsync(batch, default);
        var read = await log.ReadAsync(new ReadRequest(0, 10, long.MaxValue, 0), default);

        Assert.Equal(batch.Select(b => b.PartitionKey), read.Records.Select(r => r.PartitionKey));
        Assert.Equal(big, read.Records[0].Data.ToArray());
        Assert.Equal(medium, read.Records[1].Data.ToArray());
        Assert.Equal(0, read.Records[2].Data.Length);
    }

    [Fact]
    public async Task Reads_from_trimmed_positions_start_at_the_first_kept_record()
    {
        var log = NewLog();
        for (var i = 0; i < 10_000; i++)
        {
            await log.AppendAsync(Records(Payload(i)), default);
            if (i == 8_999)
            {
                Clock.Advance(60_000);
            }
        }

        var kept = await log.TrimAsync(Clock.Now - 1_000, default);
        var read = await log.ReadAsync(new ReadRequest(0, 1, long.MaxValue, 0), default);

        Assert.InRange(kept, 1, 9_000);
        Assert.Equal(kept, read.Records[0].Position);
        Assert.Equal(Payload((int)kept), Encoding.UTF8.GetString(read.Records[0].Data.Span));
        Assert.Equal(kept, await log.FindPositionByTimeAsync(0, default));
    }

    [Fact]
    public async Task Updating_or_deleting_another_incarnation_of_a_stream_is_not_found()
    {
        await using var store = CreateStore();
        var stream = NewStream();
        await store.CreateStreamAsync(stream, default);
        var other = stream with { CreatedAtMs = stream.CreatedAtMs - 1 };

        Assert.Equal(StreamStoreOutcome.NotFound, await store.UpdateStreamAsync(other, 0, default));
        Assert.Equal(StreamStoreOutcome.NotFound, await store.DeleteStreamAsync(Key, other.CreatedAtMs, default));
        Assert.Equal(StreamStoreOutcome.NotFound, await store.DeleteStreamAsync(new StreamKey("000000000000", "us-east-1", "missing"), stream.CreatedAtMs, default));
        Assert.NotNull(await store.GetStreamAsync(Key, default));
    }

    [Fact]
    public async Task Concurrent_appends_to_many_shards_keep_every_shard_dense_and_in_order()
    {
        var store = Track(CreateStore());
        await store.CreateStreamAsync(NewStream(), default);
        var logs = Enumerable.Range(0, 4).Select(s => store.GetShardLog(Key, Clock.Now, s)).ToArray();
        var writers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 100; i++)
            {
                var appended = await logs[(w + i) % logs.Length].AppendAsync(Records($"{w}:{i}"), default);
                Assert.Equal(AppendStatus.Appended, appended.Status);
            }
        }));

        await Task.WhenAll(writers);

        foreach (var log in logs)
        {
            var all = await ReadAllAsync(log);
            Assert.Equal(200, all.Count);
            Assert.Equal(Enumerable.Range(0, 200).Select(i => (long)i), all.Select(r => r.Position));
        }
    }

    [Fact]
    public async Task A_waiter_for_a_later_position_completes_only_once_that_position_exists()
    {
        var log = NewLog();
        var waiting = log.WaitAsync(2, default).AsTask();

        await log.AppendAsync(Records("a", "b"), default);
        await Task.Delay(20);
        Assert.False(waiting.IsCompleted);

        await log.AppendAsync(Records("c"), default);
        Assert.True(await waiting.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    /// <summary>Shard 0 of a new stream in a new store.</summary>
    protected IShardLog NewLog()
    {
        var store = Track(CreateStore());
        var stream = NewStream();
        Assert.Equal(StreamStoreOutcome.Done, store.CreateStreamAsync(stream, default).AsTask().GetAwaiter().GetResult());
        return store.GetShardLog(Key, stream.CreatedAtMs, 0);
    }

    /// <summary>Disposes the store after the test.</summary>
    protected IStreamStore Track(IStreamStore store)
    {
        _opened.Add(store);
        return store;
    }

    protected static Task<List<StoredRecord>> ReadAllAsync(IShardLog log) => ShardLogReading.ReadAllAsync(log);

    protected static string Payload(int i) => $"record-{i}-" + new string((char)('a' + (i % 26)), i % 300);

    private async Task<IStreamStore> ReopenOrSkipAsync(IStreamStore store)
    {
        var reopened = await ReopenAsync(store);
        if (reopened is null)
        {
            Assert.Skip("This backend keeps nothing across a restart.");
        }

        return reopened;
    }

    private StreamMetadata NewStream() => new()
    {
        Key = Key,
        CreatedAtMs = Clock.Now,
        Status = "ACTIVE",
        StreamMode = "PROVISIONED",
        Shards = [new ShardMetadata(0, UInt128.Zero, UInt128.MaxValue, Clock.Now)],
        RetentionPeriodHours = 24,
        MaxRecordSizeInKiB = 1024,
    };

    private static PendingRecord[] Records(params string[] data) =>
        data.Select(d => new PendingRecord("key-" + d, Encoding.UTF8.GetBytes(d))).ToArray();
}
