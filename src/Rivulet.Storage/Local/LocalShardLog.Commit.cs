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
        long length;
        lock (_gate)
        {
            if (_closed || _segments.Count == 0 || _segments[^1].SyncedLength >= _segments[^1].Length)
            {
                return;
            }

            segment = _segments[^1];
            length = segment.Length;
            segment.Lease();
        }

        try
        {
            segment.File.Sync();
            lock (_gate)
            {
                segment.SyncedLength = Math.Max(segment.SyncedLength, length);
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            lock (_gate)
            {
                ReportFailureLocked($"background sync of {segment.Path}", exception);
            }
        }
        finally
        {
            segment.Release();
        }
    }
}
