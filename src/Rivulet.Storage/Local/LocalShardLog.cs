namespace Rivulet.Storage.Local;

/// <summary>
/// One shard's log on disk: a directory of segment files, each an append-only run of
/// <see cref="RecordFrame"/>s named after its first position. Only the last segment takes appends;
/// every earlier one is sealed, synced (unless the policy never syncs) and has an index sidecar.
///
/// Two tails: the written one (<see cref="_nextPosition"/>) and the acknowledged one
/// (<see cref="_acknowledgedNext"/>). Under <see cref="FsyncMode.Always"/> a record is acknowledged
/// once a sync covering it succeeded; under the other policies as soon as it is written. Readers,
/// waiters and <see cref="Tail"/> see only acknowledged records, so a failed sync can rewind the
/// written tail (dense positions, nothing half-written left behind) without anyone having seen
/// what it drops.
/// </summary>
internal sealed partial class LocalShardLog : IShardLog
{
    private readonly Lock _gate = new();
    private readonly StoreContext _store;
    private readonly string _directory;
    private readonly string _name;
    private readonly List<Segment> _segments = [];
    private readonly Queue<PendingAppend> _pending = new();
    private readonly LogGrowth _appended = new();

    private long _nextPosition;
    private long _lastArrivalMs;
    private long _acknowledgedNext;
    private long _acknowledgedLastArrivalMs;

    /// <summary>Bumped whenever unacknowledged appends are failed, so that a commit round begun before cannot acknowledge them.</summary>
    private int _generation;
    private bool _directoryReady;
    private bool _commitQueued;
    private bool _needsRepair;
    private string _lastFailure = "";
    private bool _failing;
    private int _failuresNotLogged;
    private bool _backgroundSyncFailing;
    private bool _closing;
    private bool _closed;

    /// <summary>The shard was closed: appends answer <see cref="AppendStatus.Sealed"/>. Kept in memory only (see <see cref="IShardLog.SealAsync"/>).</summary>
    private bool _sealed;

    /// <summary>Why the log could not be opened: reads fail with it rather than answer as if the shard were empty.</summary>
    private string? _unavailable;

    /// <summary>What appends get once the log is closing: a storage failure, or <see cref="AppendStatus.StreamDeleted"/>.</summary>
    private AppendResult _refusal = AppendResult.Failed("the log is closed");

    public LocalShardLog(StoreContext store, string directory, string name)
    {
        _store = store;
        _directory = directory;
        _name = name;
    }

    public ShardTail Tail
    {
        get
        {
            lock (_gate)
            {
                return TailLocked();
            }
        }
    }

    /// <summary>Bytes of the log's segment files.</summary>
    public long BytesOnDisk
    {
        get
        {
            lock (_gate)
            {
                long bytes = 0;
                foreach (var segment in _segments)
                {
                    bytes += segment.Length;
                }

                return bytes;
            }
        }
    }

