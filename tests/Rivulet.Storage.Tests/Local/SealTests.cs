namespace Rivulet.Storage.Tests.Local;

/// <summary>A sealed log's end is final only once the appends it accepted before the seal are settled.</summary>
public sealed class SealTests : LocalStoreTestBase
{
    [Fact]
    public async Task An_append_waiting_for_its_sync_completes_after_the_seal_and_the_tail_is_final_only_then()
    {
        var device = new GatedDevice();
        var (store, log) = await OpenWithStreamAsync(device: device, segmentBytes: 1 << 20);
        await using (store)
        {
            await AppendAsync(log, 0, 3);
            device.Close();
            var inFlight = log.AppendAsync(new[] { Record(3) }, default).AsTask();
            await WaitUntilAsync(() => device.Waiting == 1);

            var atSeal = await log.SealAsync(default);
            Assert.False(atSeal.Sealed); // record 3 may still be acknowledged
            Assert.Equal(3, atSeal.NextPosition);
            Assert.Equal(AppendStatus.Sealed, (await log.AppendAsync(new[] { Record(4) }, default)).Status);

            device.Open();
            Assert.Equal(3, (await inFlight).FirstPosition);
            Assert.Equal(new ShardTail(4, Clock.Now, true), log.Tail);
            await AssertHoldsAsync(log, 4);
        }
    }
}
