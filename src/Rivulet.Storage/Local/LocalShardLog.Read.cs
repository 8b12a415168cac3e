using System.Globalization;
using System.Text;

namespace Rivulet.Storage.Local;

internal sealed partial class LocalShardLog
{
    /// <summary>The scan buffer of a read: one index interval plus some, so a seek usually needs one read call.</summary>
    private const int ReadBufferBytes = 128 << 10;

    public ValueTask<ReadResult> ReadAsync(ReadRequest request, CancellationToken cancellationToken)
    {
        LogScanner scanner;
        long from;
        ShardTail tail;
        lock (_gate)
        {
            ThrowIfUnavailableLocked();
            tail = TailLocked();
            from = Math.Max(request.FromPosition, FirstKeptLocked());
            if (_closed || from >= _acknowledgedNext || request.MaxRecords <= 0)
            {
                return new(new ReadResult([], from, tail));
            }

            if (!TryLocateLocked(from, request.MinArrivalMs, out var segmentIndex, out var start))
            {
                // Everything from here on arrived before the retention horizon.
                return new(new ReadResult([], _acknowledgedNext, tail));
            }

            scanner = new LogScanner(this, segmentIndex, start, _acknowledgedNext);
        }

        var records = new List<StoredRecord>(Math.Min(request.MaxRecords, 256));
        var next = from;
        long bytes = 0;
        using (scanner)
        {
            while (records.Count < request.MaxRecords)
            {
                if (!scanner.TryNext(out var frame))
                {
                    next = Math.Max(next, scanner.Position);
                    break;
                }

                if (frame.Position < from)
                {
                    continue;
                }

                if (frame.ArrivalMs >= request.MinArrivalMs)
                {
                    var size = frame.Key.Length + frame.Data.Length;
                    if (records.Count > 0 && bytes + size > request.MaxBytes)
                    {
                        break;
                    }

                    records.Add(new StoredRecord(frame.Position, frame.ArrivalMs, Encoding.UTF8.GetString(frame.Key), frame.Data.ToArray()));
                    bytes += size;
                }

                next = frame.Position + 1;
            }
        }

        return new(new ReadResult(records, next, tail));
    }

    public ValueTask<long> FindPositionByTimeAsync(long timestampMs, CancellationToken cancellationToken)
    {
        LogScanner scanner;
        lock (_gate)
        {
            ThrowIfUnavailableLocked();
            var first = FirstKeptLocked();
            if (_closed || first >= _acknowledgedNext || !TryLocateLocked(first, timestampMs, out var segmentIndex, out var start))
            {
                return new(_acknowledgedNext);
            }

            scanner = new LogScanner(this, segmentIndex, start, _acknowledgedNext);
        }

        using (scanner)
        {
            while (scanner.TryNext(out var frame))
            {
                if (frame.ArrivalMs >= timestampMs)
                {
                    return new(frame.Position);
                }
            }

            return new(scanner.Position);
        }
    }

    /// <summary>
    /// Deletes whole sealed segments whose newest record arrived before the cut, oldest first; the
    /// active segment always stays. Readers already skip older records by their own horizon.
    /// </summary>
    public ValueTask<long> TrimAsync(long arrivalBeforeMs, CancellationToken cancellationToken)
    {
        long firstKept;
        lock (_gate)
        {
            while (_segments.Count > 1 && _segments[0].LastArrivalMs < arrivalBeforeMs)
            {
                _segments[0].Retire(DeleteExpired);
                _segments.RemoveAt(0);
            }

            firstKept = FirstKeptLocked();
        }

        return new(firstKept);
    }

    /// <summary>Runs once the last read in an expired segment is done (at once when there is none).</summary>
    private void DeleteExpired(Segment segment)
    {
        try
        {
            File.Delete(segment.Path);
            File.Delete(SegmentSidecar.PathOf(segment.Path));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            _store.Report($"rivulet storage: {_name}: could not delete the expired segment {segment.Path}: {exception.Message}");
        }
    }

