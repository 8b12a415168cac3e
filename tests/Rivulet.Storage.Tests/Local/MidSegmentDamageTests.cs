using Rivulet.Storage.Local;

namespace Rivulet.Storage.Tests.Local;

/// <summary>
/// A tear from a crash can only be at the end of the last segment; a bad frame that whole frames
/// follow is damage. Recovery reports it (file and offset), keeps every record after it readable and
/// never hands out a position that was acknowledged again.
/// </summary>
public sealed class MidSegmentDamageTests : LocalStoreTestBase
{
    private const int Count = 100;
    private const long SegmentBytes = 1 << 20;

    [Theory]
    [InlineData(40, "a data byte")]
    [InlineData(10, "the position field")]
    [InlineData(5, "the checksum")]
    [InlineData(0, "the low byte of the length")]
    [InlineData(3, "the high byte of the length")]
    public async Task A_flipped_byte_in_the_50th_of_100_acknowledged_records_loses_only_that_record(int byteInFrame, string what)
    {
        var segment = await WriteAsIfKilledAsync();
        var frames = SegmentFile.FrameOffsets(segment);
        var length = new FileInfo(segment).Length;
        SegmentFile.FlipBit(segment, frames[50] + byteInFrame);

        var (store, log) = await OpenWithStreamAsync(segmentBytes: SegmentBytes);
        await using (store)
        {
            var line = Assert.Single(Errors);
            Assert.True(line.Contains($"{segment} is damaged at byte {frames[50]}", StringComparison.Ordinal), $"damage in {what} is reported by file and offset: {line}");
            Assert.DoesNotContain("torn tail", line, StringComparison.Ordinal);
            Assert.Equal(length, new FileInfo(segment).Length); // nothing cut
            await AssertHoldsAllButAsync(log, Count, 50);
            Assert.Equal(Count, (await log.AppendAsync(new[] { Record(Count) }, default)).FirstPosition);
        }

        Errors.Clear();
        var (again, log2) = await OpenWithStreamAsync(segmentBytes: SegmentBytes);
        await using (again)
        {
            await AssertHoldsAllButAsync(log2, Count + 1, 50);
        }
    }

    [Fact]
    public async Task Records_damaged_in_a_row_are_lost_together_and_positions_still_continue_after_the_last()
    {
        var segment = await WriteAsIfKilledAsync();
        var frames = SegmentFile.FrameOffsets(segment);
        for (var i = 50; i <= 52; i++)
        {
            SegmentFile.FlipBit(segment, frames[i] + 40);
        }

        var (store, log) = await OpenWithStreamAsync(segmentBytes: SegmentBytes);
        await using (store)
        {
            Assert.Contains("positions 50 to 52 are lost", Assert.Single(Errors), StringComparison.Ordinal);
            await AssertHoldsAllButAsync(log, Count, 50, 51, 52);
            Assert.Equal(Count, (await log.AppendAsync(new[] { Record(Count) }, default)).FirstPosition);
        }
    }

    [Fact]
    public async Task Damage_in_two_places_and_a_torn_tail_are_each_told_apart()
    {
        var segment = await WriteAsIfKilledAsync();
        var frames = SegmentFile.FrameOffsets(segment);
        var length = new FileInfo(segment).Length;
        SegmentFile.FlipBit(segment, frames[20] + 40);
        SegmentFile.FlipBit(segment, frames[70] + 40);
        SegmentFile.AppendBytes(segment, [0x70, 0, 0, 0, 1, 2, 3]);

        var (store, log) = await OpenWithStreamAsync(segmentBytes: SegmentBytes);
        await using (store)
        {
            var lines = Errors.ToArray();
            Assert.Equal(3, lines.Length);
            Assert.Contains($"damaged at byte {frames[20]}", lines[0], StringComparison.Ordinal);
            Assert.Contains($"damaged at byte {frames[70]}", lines[1], StringComparison.Ordinal);
            Assert.Contains("torn tail", lines[2], StringComparison.Ordinal);
            Assert.Equal(length, new FileInfo(segment).Length);
            await AssertHoldsAllButAsync(log, Count, 20, 70);
        }
    }