    public ValueTask<ShardTail> SealAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_sealed)
            {
                _sealed = true;
                _appended.Signal();
            }

            return new(TailLocked());
        }
    }

    private ShardTail TailLocked() => new(_acknowledgedNext, _acknowledgedLastArrivalMs, _sealed && _nextPosition == _acknowledgedNext && _pending.Count == 0);

    public ValueTask<bool> WaitAsync(long position, CancellationToken cancellationToken) =>
        LogGrowth.WaitAsync(
            () =>
            {
                lock (_gate)
                {
                    return position < _acknowledgedNext || _sealed ? null : _appended.Next;
                }
            },
            cancellationToken);

    /// <summary>A log of a stream incarnation that is gone (or never was): appends answer <see cref="AppendStatus.StreamDeleted"/>, reads find nothing.</summary>
    public static LocalShardLog Deleted(StoreContext store)
    {
        var log = new LocalShardLog(store, "", "");
        lock (log._gate)
        {
            log.CloseLocked(AppendResult.Deleted);
        }

        return log;
    }

    /// <summary>A log that refuses appends as a storage failure: the stream's metadata is damaged.</summary>
    public static LocalShardLog Unavailable(StoreContext store, string reason)
    {
        var log = new LocalShardLog(store, "", "") { _unavailable = reason };
        log.Close(reason);
        return log;
    }

    /// <summary>
    /// Removes a stream's logs together with its directory: <paramref name="remove"/> (the rename of
    /// the directory) runs while every log's lock is held, after their queued appends were settled
    /// (synced and acknowledged, or failed and cut off), and the logs are closed before the locks go.
    /// So no append is acknowledged into files that were renamed away, and none is left pending to be
    /// acknowledged or failed later. If <paramref name="remove"/> throws, the logs are left as they
    /// were and keep taking appends. Only one caller at a time takes several logs' locks (the store's
    /// metadata lock is held), so there is no lock order to get wrong.
    /// </summary>
    public static void RemoveTogether(IReadOnlyList<LocalShardLog> logs, Action remove)
    {
        var entered = 0;
        try
        {
            foreach (var log in logs)
            {
                log._gate.Enter();
                entered++;
                log.SettlePendingLocked();
            }

            remove();
            foreach (var log in logs)
            {
                log.CloseLocked(AppendResult.Deleted);
            }
        }
        finally
        {
            for (var i = entered - 1; i >= 0; i--)
            {
                logs[i]._gate.Exit();
            }
        }
    }

    /// <summary>Refuses new appends; the ones already written still get their commit.</summary>
    public void BeginClose()
    {
        lock (_gate)
        {
            _closing = true;
            _refusal = AppendResult.Failed("the store is closing");
        }
    }

    /// <summary>Fails whatever is still unacknowledged and lets go of the files (readers in progress finish first).</summary>
    public void Close(string reason)
    {
        lock (_gate)
        {
            CloseLocked(AppendResult.Failed(reason));
        }
    }

    /// <summary>From now on every append answers <paramref name="refusal"/>.</summary>
    private void CloseLocked(AppendResult refusal)
    {
        if (_closed)
        {
            return;
        }

        _closing = _closed = true;
        _refusal = refusal;
        while (_pending.TryDequeue(out var pending))
        {
            pending.Completion.TrySetResult(refusal);
        }

        foreach (var segment in _segments)
        {
            segment.Retire();
        }

        _segments.Clear();
    }

    /// <summary>
    /// Under group commit, does the commit round for the appends written but not yet acknowledged
    /// now, on this thread: acknowledges them if the sync succeeds, fails and cuts them off if not.
    /// </summary>
    private void SettlePendingLocked()
    {
        if (_closed || _pending.Count == 0 || _segments.Count == 0)
        {
            return;
        }

        var active = _segments[^1];
        if (TrySyncActiveLocked(active))
        {
            active.AcknowledgedLength = active.Length;
            AcknowledgeLocked(_nextPosition, _lastArrivalMs);
        }
    }

    /// <summary>Acknowledges everything up to <paramref name="next"/> and wakes appenders and waiters.</summary>
    private void AcknowledgeLocked(long next, long lastArrivalMs)
    {
        if (next <= _acknowledgedNext)
        {
            return;
        }

        _acknowledgedNext = next;
        _acknowledgedLastArrivalMs = lastArrivalMs;
        while (_pending.TryPeek(out var pending) && pending.EndPosition <= next)
        {
            _pending.Dequeue();
            pending.Completion.TrySetResult(pending.Result);
        }

        // Continuations run asynchronously (see the TaskCompletionSource options), so completing under the lock is safe.
        _appended.Signal();
    }

    /// <summary>One line per run of failures, so that a full disk does not flood the log.</summary>
    private void ReportFailureLocked(string what, Exception exception)
    {
        _lastFailure = exception.Message;
        if (_failing)
        {
            _failuresNotLogged++;
            return;
        }

        _failing = true;
        _store.Report($"rivulet storage: {_name}: {what} failed: {exception.Message}; the appends it affected were not acknowledged, nothing acknowledged is lost, and appends are retried as they come");
    }

    private void NoteSuccessLocked()
    {
        if (_failing)
        {
            _failing = false;
            _store.Report($"rivulet storage: {_name}: appends succeed again ({_failuresNotLogged} further failures were not logged)");
            _failuresNotLogged = 0;
        }
    }

    private readonly record struct PendingAppend(long EndPosition, AppendResult Result, TaskCompletionSource<AppendResult> Completion);
}