    private void ThrowIfUnavailableLocked()
    {
        if (_unavailable is { } reason)
        {
            throw new IOException(reason);
        }
    }

    private long FirstKeptLocked() => _segments.Count > 0 ? _segments[0].FirstPosition : _acknowledgedNext;

    /// <summary>
    /// Where to start scanning for the first record at or after <paramref name="position"/> that
    /// arrived at or after <paramref name="minArrivalMs"/>: the later of the index entry before the
    /// position and the index entry before the time. Either way the wanted record is at most one
    /// index interval further, so no read scans more than that to find its start. False when every
    /// record from the position on arrived too early.
    /// </summary>
    private bool TryLocateLocked(long position, long minArrivalMs, out int segmentIndex, out IndexEntry start)
    {
        segmentIndex = SegmentIndexOfLocked(position);
        var segment = _segments[segmentIndex];
        start = segment.Index.IsEmpty ? new IndexEntry(segment.FirstPosition, 0, 0) : segment.EntryAtOrBefore(position);
        if (!segment.Index.IsEmpty && start.ArrivalMs >= minArrivalMs)
        {
            return true;
        }

        for (var i = segmentIndex; i < _segments.Count; i++)
        {
            var candidate = _segments[i];
            if (candidate.Index.IsEmpty || candidate.LastArrivalMs < minArrivalMs)
            {
                continue;
            }

            var byTime = candidate.LastEntryBefore(minArrivalMs);
            if (i > segmentIndex || byTime.Position > start.Position)
            {
                segmentIndex = i;
                start = byTime;
            }

            return true;
        }

        return false;
    }

    /// <summary>The last segment whose first position is at or before <paramref name="position"/>.</summary>
    private int SegmentIndexOfLocked(long position)
    {
        int low = 0, high = _segments.Count - 1;
        while (low < high)
        {
            var middle = (low + high + 1) / 2;
            if (_segments[middle].FirstPosition <= position)
            {
                low = middle;
            }
            else
            {
                high = middle - 1;
            }
        }

        return low;
    }

    /// <summary>Where the positions of segment <paramref name="index"/> end: the next segment's first, or the acknowledged tail.</summary>
    private long SegmentEndLocked(int index, long limit) =>
        index + 1 < _segments.Count ? Math.Min(_segments[index + 1].FirstPosition, limit) : limit;

    /// <summary>
    /// Where a read goes on after a frame that fails its checks at <paramref name="offset"/>: damage
    /// known there since recovery or an earlier read, or else the next whole frame
    /// (<see cref="FrameResync"/>) or the end of the segment. New damage is reported once, naming the file
    /// and offset. Called outside the log's lock with a lease on <paramref name="segment"/>.
    /// </summary>
    private DamagedRange StepOverDamage(Segment segment, long offset, long expectedPosition, long lastArrivalMs, long segmentEnd, string problem)
    {
        // The file may be longer than the acknowledged log (the active segment takes appends meanwhile);
        // positions at or past the segment's end are not searched for. Damage that reached the end of
        // the file when it was found is looked at again once the file has grown past it.
        var length = segment.File.Length;
        if (segment.TryGetDamageAt(offset, out var known) && (!known.ToEnd || length <= known.ResumeOffset))
        {
            return known;
        }

        var range = FrameResync.TryFind(segment.File, offset, length, expectedPosition, lastArrivalMs, segmentEnd, out var resumeOffset, out var resumePosition)
            ? new DamagedRange(offset, resumeOffset, resumePosition)
            : DamagedRange.RestOfSegment(offset, length);
        if (segment.AddDamage(range))
        {
            _store.Report(range.ToEnd
                ? string.Create(CultureInfo.InvariantCulture,
                    $"rivulet storage: {_name}: {segment.Path} is damaged at byte {offset} ({problem}); no whole record follows in that segment, so reads step over positions {expectedPosition} to {segmentEnd - 1}")
                : string.Create(CultureInfo.InvariantCulture,
                    $"rivulet storage: {_name}: {segment.Path} is damaged at byte {offset} ({problem}); {DescribeLoss(expectedPosition, resumePosition)}, and reads go on at position {resumePosition} at byte {resumeOffset}"));
        }

        return range;
    }