    [Fact]
    public async Task Damage_in_a_copy_taken_while_the_store_is_open_is_stepped_over()
    {
        var copy = Path.Combine(Path.GetDirectoryName(DataDirectory)!, "copy-" + Guid.NewGuid().ToString("N"));
        var (store, log) = await OpenWithStreamAsync(segmentBytes: SegmentBytes);
        await using (store)
        {
            await AppendAsync(log, 0, Count);

            // What kill -9 leaves: the files as they are, without the close-time checkpoint.
            foreach (var file in Directory.EnumerateFiles(DataDirectory, "*", SearchOption.AllDirectories).Where(f => Path.GetFileName(f) != "LOCK"))
            {
                var target = Path.Combine(copy, Path.GetRelativePath(DataDirectory, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }
        }

        var segment = Directory.GetFiles(copy, "*.seg", SearchOption.AllDirectories).Single();
        SegmentFile.FlipBit(segment, SegmentFile.FrameOffsets(segment)[50] + 40);
        await using var recovered = await LocalStreamStore.OpenAsync(Options(segmentBytes: SegmentBytes) with { DataDirectory = copy });
        var recoveredLog = recovered.GetShardLog(Key, CreatedAtMs, 0);

        Assert.Contains($"{segment} is damaged", Assert.Single(Errors), StringComparison.Ordinal);
        await AssertHoldsAllButAsync(recoveredLog, Count, 50);
        Assert.Equal(Count, (await recoveredLog.AppendAsync(new[] { Record(Count) }, default)).FirstPosition);
        Directory.Delete(copy, recursive: true);
    }

    [Theory]
    [InlineData(51)] // the position that does follow: told apart by the record after it
    [InlineData(60)] // more positions than the skipped bytes could hold
    public async Task A_record_whose_data_holds_a_frame_of_a_later_position_does_not_fool_recovery(long claimed)
    {
        // The 50th record's data is itself a valid frame: damage to the 50th frame's header must not
        // make recovery resume inside that data.
        var (store, log) = await OpenWithStreamAsync(segmentBytes: SegmentBytes);
        await AppendAsync(log, 0, 50);
        var fake = new byte[RecordFrame.SizeOf(3, 10)];
        RecordFrame.Write(fake, claimed, CreatedAtMs, "key", 3, new byte[10]);
        Assert.Equal(50, (await log.AppendAsync(new[] { new PendingRecord("fake", fake) }, default)).FirstPosition);
        for (var i = 51; i < Count; i++)
        {
            Assert.Equal(i, (await log.AppendAsync(new[] { Record(i) }, default)).FirstPosition);
        }

        await store.DisposeAsync();
        var segment = SegmentFiles().Single();
        File.Delete(Path.ChangeExtension(segment, ".idx"));
        SegmentFile.FlipBit(segment, SegmentFile.FrameOffsets(segment)[50] + 10);

        var (reopened, again) = await OpenWithStreamAsync(segmentBytes: SegmentBytes);
        await using (reopened)
        {
            Assert.Single(Errors);
            await AssertHoldsAllButAsync(again, Count, 50);
        }
    }

    /// <summary>Appends <see cref="Count"/> synced records into one segment and leaves the files as a kill would (no close-time checkpoint); returns the segment.</summary>
    private async Task<string> WriteAsIfKilledAsync()
    {
        var (store, log) = await OpenWithStreamAsync(segmentBytes: SegmentBytes);
        await AppendAsync(log, 0, Count);
        await store.DisposeAsync();
        var segment = SegmentFiles().Single();
        File.Delete(Path.ChangeExtension(segment, ".idx"));
        return segment;
    }
}
