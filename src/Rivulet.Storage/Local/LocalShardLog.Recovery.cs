using System.Globalization;

namespace Rivulet.Storage.Local;

internal sealed partial class LocalShardLog
{
    private const int RecoveryBufferBytes = 1 << 20;

    /// <summary>
    /// Opens a shard directory after a clean shutdown or a crash. Sealed segments load their index
    /// sidecar (a few KiB each) or, without a valid one, are scanned and get one. The last segment
    /// loads its checkpoint (the index of a prefix already synced; all of it after a clean close) and
    /// is scanned frame by frame from there.
    ///
    /// A frame that is short, has an impossible length, fails its CRC or does not hold the next
    /// position is damage if whole frames follow it (<see cref="FrameResync"/>): it is reported with
    /// its file and offset, reads step over it, and the records after it stay readable. A tear from a
    /// crash can only be at the end, so a bad frame in the last segment that no whole frame follows is
    /// a torn tail: it and everything after it is cut off. In a sealed segment (synced before the next
    /// one started) it is damage to the end of that segment. Positions continue after the last valid
    /// record, so none that was handed out is handed out again.
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
                if (!log._segments[i].IsEmpty)
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
        var file = _store.Segments.Open(path, FileMode.Open);
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
            segment.Recovered(length);
            segment.AddDamage(DamagedRange.RestOfSegment(valid, length));
            _store.Report(string.Create(CultureInfo.InvariantCulture,
                $"rivulet storage: {_name}: {path} is damaged from byte {valid} to its end ({problem}); the records held there, from position {segment.LastPosition + 1} up to the next segment's first, are lost and reads step over them"));
        }

        if (!isLast)
        {
            segment.Seal();

            // A damaged segment keeps no sidecar, so every start scans it again and reports the damage.
            if (segment.Damage.Length == 0)
            {
                TrySaveIndex(segment);
            }
        }
    }

    /// <summary>Checks that each segment starts where the one before it ends, unless the one before is damaged to its end.</summary>
    private void CheckContinuity()
    {
        for (var i = 1; i < _segments.Count; i++)
        {
            var previous = _segments[i - 1];
            var current = _segments[i];
            var damage = previous.Damage;
            var lostToEnd = damage.Length > 0 && damage[^1].ToEnd;
            if (previous.LastPosition + 1 != current.FirstPosition && !lostToEnd)
            {
                _store.Report(string.Create(CultureInfo.InvariantCulture,
                    $"rivulet storage: {_name}: {previous.Path} ends at position {previous.LastPosition} but {current.Path} starts at position {current.FirstPosition}; reads step over what is missing between them"));
            }
        }
    }

    /// <summary>
    /// Checks and indexes frames from <see cref="Segment.Length"/> (0, or where a checkpoint ends) to
    /// the end, stepping over damage that whole frames follow; returns where the last whole frame
    /// ends and, when a bad frame is not followed by any, what is wrong with it.
    /// </summary>
    private (long Valid, string? Problem) Scan(Segment segment, long length)
    {
        using var cursor = new FrameCursor(segment.File, segment.Length, RecoveryBufferBytes, length);
        var expected = segment.LastPosition + 1;
        var lastArrival = segment.IsEmpty ? long.MinValue : segment.LastArrivalMs;
        var resumed = false;
        while (true)
        {
            var offset = cursor.Offset;
            var status = cursor.Next(out var frame);
            if (status == FrameStatus.End)
            {
                return (offset, null);
            }

            var problem = status switch
            {
                FrameStatus.Short => "a frame cut short",
                FrameStatus.BadLength => "an impossible frame length",
                FrameStatus.BadChecksum => "a frame failing its CRC-32C check",
                _ when frame.Position != expected => string.Create(CultureInfo.InvariantCulture, $"position {frame.Position} where {expected} belongs"),
                _ when frame.ArrivalMs < lastArrival => "an arrival time earlier than the record before",
                _ => null,
            };

            if (problem is null)
            {
                // The first frame after damage gets an index entry, so reads of later positions start past the damage.
                segment.Add(frame.Position, frame.ArrivalMs, offset, _store.Options.IndexIntervalBytes, indexed: resumed);
                lastArrival = frame.ArrivalMs;
                expected++;
                resumed = false;
                continue;
            }

            if (!FrameResync.TryFind(segment.File, offset, length, expected, lastArrival, long.MaxValue, out var resumeOffset, out var resumePosition))
            {
                return (offset, problem);
            }

            segment.AddDamage(new DamagedRange(offset, resumeOffset, resumePosition));
            _store.Report(string.Create(CultureInfo.InvariantCulture,
                $"rivulet storage: {_name}: {segment.Path} is damaged at byte {offset} ({problem}); {DescribeLoss(expected, resumePosition)}, and the records from position {resumePosition} at byte {resumeOffset} on are kept"));
            cursor.Reset(segment.File, resumeOffset, length);
            expected = resumePosition;
            resumed = true;
        }
    }

    private static string DescribeLoss(long first, long resume) => resume == first
        ? "no record is lost"
        : resume == first + 1
            ? string.Create(CultureInfo.InvariantCulture, $"the record of position {first} is lost")
            : string.Create(CultureInfo.InvariantCulture, $"the records of positions {first} to {resume - 1} are lost");

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
