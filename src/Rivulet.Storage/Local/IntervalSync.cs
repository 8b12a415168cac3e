namespace Rivulet.Storage.Local;

/// <summary>
/// The background loop of <see cref="FsyncMode.Interval"/>: every interval, sync each log's active file if it
/// has unsynced bytes. The interval is real time, whatever clock stamps arrival times.
/// </summary>
internal sealed class IntervalSync
{
    private readonly Func<IEnumerable<LocalShardLog>> _logs;
    private readonly StoreContext _store;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public IntervalSync(StoreContext store, Func<IEnumerable<LocalShardLog>> logs)
    {
        _store = store;
        _logs = logs;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Stops the loop and syncs once more.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        SyncAll();
        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(_store.Options.FsyncPolicy.IntervalMs));
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                SyncAll();
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }

    private void SyncAll()
    {
        foreach (var log in _logs())
        {
            try
            {
                log.SyncWritten();
            }
            catch (Exception exception)
            {
                _store.Report($"rivulet storage: the background sync failed: {exception}");
            }
        }
    }
}
