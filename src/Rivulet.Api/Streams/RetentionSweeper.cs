using Rivulet.Storage;

namespace Rivulet.Api.Streams;

/// <summary>
/// Reclaims space: asks every shard log to let go of records older than its stream's retention
/// period, and finishes deletions whose time has come. Readers never see expired records whether
/// or not a sweep has run (they read above the trim horizon); the sweep only frees storage.
/// </summary>
public sealed class RetentionSweeper
{
    private readonly IStreamStore _store;
    private readonly StreamResolver _streams;
    private readonly KinesisOptions _options;
    private readonly TimeProvider _time;

    public RetentionSweeper(IStreamStore store, KinesisOptions options, TimeProvider? time = null)
    {
        _store = store;
        _streams = new StreamResolver(store);
        _options = options;
        _time = time ?? TimeProvider.System;
    }

    public async Task SweepOnceAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        foreach (var listed in await _store.ListStreamsAsync(null, cancellationToken).ConfigureAwait(false))
        {
            if (listed.Damage is not null)
            {
                continue; // nothing of it is served, and nothing of it is removed automatically
            }

            var context = new RequestContext(listed.Key.AccountId, listed.Key.Region, now);
            var stream = await _streams.FindAsync(context, listed.Key, cancellationToken).ConfigureAwait(false);
            if (stream is null || stream.CreatedAtMs != listed.CreatedAtMs)
            {
                continue;
            }

            var horizon = RetentionPeriod.TrimHorizonMs(stream.RetentionPeriodHours, context.NowMs);
            foreach (var shard in stream.Shards)
            {
                await _store.GetShardLog(stream.Key, stream.CreatedAtMs, shard.Index).TrimAsync(horizon, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Sweeps every <paramref name="interval"/> until cancelled; a failed sweep is reported and the next one tried.</summary>
    public async Task RunAsync(TimeSpan interval, Action<Exception> onError, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    await SweepOnceAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    onError(exception);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }
}
