using System.Globalization;
using Rivulet.Storage.Local;

namespace Rivulet.Storage.Tests.Local;

/// <summary>
/// Damage inside a sealed segment (not at the log's tail) costs the records it hit and nothing else:
/// it is reported naming the file and offset, reads step over it, and no damaged record is served.
/// </summary>
public sealed class CorruptionTests : LocalStoreTestBase
{
    private const int Count = 200;

    [Fact]
    public async Task A_flipped_bit_in_a_sealed_segment_is_stepped_over_by_reads_and_reported_once_naming_the_file()
    {
        var (damaged, firstDamaged, offset) = await WriteAndDamageSealedSegmentAsync(keepIndex: true);

        var (store, log) = await OpenWithStreamAsync();
        await using (store)
        {
            Assert.Empty(Errors); // its index sidecar is intact, so opening does not read the segment

            await AssertHoldsAllButAsync(log, Count, firstDamaged + 2);
            var line = Assert.Single(Errors);
            Assert.Contains(damaged, line, StringComparison.Ordinal);
            Assert.Contains($"byte {offset}", line, StringComparison.Ordinal);

            await AssertHoldsAllButAsync(log, Count, firstDamaged + 2);
            Assert.Single(Errors); // found once, stepped over from then on without another report
            await AssertLaterPartsReadAsync(log, firstDamaged);
        }
    }

    [Fact]
    public async Task A_damaged_sealed_segment_without_its_index_is_reported_at_open_and_the_rest_of_it_reads()
    {
        var (damaged, firstDamaged, offset) = await WriteAndDamageSealedSegmentAsync(keepIndex: false);

        var (store, log) = await OpenWithStreamAsync();
        await using (store)
        {
            var line = Assert.Single(Errors);
            Assert.Contains(damaged, line, StringComparison.Ordinal);
            Assert.Contains("damaged", line, StringComparison.Ordinal);
            Assert.Contains($"byte {offset}", line, StringComparison.Ordinal);
            Assert.Equal(new FileInfo(damaged).Length, File.ReadAllBytes(damaged).Length); // kept whole, not cut

            await AssertHoldsAllButAsync(log, Count, firstDamaged + 2);
            Assert.Single(Errors);
            await AssertLaterPartsReadAsync(log, firstDamaged);
        }

        // Without a sidecar of its own, the damaged segment is scanned and reported at every start.
        Errors.Clear();
        var (again, log2) = await OpenWithStreamAsync();
        await using (again)
        {
            Assert.Contains(damaged, Assert.Single(Errors), StringComparison.Ordinal);
            await AssertHoldsAllButAsync(log2, Count + 1, firstDamaged + 2);
        }
    }

    [Fact]
    public async Task A_sealed_segment_damaged_in_its_last_frame_loses_only_that_record()
    {
        var (store, log) = await OpenWithStreamAsync();
        await AppendEveryMillisecondAsync(log);
        await store.DisposeAsync();
        var damaged = SegmentFiles()[1];
        var frames = SegmentFile.FrameOffsets(damaged);
        SegmentFile.FlipBit(damaged, frames[^1] + 30);
        File.Delete(Path.ChangeExtension(damaged, ".idx"));
        var lastOfSegment = long.Parse(Path.GetFileNameWithoutExtension(SegmentFiles()[2]), CultureInfo.InvariantCulture) - 1;

        var (reopened, again) = await OpenWithStreamAsync();
        await using (reopened)
        {
            Assert.Contains(damaged, Assert.Single(Errors), StringComparison.Ordinal);
            await AssertHoldsAllButAsync(again, Count, lastOfSegment);
        }
    }

    [Fact]
    public async Task A_time_search_steps_over_a_lost_record_to_the_next_one()
    {
        var (_, firstDamaged, _) = await WriteAndDamageSealedSegmentAsync(keepIndex: false);

        var (store, log) = await OpenWithStreamAsync();
        await using (store)
        {
            // Record p arrived at CreatedAtMs + p; the damaged frame held position firstDamaged + 2.
            Assert.Equal(firstDamaged + 3, await log.FindPositionByTimeAsync(CreatedAtMs + firstDamaged + 2, default));
            Assert.Equal(firstDamaged + 1, await log.FindPositionByTimeAsync(CreatedAtMs + firstDamaged + 1, default));
            Assert.Equal(Count - 1, await log.FindPositionByTimeAsync(CreatedAtMs + Count - 1, default));
            Assert.Equal(Count, await log.FindPositionByTimeAsync(Clock.Now + 1, default));
        }
    }

    [Fact]
    public async Task A_damaged_metadata_file_is_reported_by_name_and_marks_only_its_stream()
    {
        var (store, _) = await OpenWithStreamAsync();
        await store.DisposeAsync();
        var meta = Path.Combine(Path.GetDirectoryName(ShardDirectory)!, "meta.json");
        File.WriteAllText(meta, "{\"format\":1,\"accountId\":");

        await using var reopened = await OpenAsync();
        Assert.Contains(meta, (await reopened.GetStreamAsync(Key, default))!.Damage, StringComparison.Ordinal);
        Assert.Contains(Errors, line => line.Contains(meta, StringComparison.Ordinal));
    }

    private async Task AppendEveryMillisecondAsync(IShardLog log)
    {
        for (var i = 0; i < Count; i++)
        {
            await log.AppendAsync(new[] { Record(i) }, default);
            Clock.Advance(1);
        }
    }

    /// <summary>Writes records over several segments with every record arriving 1 ms after the last, flips a bit in the third frame of the second segment, and returns that segment, the first position it holds and the damaged frame's offset.</summary>
    private async Task<(string Path, long FirstPosition, long Offset)> WriteAndDamageSealedSegmentAsync(bool keepIndex)
    {
        var (store, log) = await OpenWithStreamAsync();
        await AppendEveryMillisecondAsync(log);
        await store.DisposeAsync();
        var segments = SegmentFiles();
        Assert.True(segments.Length >= 4);
        var damaged = segments[1];
        var frames = SegmentFile.FrameOffsets(damaged);
        SegmentFile.FlipBit(damaged, frames[2] + 40);
        if (!keepIndex)
        {
            File.Delete(Path.ChangeExtension(damaged, ".idx"));
        }

        return (damaged, long.Parse(Path.GetFileNameWithoutExtension(damaged), CultureInfo.InvariantCulture), frames[2]);
    }

    /// <summary>Reads starting inside the damaged segment, past the damage, and in later segments work; appends go on at the next position.</summary>
    private static async Task AssertLaterPartsReadAsync(IShardLog log, long firstDamaged)
    {
        var after = await log.ReadAsync(new ReadRequest(firstDamaged + 2, 2, long.MaxValue, 0), default);
        Assert.Equal([firstDamaged + 3, firstDamaged + 4], after.Records.Select(r => r.Position));

        var later = await ReadAllAsync(log, Count - 5);
        Assert.Equal(Enumerable.Range(Count - 5, 5).Select(i => (long)i), later.Select(r => r.Position));
        var appended = await log.AppendAsync(new[] { Record(Count) }, default);
        Assert.Equal(Count, appended.FirstPosition);
    }
}
