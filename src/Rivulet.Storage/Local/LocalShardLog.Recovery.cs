using System.Globalization;

namespace Rivulet.Storage.Local;

internal sealed partial class LocalShardLog
{
    private const int RecoveryBufferBytes = 1 << 20;

    /// <summary>
    /// Opens a shard directory after a clean shutdown or a crash. Sealed segments load their index
    /// sidecar (a few KiB each) or, without a valid one, are scanned and get one. The last segment
    /// loads its checkpoint (the index of a prefix already synced; all of it after a clean close) and
    /// is scanned frame by frame from there: the first frame that is short, has an impossible length,
    /// fails its CRC or does not hold the next position is a torn tail from a crash, and it and
    /// everything after it is cut off. Positions continue after the last valid record. A bad frame in
    /// a sealed segment is not a torn tail (a segment is synced before the next one starts): it is
    /// reported and kept, and reads that reach it throw <see cref="CorruptLogException"/>.
    /// </summary>
    public static LocalShardLog Recover(StoreContext store, string directory, string name)
    {
        var log = new LocalShardLog(store, directory, name) { _directoryReady = true };
        var found = new List<(long First, string Path)>();
        foreach (var path in Directory.EnumerateFiles(directory))
        {
            if (StoreLayout.TryParseSegmentFileName(Path.GetFileName(path), out var first))
            {
                found.Add((first, path));
            }
            else if (path.EndsWith(".idx", StringComparison.Ordinal) && !File.Exists(Path.ChangeExtension(path, StoreLayout.SegmentExtension)))
            {
                File.Delete(path);
            }
        }

        found.Sort();
        try
        {
            for (var i = 0; i < found.Count; i++)
            {
                log.RecoverSegment(found[i].First, found[i].Path, isLast: i == found.Count - 1);
            }
        }
        catch
        {
            log.Close("recovery failed");
            throw;
        }

        log.CheckContinuity();
        if (log._segments.Count > 0)
        {
            var last = log._segments[^1];
            log._nextPosition = log._acknowledgedNext = last.LastPosition + 1;
            for (var i = log._segments.Count - 1; i >= 0; i--)
            {
                if (!log._segments[i].IsEmpty && !log._segments[i].Damaged)
                {
                    log._lastArrivalMs = log._acknowledgedLastArrivalMs = log._segments[i].LastArrivalMs;
                    break;
                }
            }

        }

        return log;
    }

    private void RecoverSegment(long first, string path, bool isLast)
    {
        var file = _store.Device.Open(path, FileMode.Open);
        var segment = new Segment(path, first, file);
        _segments.Add(segment);
        var length = file.Length;
        if (SegmentSidecar.TryLoad(_store.Device, segment, length, prefix: isLast))
        {
            if (!isLast)
            {
                segment.Seal();
                return;
            }
        }

        var (valid, problem) = Scan(segment, length);
        if (problem is null)
        {
            segment.Recovered(valid);
            if (!isLast)
            {
                segment.Seal();
                TrySaveIndex(segment);
            }
        }
        else if (isLast)
        {
            file.Truncate(valid);
            if (_store.Syncs)
            {
                file.Sync();
            }

            segment.Recovered(valid);
            _store.Report(string.Create(CultureInfo.InvariantCulture,
                $"rivulet storage: {_name}: cut a torn tail of {length - valid} bytes at byte {valid} of {path} ({problem}); the log continues at position {segment.LastPosition + 1}"));
        }
        else
        {
            segment.MarkDamaged(length, long.MaxValue);
            _store.Report(string.Create(CultureInfo.InvariantCulture,
                $"rivulet storage: {_name}: {path} is damaged at byte {valid} ({problem}); records from position {segment.LastPosition + 1} to the end of that segment cannot be read and reads that reach them will fail"));
        }
    }

    /// <summary>Checks that each segment starts where the one before it ends, and bounds the arrival times of damaged segments.</summary>
    private void CheckContinuity()
    {
        for (var i = 1; i < _segments.Count; i++)
        {
            var previous = _segments[i - 1];
            var current = _segments[i];
            if (previous.Damaged)
            {
                var bound = long.MaxValue;
                for (var j = i; j < _segments.Count; j++)
                {
                    if (!_segments[j].IsEmpty && !_segments[j].Damaged)
                    {
                        bound = _segments[j].FirstArrivalMs;
                        break;
                    }
                }

                previous.MarkDamaged(previous.Length, bound);
            }
            else if (previous.LastPosition + 1 != current.FirstPosition)
            {
                _store.Report(string.Create(CultureInfo.InvariantCulture,
                    $"rivulet storage: {_name}: {previous.Path} ends at position {previous.LastPosition} but {current.Path} starts at position {current.FirstPosition}; reads across that point will fail"));
            }
        }
    }

    /// <summary>Checks and indexes frames from <see cref="Segment.Length"/> (0, or where a checkpoint ends) to the first bad one or the end.</summary>
    private (long Valid, string? Problem) Scan(Segment segment, long length)
    {
        using var cursor = new FrameCursor(segment.File, segment.Length, RecoveryBufferBytes, length);
        var expected = segment.LastPosition + 1;
        var lastArrival = segment.IsEmpty ? long.MinValue : segment.LastArrivalMs;
        while (true)
        {
            var offset = cursor.Offset;
            var status = cursor.Next(out var frame);
            switch (status)
            {
                case FrameStatus.End:
                    return (offset, null);
                case FrameStatus.Short:
                    return (offset, "a frame cut short");
                case FrameStatus.BadLength:
                    return (offset, "an impossible frame length");
                case FrameStatus.BadChecksum:
                    return (offset, "a frame failing its CRC-32C check");
            }

            if (frame.Position != expected)
            {
                return (offset, string.Create(CultureInfo.InvariantCulture, $"position {frame.Position} where {expected} belongs"));
            }

            if (frame.ArrivalMs < lastArrival)
            {
                return (offset, "an arrival time earlier than the record before");
            }

            segment.Add(frame.Position, frame.ArrivalMs, offset, _store.Options.IndexIntervalBytes);
            lastArrival = frame.ArrivalMs;
            expected++;
        }
    }

    private void TrySaveIndex(Segment segment)
    {
        try
        {
            SegmentSidecar.Write(_store.Device, segment, _store.Syncs);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            _store.Report($"rivulet storage: {_name}: could not save the index of {segment.Path} ({exception.Message}); the next start scans it again");
        }
    }
}