    /// <summary>
    /// Walks frames forward from an index entry up to a limit, across segments, outside the log's
    /// lock (holding a lease on the segment it reads). Every frame must pass its CRC and hold the
    /// position expected next; anything else is damage, which it steps over and reports.
    /// </summary>
    private sealed class LogScanner : IDisposable
    {
        private readonly LocalShardLog _log;
        private readonly long _limit;
        private readonly FrameCursor _cursor;
        private Segment? _segment;
        private long _segmentEnd;
        private long _lastArrivalMs = long.MinValue;

        /// <summary>Called under the log's lock.</summary>
        public LogScanner(LocalShardLog log, int segmentIndex, IndexEntry start, long limit)
        {
            _log = log;
            _limit = limit;
            _segment = log._segments[segmentIndex];
            _segment.Lease();
            _segmentEnd = log.SegmentEndLocked(segmentIndex, limit);
            Position = start.Position;
            _cursor = new FrameCursor(_segment.File, start.Offset, ReadBufferBytes);
        }

        /// <summary>The position of the next frame.</summary>
        public long Position { get; private set; }

        public bool TryNext(out FrameView frame)
        {
            frame = default;
            if (Position >= _limit || (Position >= _segmentEnd && !TryMoveToNextSegment()))
            {
                return false;
            }

            while (true)
            {
                var segment = _segment!;
                var offset = _cursor.Offset;
                var status = _cursor.Next(out frame);
                if (status == FrameStatus.Frame && frame.Position == Position)
                {
                    _lastArrivalMs = frame.ArrivalMs;
                    Position++;
                    return true;
                }

                var problem = status switch
                {
                    FrameStatus.Frame => $"the frame holds position {frame.Position} where position {Position} belongs",
                    FrameStatus.End => $"the file ends where position {Position} belongs",
                    FrameStatus.Short => $"the frame of position {Position} is cut short",
                    FrameStatus.BadChecksum => $"the frame of position {Position} fails its CRC-32C check",
                    _ => $"the frame of position {Position} has an impossible length",
                };

                var damage = _log.StepOverDamage(segment, offset, Position, _lastArrivalMs, _segmentEnd, problem);
                if (damage.ToEnd)
                {
                    Position = _segmentEnd;
                }
                else
                {
                    Position = damage.ResumePosition;
                    _cursor.Reset(segment.File, damage.ResumeOffset);
                }

                if (Position >= _limit || (Position >= _segmentEnd && !TryMoveToNextSegment()))
                {
                    frame = default;
                    return false;
                }
            }
        }

        public void Dispose()
        {
            _cursor.Dispose();
            _segment?.Release();
            _segment = null;
        }

        private bool TryMoveToNextSegment()
        {
            _segment?.Release();
            _segment = null;
            lock (_log._gate)
            {
                if (_log._closed || _log._segments.Count == 0)
                {
                    return false;
                }

                // Segments this read was about to enter may have expired and been trimmed meanwhile: go on
                // from the first kept one, as a read starting now would.
                Position = Math.Max(Position, _log._segments[0].FirstPosition);
                if (Position >= _limit)
                {
                    return false;
                }

                var index = _log.SegmentIndexOfLocked(Position);
                var next = _log._segments[index];
                if (next.FirstPosition != Position)
                {
                    throw new CorruptLogException(next.Path, 0, $"no segment starts at position {Position}");
                }

                next.Lease();
                _segment = next;
                _segmentEnd = _log.SegmentEndLocked(index, _limit);
            }

            _cursor.Reset(_segment.File, 0);
            return true;
        }
    }
}
