namespace Rivulet.Storage.Local;

internal sealed partial class LocalShardLog
{
    public ValueTask<AppendResult> AppendAsync(ReadOnlyMemory<PendingRecord> records, CancellationToken cancellationToken)
    {
        using var batch = AppendBatch.Measure(records);
        lock (_gate)
        {
            if (_closing)
            {
                return new(_refusal);
            }

            if (_sealed)
            {
                return new(AppendResult.SealedLog);
            }

            var arrival = Math.Max(_store.NowMs, _lastArrivalMs);
            if (batch.Count == 0)
            {
                return new(new AppendResult(AppendStatus.Appended, _nextPosition, arrival));
            }

            if ((_needsRepair && !TryRepairLocked()) || !TryPrepareSegmentLocked())
            {
                return new(AppendResult.Failed(_lastFailure));
            }

            var segment = _segments[^1];
            var first = _nextPosition;
            var start = segment.Length;
            try
            {
                batch.WriteTo(segment.File, start, first, arrival);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // The write may have left part of a frame behind: cut the file back to the frames before it.
                ReportFailureLocked($"write to {segment.Path}", exception);
                _needsRepair = true;
                TryRepairLocked();
                return new(AppendResult.Failed(exception.Message));
            }

            for (var i = 0; i < batch.Count; i++)
            {
                segment.Add(first + i, arrival, start + batch.OffsetOf(i), _store.Options.IndexIntervalBytes);
            }

            segment.Length = start + batch.TotalBytes;
            _nextPosition = first + batch.Count;
            _lastArrivalMs = arrival;
            NoteSuccessLocked();
            var result = new AppendResult(AppendStatus.Appended, first, arrival);
            if (_store.GroupCommit is { } groupCommit)
            {
                var completion = new TaskCompletionSource<AppendResult>(TaskCreationOptions.RunContinuationsAsynchronously);
                _pending.Enqueue(new PendingAppend(_nextPosition, result, completion));
                if (!_commitQueued)
                {
                    _commitQueued = true;
                    groupCommit.Schedule(this);
                }

                return new(completion.Task);
            }

            segment.AcknowledgedLength = segment.Length;
            AcknowledgeLocked(_nextPosition, arrival);
            return new(result);
        }
    }

    /// <summary>Makes sure there is an active segment with room: the first one, or a new one once the active one is full.</summary>
    private bool TryPrepareSegmentLocked()
    {
        if (_segments.Count == 0)
        {
            return TryCreateSegmentLocked();
        }

        var active = _segments[^1];
        return active.Length < _store.Options.SegmentBytes || active.IsEmpty || TryRollLocked(active);
    }

    /// <summary>
    /// Seals the active segment and starts the next. The sealed segment is synced first and its
    /// appends acknowledged, so that under a syncing policy every segment but the last is complete
    /// on disk and only the last can ever have a torn tail.
    /// </summary>
    private bool TryRollLocked(Segment active)
    {
        if (!TrySyncActiveLocked(active))
        {
            TryRepairLocked();
            return false;
        }

        active.AcknowledgedLength = active.Length;
        AcknowledgeLocked(_nextPosition, _lastArrivalMs);
        active.Seal();
        try
        {
            SegmentSidecar.Write(_store.Device, active, _store.Syncs);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // Only costs time: the next open scans this segment instead of reading its index.
            _store.Report($"rivulet storage: {_name}: could not save the index of {active.Path} ({exception.Message}); the next start scans the segment instead");
        }

        return TryCreateSegmentLocked();
    }

    private bool TryCreateSegmentLocked()
    {
        var path = Path.Combine(_directory, StoreLayout.SegmentFileName(_nextPosition));
        ILogFile? file = null;
        var empty = false;
        try
        {
            if (!_directoryReady)
            {
                // Only the shard's own directory, never its stream's: a stream directory that is gone was deleted.
                _store.CreateShardDirectoryDurably(_directory);
                _directoryReady = true;
            }

            // An empty file of this name is a leftover of an earlier failed attempt; one with data would be a bug, never overwritten.
            file = _store.Segments.Open(path, FileMode.OpenOrCreate);
            if (file.Length != 0)
            {
                throw new IOException($"A segment file with data already exists at '{path}'.");
            }

            empty = true;

            if (_store.Syncs)
            {
                _store.Device.SyncDirectory(_directory);
            }

            _segments.Add(new Segment(path, _nextPosition, file));
            return true;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            file?.Dispose();
            ReportFailureLocked($"creating {path}", exception);
            if (empty)
            {
                // Its name may not be durable; an empty file would only be in the way of the next attempt's listing.
                TryDeleteEmpty(path);
            }

            return false;
        }
    }

    private void TryDeleteEmpty(string path)
    {
        try
        {
            if (new FileInfo(path) is { Exists: true, Length: 0 })
            {
                File.Delete(path);
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            _store.Report($"rivulet storage: {_name}: could not remove the empty segment file {path}: {exception.Message}");
        }
    }

    /// <summary>
    /// After a failed sync nothing written since the last acknowledgement can be trusted to reach
    /// the disk: fail those appends and rewind the written tail to the acknowledged one. They all
    /// sit in the last segment, because rolling acknowledges everything before it.
    /// </summary>
    private void FailUnacknowledgedLocked(string reason)
    {
        if (_nextPosition == _acknowledgedNext && _pending.Count == 0)
        {
            return;
        }

        var failed = new List<TaskCompletionSource<AppendResult>>(_pending.Count);
        while (_pending.TryDequeue(out var pending))
        {
            failed.Add(pending.Completion);
        }

        _generation++;
        var active = _segments[^1];
        active.Rewind(active.AcknowledgedLength, _acknowledgedNext - 1, _acknowledgedLastArrivalMs);
        _nextPosition = _acknowledgedNext;
        _lastArrivalMs = _acknowledgedLastArrivalMs;
        _needsRepair = true;

        // Cut the file back before any appender hears of the failure, so what it looks at next is the repaired log.
        TryRepairLocked();
        foreach (var completion in failed)
        {
            completion.TrySetResult(AppendResult.Failed(reason));
        }
    }

    /// <summary>Cuts the active file back to the frames the log keeps and, unless the policy never syncs, makes the cut durable.</summary>
    private bool TryRepairLocked()
    {
        if (_segments.Count == 0)
        {
            _needsRepair = false;
            return true;
        }

        var active = _segments[^1];
        try
        {
            active.File.Truncate(active.Length);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            ReportFailureLocked($"cutting {active.Path} back to {active.Length} bytes", exception);
            _needsRepair = true;
            return false;
        }

        if (!TrySyncActiveLocked(active))
        {
            _needsRepair = true;
            return false;
        }

        _needsRepair = false;
        return true;
    }

    /// <summary>
    /// Under a syncing policy, makes the active file durable. A failed sync is reported and fails every
    /// unacknowledged append, since the kernel may have dropped their pages.
    /// </summary>
    private bool TrySyncActiveLocked(Segment active)
    {
        if (!_store.Syncs)
        {
            return true;
        }

        try
        {
            active.File.Sync();
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            ReportFailureLocked($"sync of {active.Path}", exception);
            FailUnacknowledgedLocked(exception.Message);
            return false;
        }

        active.SyncedLength = active.Length;
        return true;
    }
}
