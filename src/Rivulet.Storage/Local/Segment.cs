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

    /// <summary>Recovery found a bad frame in this sealed segment; reads that reach it throw <see cref="CorruptLogException"/>.</summary>
    public bool Damaged { get; private set; }

    public ReadOnlySpan<IndexEntry> Index => _entries.AsSpan(0, _count);

    /// <summary>Records a frame just written at <paramref name="offset"/>.</summary>
    public void Add(long position, long arrivalMs, long offset, int indexIntervalBytes)
    {
        if (IsEmpty)
        {
            FirstArrivalMs = arrivalMs;
        }

        if (_count == 0 || offset - _entries[_count - 1].Offset >= indexIntervalBytes)
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
    /// Keeps a sealed segment whose frames go bad at some point: readers that reach that point fail
    /// loudly. Its newest arrival becomes <paramref name="arrivalBoundMs"/> (the next segment's first),
    /// so that a time search never skips the damage unless everything in it is older than asked for.
    /// </summary>
    public void MarkDamaged(long fileLength, long arrivalBoundMs)
    {
        Damaged = true;
        Length = AcknowledgedLength = SyncedLength = fileLength;
        LastArrivalMs = arrivalBoundMs;
        if (_count == 0)
        {
            _entries[_count++] = new IndexEntry(FirstPosition, 0, 0);
        }
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
        }
    }

    /// <summary>The log lets go of the segment; the file closes when the last reader releases it.</summary>
    public void Retire()
    {
        if (!Retired)
        {
            Retired = true;
            Release();
        }
    }
}
