using System.Text;
using Rivulet.Storage.Local;

namespace Rivulet.Storage.Tests.Local;

/// <summary>
/// What a crash can leave at the end of the last segment, and that opening cuts exactly that off. A
/// crash leaves no close-time checkpoint of the last segment, so these tests remove it after closing.
/// </summary>
public sealed class TornTailTests : LocalStoreTestBase
{
    private const int Count = 200;

    [Fact]
    public async Task A_last_segment_cut_mid_frame_keeps_every_whole_record_and_appends_continue_after_them()
    {
        var last = await WriteAndCloseAsync();
        var frames = SegmentFile.FrameOffsets(last);
        SegmentFile.Truncate(last, frames[^1] + 11);

        await ReopenAndExpectAsync(Count - 1, last, frames[^1]);
    }

    [Fact]
    public async Task Garbage_after_the_last_frame_is_cut_off()
    {
        var last = await WriteAndCloseAsync();
        var length = new FileInfo(last).Length;
        var garbage = new byte[300];
        new Random(1).NextBytes(garbage);
        SegmentFile.AppendBytes(last, garbage);

        await ReopenAndExpectAsync(Count, last, length);
    }

    [Fact]
    public async Task A_zero_filled_tail_is_cut_off()
    {
        var last = await WriteAndCloseAsync();
        var length = new FileInfo(last).Length;
        SegmentFile.AppendBytes(last, new byte[4096]);

        await ReopenAndExpectAsync(Count, last, length);
    }

    [Fact]
    public async Task A_half_written_frame_header_is_cut_off()
    {
        var last = await WriteAndCloseAsync();
        var length = new FileInfo(last).Length;
        SegmentFile.AppendBytes(last, [0x40, 0, 0, 0, 0x12]);

        await ReopenAndExpectAsync(Count, last, length);
    }

    [Fact]
    public async Task A_flipped_bit_in_the_last_frame_of_the_last_segment_is_a_torn_tail()
    {
        var last = await WriteAndCloseAsync();
        var frames = SegmentFile.FrameOffsets(last);
        SegmentFile.FlipBit(last, frames[^1] + 30);

        await ReopenAndExpectAsync(Count - 1, last, frames[^1]);
    }

    [Fact]
    public async Task A_flipped_bit_before_the_last_frame_is_damage_not_a_tear_and_the_last_record_stays()
    {
        var last = await WriteAndCloseAsync();
        var frames = SegmentFile.FrameOffsets(last);
        Assert.True(frames.Count >= 3, "the last segment should hold a few frames");
        var length = new FileInfo(last).Length;
        SegmentFile.FlipBit(last, frames[^2] + 30);

        var (store, log) = await OpenWithStreamAsync();
        await using (store)
        {
            var line = Assert.Single(Errors);
            Assert.DoesNotContain("torn tail", line, StringComparison.Ordinal);
            Assert.Contains($"{last} is damaged at byte {frames[^2]}", line, StringComparison.Ordinal);
            Assert.Equal(length, new FileInfo(last).Length);
            await AssertHoldsAllButAsync(log, Count, Count - 2);
            Assert.Equal(Count, (await log.AppendAsync(new[] { Record(Count) }, default)).FirstPosition);
        }
    }

