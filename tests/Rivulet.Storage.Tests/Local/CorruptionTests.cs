using System.Text;
using Rivulet.Storage.Local;

namespace Rivulet.Storage.Tests.Local;

/// <summary>Damage inside the log (not at its tail) is never skipped and never served: reads that reach it fail naming the file.</summary>
public sealed class CorruptionTests : LocalStoreTestBase
{
    private const int Count = 200;

    [Fact]
    public async Task A_flipped_bit_in_a_sealed_segment_fails_reads_that_reach_it_naming_the_file()
    {
        var (damaged, firstDamaged) = await WriteAndDamageSealedSegmentAsync(keepIndex: true);

        var (store, log) = await OpenWithStreamAsync();
        await using (store)
        {
            Assert.Empty(Errors); // its index sidecar is intact, so opening does not read the segment

            var failure = await Assert.ThrowsAsync<CorruptLogException>(() => ReadAllAsync(log));
            Assert.Equal(damaged, failure.FilePath);
            Assert.Contains(damaged, failure.Message, StringComparison.Ordinal);
            await AssertUndamagedPartsReadAsync(log, firstDamaged);
        }
    }

    [Fact]
    public async Task A_damaged_sealed_segment_without_its_index_is_reported_at_open_and_still_fails_reads()
    {
        var (damaged, firstDamaged) = await WriteAndDamageSealedSegmentAsync(keepIndex: false);

        var (store, log) = await OpenWithStreamAsync();
        await using (store)
        {
            var line = Assert.Single(Errors);
            Assert.Contains(damaged, line, StringComparison.Ordinal);
            Assert.Contains("damaged", line, StringComparison.Ordinal);
            Assert.Equal(new FileInfo(damaged).Length, File.ReadAllBytes(damaged).Length); // kept whole, not cut

            var failure = await Assert.ThrowsAsync<CorruptLogException>(() => ReadAllAsync(log));
            Assert.Equal(damaged, failure.FilePath);
            await AssertUndamagedPartsReadAsync(log, firstDamaged);
        }
    }

    [Fact]
    public async Task A_time_search_fails_on_damage_it_cannot_rule_out_and_passes_damage_that_is_all_older()
    {
        var (damaged, firstDamaged) = await WriteAndDamageSealedSegmentAsync(keepIndex: false);

        var (store, log) = await OpenWithStreamAsync();
        await using (store)
        {
            // Record p arrived at CreatedAtMs + p; the damaged frame holds position firstDamaged + 2.
            var failure = await Assert.ThrowsAsync<CorruptLogException>(async () => await log.FindPositionByTimeAsync(CreatedAtMs + firstDamaged + 2, default));
            Assert.Equal(damaged, failure.FilePath);
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

    /// <summary>Writes records over several segments with every record arriving 1 ms after the last, flips a bit in the third frame of the second segment, and returns that segment and the first position it holds.</summary>
    private async Task<(string Path, long FirstPosition)> WriteAndDamageSealedSegmentAsync(bool keepIndex)
    {
        var (store, log) = await OpenWithStreamAsync();
        for (var i = 0; i < Count; i++)
        {
            await log.AppendAsync(new[] { Record(i) }, default);
            Clock.Advance(1);
        }

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

        return (damaged, long.Parse(Path.GetFileNameWithoutExtension(damaged), System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Records before the damaged frame and in later segments still read; appends go on at the next position.</summary>
    private static async Task AssertUndamagedPartsReadAsync(IShardLog log, long firstDamaged)
    {
        var before = await log.ReadAsync(new ReadRequest(0, (int)firstDamaged + 2, long.MaxValue, 0), default);
        Assert.Equal(firstDamaged + 2, before.Records.Count);
        Assert.Equal(Payload((int)firstDamaged + 1), Encoding.UTF8.GetString(before.Records[^1].Data.Span));
        await Assert.ThrowsAsync<CorruptLogException>(async () => await log.ReadAsync(new ReadRequest(firstDamaged + 2, 1, long.MaxValue, 0), default));

        var later = await ReadAllAsync(log, Count - 5);
        Assert.Equal(Enumerable.Range(Count - 5, 5).Select(i => (long)i), later.Select(r => r.Position));
        var appended = await log.AppendAsync(new[] { Record(Count) }, default);
        Assert.Equal(Count, appended.FirstPosition);
    }
}
