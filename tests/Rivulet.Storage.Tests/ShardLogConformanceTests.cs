using System.Text;
using Rivulet.Storage;

namespace Rivulet.Storage.Tests;

/// <summary>
/// What every storage backend's shard log must do. A backend's test class derives from this and
/// says how to make a store; the durable engine and any distributed one run the same checks.
/// </summary>
public abstract class ShardLogConformanceTests
{
    private static readonly StreamKey Key = new("000000000000", "conformance");

    protected ManualClock Clock { get; } = new(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));

    protected abstract IStreamStore CreateStore();

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
    public async Task Streams_are_listed_per_account_in_name_order()
    {
        await using var store = CreateStore();
        await store.CreateStreamAsync(NewStream() with { Key = new StreamKey("111111111111", "b") }, default);
        await store.CreateStreamAsync(NewStream() with { Key = new StreamKey("111111111111", "a") }, default);
        await store.CreateStreamAsync(NewStream() with { Key = new StreamKey("222222222222", "c") }, default);

        var listed = await store.ListStreamsAsync("111111111111", default);

        Assert.Equal(["a", "b"], listed.Select(s => s.Key.StreamName));
    }

    private IShardLog NewLog()
    {
        var store = CreateStore();
        return store.GetShardLog(Key, Clock.Now, 0);
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