    [Fact]
    public async Task A_flipped_bit_in_the_checkpointed_part_of_the_last_segment_is_damage_reported_and_stepped_over_on_read()
    {
        var (store, log) = await OpenWithStreamAsync();
        await AppendAsync(log, 0, Count);
        await store.DisposeAsync();
        var last = SegmentFiles()[^1];
        var frames = SegmentFile.FrameOffsets(last);
        SegmentFile.FlipBit(last, frames[^2] + 30); // synced, acknowledged and covered by the close-time checkpoint: not a torn tail

        var (reopened, again) = await OpenWithStreamAsync();
        await using (reopened)
        {
            Assert.Empty(Errors);
            Assert.Equal(Count, again.Tail.NextPosition);
            await AssertHoldsAllButAsync(again, Count, Count - 2);
            Assert.Contains($"{last} is damaged at byte {frames[^2]}", Assert.Single(Errors), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Damage_found_at_the_end_of_the_active_segment_does_not_hide_records_appended_after_it()
    {
        var (store, log) = await OpenWithStreamAsync(segmentBytes: 1 << 20);
        await AppendAsync(log, 0, 20);
        await store.DisposeAsync();
        var last = SegmentFiles()[^1];
        SegmentFile.FlipBit(last, SegmentFile.FrameOffsets(last)[^1] + 30); // inside the close-time checkpoint

        var (reopened, again) = await OpenWithStreamAsync(segmentBytes: 1 << 20);
        await using (reopened)
        {
            await AssertHoldsAllButAsync(again, 20, 19);
            await AppendAsync(again, 20, 5);
            await AssertHoldsAllButAsync(again, 25, 19);
        }
    }

    [Fact]
    public async Task A_copy_taken_while_appending_recovers_like_after_a_kill()
    {
        var (store, log) = await OpenWithStreamAsync();
        var copy = Path.Combine(Path.GetDirectoryName(DataDirectory)!, "copy");
        await using (store)
        {
            await AppendAsync(log, 0, Count);

            // What kill -9 leaves: the files as they are, periodic checkpoints included, no close-time one; plus half a frame.
            foreach (var file in Directory.EnumerateFiles(DataDirectory, "*", SearchOption.AllDirectories).Where(f => Path.GetFileName(f) != "LOCK"))
            {
                var target = Path.Combine(copy, Path.GetRelativePath(DataDirectory, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }

            await log.AppendAsync(new[] { Record(Count) }, default);
        }

        var lastCopy = Directory.GetFiles(copy, "*.seg", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Last();
        SegmentFile.AppendBytes(lastCopy, [0x70, 0, 0, 0, 1, 2, 3]);
        await using var recovered = await LocalStreamStore.OpenAsync(Options() with { DataDirectory = copy });
        var recoveredLog = recovered.GetShardLog(Key, CreatedAtMs, 0);

        Assert.Contains("torn tail", Assert.Single(Errors), StringComparison.Ordinal);
        await AssertHoldsAsync(recoveredLog, Count);
        Assert.Equal(Count, (await recoveredLog.AppendAsync(new[] { Record(Count) }, default)).FirstPosition);
    }

    [Fact]
    public async Task A_frame_holding_the_wrong_position_ends_the_log()
    {
        var last = await WriteAndCloseAsync();
        var frames = SegmentFile.FrameOffsets(last);
        var bytes = File.ReadAllBytes(last);
        var firstFrame = bytes.AsSpan(0, (int)frames[1]).ToArray();
        SegmentFile.AppendBytes(last, firstFrame); // a whole, valid frame, but of an earlier position

        await ReopenAndExpectAsync(Count, last, bytes.Length);
    }

    [Fact]
    public async Task A_last_segment_with_no_whole_frame_leaves_the_log_ending_where_that_segment_starts()
    {
        var last = await WriteAndCloseAsync();
        var firstInLast = int.Parse(Path.GetFileNameWithoutExtension(last), System.Globalization.CultureInfo.InvariantCulture);
        SegmentFile.Truncate(last, 17);

        await ReopenAndExpectAsync(firstInLast, last, 0);
    }

    [Fact]
    public async Task An_empty_last_segment_left_by_a_crash_right_after_rolling_is_simply_continued()
    {
        var (store, log) = await OpenWithStreamAsync();
        await AppendAsync(log, 0, Count);
        await store.DisposeAsync();
        File.Create(Path.Combine(ShardDirectory, $"{Count:D20}.seg")).Dispose();

        var (reopened, again) = await OpenWithStreamAsync();
        await using (reopened)
        {
            await AssertHoldsAsync(again, Count);
            await AppendAsync(again, Count, 5);
            Assert.Empty(Errors);
        }
    }

    /// <summary>Appends <see cref="Count"/> records over several 4 KiB segments, closes the store, drops the last segment's checkpoint as a crash would and returns that segment's path.</summary>
    private async Task<string> WriteAndCloseAsync()
    {
        var (store, log) = await OpenWithStreamAsync();
        await AppendAsync(log, 0, Count);
        await store.DisposeAsync();
        var segments = SegmentFiles();
        Assert.True(segments.Length >= 3, "the records should span several segments");
        File.Delete(Path.ChangeExtension(segments[^1], ".idx"));
        return segments[^1];
    }

    /// <summary>Reopens: the log holds records 0 … kept − 1, one line reported the cut, the file was cut to <paramref name="cutAt"/>, appends go on at <paramref name="kept"/> and survive another reopen.</summary>
    private async Task ReopenAndExpectAsync(int kept, string last, long cutAt)
    {
        var (store, log) = await OpenWithStreamAsync();
        await using (store)
        {
            var line = Assert.Single(Errors);
            Assert.Contains("torn tail", line, StringComparison.Ordinal);
            Assert.Contains(last, line, StringComparison.Ordinal);
            Assert.Equal(cutAt, new FileInfo(last).Length);
            await AssertHoldsAsync(log, kept);

            var next = await log.AppendAsync(new[] { Record(kept) }, default);
            Assert.Equal(kept, next.FirstPosition);
        }

        Errors.Clear();
        var (again, log2) = await OpenWithStreamAsync();
        await using (again)
        {
            Assert.Empty(Errors);
            await AssertHoldsAsync(log2, kept + 1);
            Assert.Equal(Payload(kept), Encoding.UTF8.GetString((await log2.ReadAsync(new ReadRequest(kept, 1, long.MaxValue, 0), default)).Records[0].Data.Span));
        }
    }
}
