namespace Rivulet.Storage.Local;

internal sealed partial class LocalShardLog
{
    /// <summary>Group commit, step 1: what this log needs synced in this round (null if nothing).</summary>
    public CommitRound? BeginCommit()
    {
        lock (_gate)
        {
            _commitQueued = false;
            if (_closed || _pending.Count == 0)
            {
                return null;
            }

            var active = _segments[^1];
            active.Lease();
            return new CommitRound(this, active, active.Length, _nextPosition, _lastArrivalMs, _generation);
        }
    }

    /// <summary>Group commit, step 3, after the round's file was synced: acknowledge what it covered, or fail everything unacknowledged.</summary>
    public void EndCommit(CommitRound round)
    {
        try
        {
            lock (_gate)
            {
                if (_closed || round.Generation != _generation)
                {
                    return; // already failed (and rewound) since the round began
                }

                if (round.Failure is { } failure)
                {
                    ReportFailureLocked($"sync of {round.Segment.Path}", failure);
                    FailUnacknowledgedLocked(failure.Message);
                    TryRepairLocked();
                    return;
                }

                round.Segment.SyncedLength = Math.Max(round.Segment.SyncedLength, round.Length);
                round.Segment.AcknowledgedLength = Math.Max(round.Segment.AcknowledgedLength, round.Length);
                AcknowledgeLocked(round.NextPosition, round.LastArrivalMs);
                CheckpointIfDueLocked(round.Segment, round.Length, round.NextPosition - 1, round.LastArrivalMs);
            }
        }
        finally
        {
            round.Segment.Release();
        }
    }

    /// <summary>The background sync of <see cref="FsyncMode.Interval"/>: appends are already acknowledged, so a failure is only reported.</summary>
    public void SyncWritten()
    {
        Segment segment;
        long length, lastPosition, lastArrivalMs;
        lock (_gate)
        {
            if (_closed || _segments.Count == 0 || _segments[^1].SyncedLength >= _segments[^1].Length)
            {
                return;
            }

            segment = _segments[^1];
            (length, lastPosition, lastArrivalMs) = (segment.Length, _nextPosition - 1, _lastArrivalMs);
            segment.Lease();
        }

        try
        {
            segment.File.Sync();
            lock (_gate)
            {
                segment.SyncedLength = Math.Max(segment.SyncedLength, length);
                CheckpointIfDueLocked(segment, length, lastPosition, lastArrivalMs);
                if (_backgroundSyncFailing)
                {
                    _backgroundSyncFailing = false;
                    _store.Report($"rivulet storage: {_name}: background syncs succeed again");
                }
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            lock (_gate)
            {
                // Appends keep succeeding meanwhile, so this has its own run of failures: one line until a sync works.
                if (!_backgroundSyncFailing)
                {
                    _backgroundSyncFailing = true;
                    _store.Report($"rivulet storage: {_name}: background sync of {segment.Path} failed: {exception.Message}; appends acknowledged since the last good sync are not yet on stable storage");
                }
            }
        }
        finally
        {
            segment.Release();
        }
    }

    /// <summary>
    /// Under a syncing policy, saves the active segment's index up to <paramref name="length"/> bytes
    /// (just synced) every eighth of a segment, so that recovery after a crash scans only what was
    /// written since.
    /// </summary>
    private void CheckpointIfDueLocked(Segment segment, long length, long lastPosition, long lastArrivalMs)
    {
        if (segment.Retired || segment != _segments[^1] || length - segment.CheckpointLength < CheckpointIntervalBytes)
        {
            return;
        }

        TryCheckpointLocked(segment, length, lastPosition, lastArrivalMs);
    }

    /// <summary>At a clean close, saves the active segment's index so that the next open scans nothing.</summary>
    public void CheckpointForClose()
    {
        lock (_gate)
        {
            if (_closed || _needsRepair || _segments.Count == 0)
            {
                return;
            }

            var active = _segments[^1];
            var durable = !_store.Syncs || active.SyncedLength >= active.Length;
            if (durable && active.Length == active.AcknowledgedLength && active.Length > active.CheckpointLength)
            {
                TryCheckpointLocked(active, active.Length, _acknowledgedNext - 1, _acknowledgedLastArrivalMs);
            }
        }
    }

    private long CheckpointIntervalBytes => Math.Max(_store.Options.SegmentBytes / 8, _store.Options.IndexIntervalBytes);

    private void TryCheckpointLocked(Segment segment, long length, long lastPosition, long lastArrivalMs)
    {
        try
        {
            SegmentSidecar.Write(_store.Device, segment, length, lastPosition, lastArrivalMs, sync: false);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // Only costs time: the next open scans more of this segment. A full disk reports itself through appends.
        }
    }
}
