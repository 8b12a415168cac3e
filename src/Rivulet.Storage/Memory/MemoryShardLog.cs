using System.Text;

namespace Rivulet.Storage.Memory;

/// <summary>
/// A shard log held in memory, for throw-away servers and tests. Records live in fixed-size
/// chunks; each chunk keeps its records' bytes in a few large slabs and their places in an array of
/// plain structs, so millions of stored records are a handful of objects for the garbage collector
/// (per-record objects made its pauses the server's tail latency). Trimming drops whole chunks.
/// </summary>
internal sealed class MemoryShardLog : IShardLog
{
    private const int ChunkSize = 4096;

    private readonly Lock _gate = new();
    private readonly List<Chunk> _chunks = [];
    private readonly TimeProvider _time;
    private readonly LogGrowth _appended = new();
    private long _firstChunkPosition;
    private long _nextPosition;
    private long _lastArrivalMs;
    private bool _deleted;
    private bool _sealed;

    public MemoryShardLog(TimeProvider time) => _time = time;

    /// <summary>The stream was deleted: appends from callers that resolved it before answer <see cref="AppendStatus.StreamDeleted"/>.</summary>
    public void MarkDeleted()
    {
        lock (_gate)
        {
            _deleted = true;
        }
    }

    public ShardTail Tail
    {
        get
        {
            lock (_gate)
            {
                return new ShardTail(_nextPosition, _lastArrivalMs, _sealed);
            }
        }
    }

    public ValueTask<ShardTail> SealAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _sealed = true;
            _appended.Signal();
            return ValueTask.FromResult(new ShardTail(_nextPosition, _lastArrivalMs, true));
        }
    }

    public ValueTask<AppendResult> AppendAsync(ReadOnlyMemory<PendingRecord> records, CancellationToken cancellationToken)
    {
        AppendResult result;
        var span = records.Span;
        lock (_gate)
        {
            if (_deleted)
            {
                return ValueTask.FromResult(AppendResult.Deleted);
            }

            if (_sealed)
            {
                return ValueTask.FromResult(AppendResult.SealedLog);
            }

            // Arrival times never go backwards along a log, even if the wall clock does.
            var arrival = Math.Max(_time.GetUtcNow().ToUnixTimeMilliseconds(), _lastArrivalMs);
            result = new AppendResult(AppendStatus.Appended, _nextPosition, arrival);
            foreach (var record in span)
            {
                var offset = _nextPosition - _firstChunkPosition;
                var chunkIndex = (int)(offset / ChunkSize);
                if (chunkIndex == _chunks.Count)
                {
                    _chunks.Add(new Chunk());
                }

                _chunks[chunkIndex].Add((int)(offset % ChunkSize), arrival, record);
                _nextPosition++;
            }

            if (span.Length > 0)
            {
                _lastArrivalMs = arrival;
            }

            _appended.Signal();
        }

        return ValueTask.FromResult(result);
    }

    public ValueTask<ReadResult> ReadAsync(ReadRequest request, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var position = Math.Max(request.FromPosition, _firstChunkPosition);
            if (position < _nextPosition && ArrivalAt(position) < request.MinArrivalMs)
            {
                position = FirstAtOrAfterLocked(request.MinArrivalMs, position);
            }

            var records = new List<StoredRecord>(Math.Min(request.MaxRecords, (int)Math.Min(_nextPosition - Math.Min(position, _nextPosition), 1024)));
            long bytes = 0;
            while (position < _nextPosition && records.Count < request.MaxRecords)
            {
                var (chunk, slot) = Locate(position);
                var size = chunk.SizeOf(slot);
                if (records.Count > 0 && bytes + size > request.MaxBytes)
                {
                    break;
                }

                records.Add(chunk.Get(slot, position));
                bytes += size;
                position++;
            }

            return ValueTask.FromResult(new ReadResult(records, Math.Max(position, request.FromPosition), new ShardTail(_nextPosition, _lastArrivalMs, _sealed)));
        }
    }

    public ValueTask<long> FindPositionByTimeAsync(long timestampMs, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(FirstAtOrAfterLocked(timestampMs, _firstChunkPosition));
        }
    }

    public ValueTask<bool> WaitAsync(long position, CancellationToken cancellationToken) =>
        LogGrowth.WaitAsync(
            () =>
            {
                lock (_gate)
                {
                    return position < _nextPosition || _sealed ? null : _appended.Next;
                }
            },
            cancellationToken);

    public ValueTask<long> TrimAsync(long arrivalBeforeMs, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            // Only whole chunks whose newest record is older than the cut go; the rest stay hidden by readers' MinArrivalMs.
            while (_chunks.Count > 0)
            {
                var chunkEnd = Math.Min(_firstChunkPosition + ChunkSize, _nextPosition);
                if (chunkEnd - _firstChunkPosition < ChunkSize || ArrivalAt(chunkEnd - 1) >= arrivalBeforeMs)
                {
                    break;
                }

                _chunks.RemoveAt(0);
                _firstChunkPosition += ChunkSize;
            }

            return ValueTask.FromResult(_firstChunkPosition);
        }
    }

    private (Chunk Chunk, int Slot) Locate(long position)
    {
        var offset = position - _firstChunkPosition;
        return (_chunks[(int)(offset / ChunkSize)], (int)(offset % ChunkSize));
    }

    private long ArrivalAt(long position)
    {
        var (chunk, slot) = Locate(position);
        return chunk.ArrivalAt(slot);
    }

    private long FirstAtOrAfterLocked(long timestampMs, long from)
    {
        long low = Math.Max(from, _firstChunkPosition), high = _nextPosition;
        while (low < high)
        {
            var middle = low + ((high - low) / 2);
            if (ArrivalAt(middle) < timestampMs)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }

    /// <summary>Up to <see cref="ChunkSize"/> records: partition key (UTF-8) then data, packed into slabs.</summary>
    private sealed class Chunk
    {
        private const int SlabSize = 1 << 20;

        private readonly Slot[] _slots = new Slot[ChunkSize];
        private readonly List<byte[]> _slabs = [];
        private int _used = SlabSize;

        public void Add(int slot, long arrivalMs, PendingRecord record)
        {
            var keyLength = Encoding.UTF8.GetByteCount(record.PartitionKey);
            var length = keyLength + record.Data.Length;
            if (_used + length > SlabSize)
            {
                // A record larger than a slab gets a slab of its own.
                _slabs.Add(new byte[Math.Max(SlabSize, length)]);
                _used = 0;
            }

            var slab = _slabs[^1];
            Encoding.UTF8.GetBytes(record.PartitionKey, slab.AsSpan(_used, keyLength));
            record.Data.Span.CopyTo(slab.AsSpan(_used + keyLength));
            _slots[slot] = new Slot(arrivalMs, _slabs.Count - 1, _used, keyLength, record.Data.Length);
            _used += length;
        }

        public long ArrivalAt(int slot) => _slots[slot].ArrivalMs;

        public int SizeOf(int slot) => _slots[slot].KeyLength + _slots[slot].DataLength;

        public StoredRecord Get(int slot, long position)
        {
            var s = _slots[slot];
            var slab = _slabs[s.Slab];
            return new StoredRecord(position, s.ArrivalMs, Encoding.UTF8.GetString(slab, s.Offset, s.KeyLength), slab.AsMemory(s.Offset + s.KeyLength, s.DataLength));
        }

        private readonly record struct Slot(long ArrivalMs, int Slab, int Offset, int KeyLength, int DataLength);
    }
}
