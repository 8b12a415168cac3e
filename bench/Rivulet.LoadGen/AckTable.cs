namespace Rivulet.LoadGen;

internal enum RecordState : byte
{
    // Sent (or about to be) with no answer yet; stays so only if the run is interrupted.
    Pending,

    // The server returned a ShardId and SequenceNumber for it: it must be read back exactly once.
    Acknowledged,

    // The server said it was not written (PutRecords entry ErrorCode, or a 4xx for the whole request).
    Rejected,

    // Outcome unknown (timeout, connection error, 5xx, unreadable answer): may or may not be in the stream.
    Indeterminate,
}

// What one client sent in one phase, indexed by the record counter embedded in the data. Single-writer: each
// client owns its tables during the put phases, and the verifier reads them afterwards.
internal sealed class AckTable
{
    // Sequence numbers are kept as the exact UTF-8 digits the server returned, packed into chunks, so the put loop
    // does no per-record allocation and no big-integer parsing; the verifier parses them.
    private const int ChunkShift = 16;
    private const int ChunkSize = 1 << ChunkShift;

    private readonly List<byte[]> _chunks = [];
    private Entry[] _entries = new Entry[1024];
    private int _chunkUsed = ChunkSize;

    public int Count { get; private set; }

    public int Reserve(int count)
    {
        var first = Count;
        var needed = checked(first + count);
        if (needed > _entries.Length)
            Array.Resize(ref _entries, Math.Max(needed, (int)Math.Min(Array.MaxLength, _entries.Length * 2L)));
        Count = needed;
        return first;
    }

    public bool TryAcknowledge(int counter, int shardIndex, ReadOnlySpan<byte> sequenceNumber)
    {
        if (sequenceNumber.Length is 0 or > byte.MaxValue)
            return false;
        if (_chunkUsed + sequenceNumber.Length > ChunkSize)
        {
            _chunks.Add(new byte[ChunkSize]);
            _chunkUsed = 0;
        }

        sequenceNumber.CopyTo(_chunks[^1].AsSpan(_chunkUsed));
        ref var entry = ref _entries[counter];
        entry.ShardIndex = shardIndex;
        entry.SequenceLocation = ((_chunks.Count - 1) << ChunkShift) | _chunkUsed;
        entry.SequenceLength = (byte)sequenceNumber.Length;
        entry.State = RecordState.Acknowledged;
        _chunkUsed += sequenceNumber.Length;
        return true;
    }

    public void Reject(int counter) => _entries[counter].State = RecordState.Rejected;

    public void MarkIndeterminate(int first, int count)
    {
        for (var i = first; i < first + count; i++)
            _entries[i].State = RecordState.Indeterminate;
    }

    public RecordState StateOf(int counter) => _entries[counter].State;

    public int ShardIndexOf(int counter) => _entries[counter].ShardIndex;

    public ReadOnlySpan<byte> SequenceNumberOf(int counter)
    {
        var entry = _entries[counter];
        return _chunks[entry.SequenceLocation >> ChunkShift].AsSpan(entry.SequenceLocation & (ChunkSize - 1), entry.SequenceLength);
    }

    // Returns how often the record has been read back so far, including this time (saturating).
    public int CountRead(int counter)
    {
        ref var entry = ref _entries[counter];
        if (entry.Reads < byte.MaxValue)
            entry.Reads++;
        return entry.Reads;
    }

    public int ReadsOf(int counter) => _entries[counter].Reads;

    private struct Entry
    {
        public int ShardIndex;
        public int SequenceLocation;
        public byte SequenceLength;
        public RecordState State;
        public byte Reads;
    }
}
