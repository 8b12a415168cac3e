namespace Rivulet.Storage.Tests.Local;

public sealed class RetentionTests : LocalStoreTestBase
{
    [Fact]
    public async Task Trimming_deletes_whole_old_segment_files_and_keeps_the_newer_ones()
    {
        var (store, log) = await OpenWithStreamAsync();
        long kept;
        await using (store)
        {
            await AppendAsync(log, 0, 150);
            Clock.Advance(3_600_000);
            await AppendAsync(log, 150, 150);
            var segmentsBefore = SegmentFiles();
            var bytesBefore = store.GetBytesOnDisk(Key, CreatedAtMs);

            kept = await log.TrimAsync(Clock.Now - 60_000, default);

            var segmentsAfter = SegmentFiles();
            Assert.InRange(kept, 1, 150);
            Assert.Equal(segmentsBefore.SkipWhile(s => FirstPositionOf(s) < FirstPositionOf(segmentsAfter[0])), segmentsAfter);
            Assert.True(FirstPositionOf(segmentsAfter[0]) <= 150, "the segment holding the first new record stays");
            Assert.Equal(kept, FirstPositionOf(segmentsAfter[0]));
            Assert.All(segmentsAfter[..^1], s => Assert.True(File.Exists(Path.ChangeExtension(s, ".idx")), "every sealed segment keeps its index"));
            Assert.All(SidecarFiles(), s => Assert.True(File.Exists(Path.ChangeExtension(s, ".seg")), "no index outlives its segment"));
            Assert.True(store.GetBytesOnDisk(Key, CreatedAtMs) < bytesBefore);

            var read = await log.ReadAsync(new ReadRequest(0, 1_000, long.MaxValue, 0), default);
            Assert.Equal(kept, read.Records[0].Position);
            Assert.Equal(300, read.NextPosition);
        }

        var (reopened, again) = await OpenWithStreamAsync();
        await using (reopened)
        {
            Assert.Equal(kept, (await again.ReadAsync(new ReadRequest(0, 1, long.MaxValue, 0), default)).Records[0].Position);
            Assert.Equal(300, (await again.AppendAsync(new[] { Record(300) }, default)).FirstPosition);
        }
    }

    [Fact]
    public async Task Trimming_never_deletes_the_active_segment_even_when_everything_is_older()
    {
        var (store, log) = await OpenWithStreamAsync();
        await using (store)
        {
            await AppendAsync(log, 0, 150);
            Clock.Advance(3_600_000);

            var kept = await log.TrimAsync(Clock.Now, default);

            var remaining = Assert.Single(SegmentFiles());
            Assert.Equal(kept, FirstPositionOf(remaining));
            Assert.Equal(150, log.Tail.NextPosition);
            Assert.Equal(150, (await log.AppendAsync(new[] { Record(150) }, default)).FirstPosition);
        }
    }

    [Fact]
    public async Task A_read_whose_next_segments_are_trimmed_while_it_reads_goes_on_from_the_first_kept_record()
    {
        var device = new GatedDevice();
        var (store, log) = await OpenWithStreamAsync(device: device);
        await using (store)
        {
            await AppendAsync(log, 0, 150);
            Clock.Advance(3_600_000);
            await AppendAsync(log, 150, 10);
            var segments = SegmentFiles();
            device.CloseReads(segments[0]);

            var reading = Task.Run(async () => await log.ReadAsync(new ReadRequest(0, 1_000, long.MaxValue, 0), default));
            while (device.Waiting == 0)
            {
                await Task.Delay(1);
            }

            var kept = await log.TrimAsync(Clock.Now - 1, default); // removes the segment being read and those after it

            // Deleted once the read is out of it: a read may have to reopen a file the store closed to make room.
            Assert.True(File.Exists(segments[0]));
            Assert.False(File.Exists(segments[1]));
            device.OpenReads();
            var read = await reading;
            Assert.False(File.Exists(segments[0]));

            var firstSegmentRecords = (int)FirstPositionOf(segments[1]);
            Assert.Equal(Enumerable.Range(0, firstSegmentRecords).Concat(Enumerable.Range((int)kept, 160 - (int)kept)).Select(p => (long)p), read.Records.Select(r => r.Position));
            Assert.Equal(160, read.NextPosition);
        }
    }

    private static long FirstPositionOf(string segmentPath) =>
        long.Parse(Path.GetFileNameWithoutExtension(segmentPath), System.Globalization.CultureInfo.InvariantCulture);
}
