namespace Rivulet.Storage.Local;

/// <summary>
/// One segment file of a shard log and what memory keeps about it: its first and last position and
/// arrival, and a sparse index with one entry per index interval of bytes (the first frame always
/// has one). The owning log mutates it under its lock. Readers lease it so that trimming or closing
/// never closes the file under a read in progress.
/// </summary>
internal sealed class Segment
{
    private IndexEntry[] _entries;
    private int _count;
    private int _references = 1;
    private readonly Lock _damageLock = new();
    private DamagedRange[] _damage = [];
    private Action<Segment>? _afterClose;

    public Segment(string path, long firstPosition, ILogFile file)
    {
        Path = path;
        FirstPosition = firstPosition;
        File = file;
        LastPosition = firstPosition - 1;
        _entries = new IndexEntry[8];
    }

    public string Path { get; }

    public long FirstPosition { get; }

    public ILogFile File { get; }

    /// <summary>Bytes of whole frames written, acknowledged or not.</summary>
    public long Length { get; set; }

    /// <summary>Bytes whose records have been acknowledged; a failure rewinds <see cref="Length"/> to this.</summary>
    public long AcknowledgedLength { get; set; }

    /// <summary>Bytes known to be on stable storage.</summary>
    public long SyncedLength { get; set; }

    /// <summary>How many bytes the segment's saved index (its sidecar) covers.</summary>
    public long CheckpointLength { get; set; }

    /// <summary><see cref="FirstPosition"/> − 1 while the segment is empty.</summary>
    public long LastPosition { get; private set; }

    public long FirstArrivalMs { get; private set; }

    public long LastArrivalMs { get; private set; }

    public bool IsEmpty => LastPosition < FirstPosition;

    public bool Retired { get; private set; }

    /// <summary>Damage found in this segment so far, in file order; replaced whole, so readers take it without the log's lock.</summary>
    public DamagedRange[] Damage => Volatile.Read(ref _damage);

    public ReadOnlySpan<IndexEntry> Index => _entries.AsSpan(0, _count);

    /// <summary>Records a frame just written (or found by recovery) at <paramref name="offset"/>; <paramref name="indexed"/> gives it an index entry whatever the interval.</summary>
    public void Add(long position, long arrivalMs, long offset, int indexIntervalBytes, bool indexed = false)
    {
        if (IsEmpty)
        {
            FirstArrivalMs = arrivalMs;
        }

        if (_count == 0 || indexed || offset - _entries[_count - 1].Offset >= indexIntervalBytes)
        {
            if (_count == _entries.Length)
            {
                Array.Resize(ref _entries, _count * 2);
            }

            _entries[_count++] = new IndexEntry(position, arrivalMs, offset);
        }

        LastPosition = position;
        LastArrivalMs = arrivalMs;
    }

    /// <summary>Takes an index read from a sidecar or rebuilt by a scan.</summary>
    public void Load(IndexEntry[] entries, int count, long length, long lastPosition, long firstArrivalMs, long lastArrivalMs)
    {
        _entries = entries;
        _count = count;
        Length = AcknowledgedLength = SyncedLength = length;
        LastPosition = lastPosition;
        FirstArrivalMs = firstArrivalMs;
        LastArrivalMs = lastArrivalMs;
    }

    /// <summary>A scan during recovery found <paramref name="length"/> bytes of whole, valid frames.</summary>
    public void Recovered(long length) => Length = AcknowledgedLength = SyncedLength = length;

    /// <summary>
    /// Notes damage starting at <paramref name="range"/>'s offset, or what is now known about damage
    /// found there before; false when exactly that was known, so that each finding is reported once.
    /// </summary>
    public bool AddDamage(DamagedRange range)
    {
        lock (_damageLock)
        {
            var known = _damage;
            if (Array.IndexOf(known, range) >= 0)
            {
                return false;
            }

            DamagedRange[] updated = [.. known.Where(existing => existing.Offset != range.Offset), range];
            Array.Sort(updated, static (a, b) => a.Offset.CompareTo(b.Offset));
            Volatile.Write(ref _damage, updated);
            return true;
        }
    }

    /// <summary>The damage known to start at <paramref name="offset"/>, if any.</summary>
    public bool TryGetDamageAt(long offset, out DamagedRange range)
    {
        foreach (var known in Damage)
        {
            if (known.Offset == offset)
            {
                range = known;
                return true;
            }
        }

        range = default;
        return false;
    }

    /// <summary>Forgets frames past <paramref name="length"/> after a failed write or sync.</summary>
    public void Rewind(long length, long lastPosition, long lastArrivalMs)
    {
        Length = length;
        CheckpointLength = Math.Min(CheckpointLength, length);
        SyncedLength = Math.Min(SyncedLength, length);
        AcknowledgedLength = Math.Min(AcknowledgedLength, length);
        while (_count > 0 && _entries[_count - 1].Offset >= length)
        {
            _count--;
        }

        LastPosition = length == 0 ? FirstPosition - 1 : lastPosition;
        LastArrivalMs = length == 0 ? 0 : lastArrivalMs;
        FirstArrivalMs = length == 0 ? 0 : FirstArrivalMs;
    }

    /// <summary>Drops the spare capacity of the index once the segment takes no more frames.</summary>
    public void Seal()
    {
        if (_entries.Length > _count)
        {
            Array.Resize(ref _entries, Math.Max(_count, 1));
        }
    }

    /// <summary>The last index entry at or before <paramref name="position"/>; the segment must not be empty.</summary>
    public IndexEntry EntryAtOrBefore(long position)
    {
        int low = 0, high = _count - 1;
        while (low < high)
        {
            var middle = (low + high + 1) / 2;
            if (_entries[middle].Position <= position)
            {
                low = middle;
            }
            else
            {
                high = middle - 1;
            }
        }

        return _entries[low];
    }

    /// <summary>The last index entry of a record that arrived before <paramref name="arrivalMs"/>, or the first entry.</summary>
    public IndexEntry LastEntryBefore(long arrivalMs)
    {
        int low = 0, high = _count - 1;
        while (low < high)
        {
            var middle = (low + high + 1) / 2;
            if (_entries[middle].ArrivalMs < arrivalMs)
            {
                low = middle;
            }
            else
            {
                high = middle - 1;
            }
        }

        return _entries[low];
    }

    /// <summary>Called under the log's lock, and only while not <see cref="Retired"/>.</summary>
    public void Lease() => Interlocked.Increment(ref _references);

    public void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0)
        {
            File.Dispose();
            Volatile.Read(ref _afterClose)?.Invoke(this);
        }
    }

    /// <summary>
    /// The log lets go of the segment; the file closes when the last reader releases it, and then
    /// <paramref name="afterClose"/> runs (deleting an expired segment only once no read is in it,
    /// since a read may need to reopen the file).
    /// </summary>
    public void Retire(Action<Segment>? afterClose = null)
    {
        if (!Retired)
        {
            Retired = true;
            Volatile.Write(ref _afterClose, afterClose);
            Release();
        }
    }
}

/// <summary>
/// Bytes of a segment from <see cref="Offset"/> (where a frame fails its checks) to
/// <see cref="ResumeOffset"/> (where whole frames start again, at <see cref="ResumePosition"/>), which
/// reads step over. <see cref="ToEnd"/> when no frame starts again: the rest of the segment is lost.
/// </summary>
internal readonly record struct DamagedRange(long Offset, long ResumeOffset, long ResumePosition)
{
    public bool ToEnd => ResumePosition == long.MaxValue;

    public static DamagedRange RestOfSegment(long offset, long fileLength) => new(offset, fileLength, long.MaxValue);
}
