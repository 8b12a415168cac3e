namespace Rivulet.Storage.Memory;

/// <summary>
/// A shard log held in memory, for throw-away servers and tests. Records live in fixed-size
/// chunks so trimming drops whole chunks and appends never copy what is already stored.
/// </summary>
internal sealed class MemoryShardLog : IShardLog
{
    private const int ChunkSize = 4096;

    private readonly Lock _gate = new();
    private readonly List<StoredRecord[]> _chunks = [];
    private readonly TimeProvider _time;
    private long _firstChunkPosition;
    private long _nextPosition;
    private long _lastArrivalMs;
    private TaskCompletionSource? _appended;

    public MemoryShardLog(TimeProvider time) => _time = time;

    public ShardTail Tail
    {
        get
        {
            lock (_gate)
            {
                return new ShardTail(_nextPosition, _lastArrivalMs);
            }
        }
    }

    public ValueTask<AppendResult> AppendAsync(ReadOnlyMemory<PendingRecord> records, CancellationToken cancellationToken)
    {
        TaskCompletionSource? toWake;
        AppendResult result;
        var span = records.Span;
        lock (_gate)
        {
            // Arrival times never go backwards along a log, even if the wall clock does.
            var arrival = Math.Max(_time.GetUtcNow().ToUnixTimeMilliseconds(), _lastArrivalMs);
            result = new AppendResult(AppendStatus.Appended, _nextPosition, arrival);
            foreach (var record in span)
            {
                var offset = _nextPosition - _firstChunkPosition;
                var chunkIndex = (int)(offset / ChunkSize);
                if (chunkIndex == _chunks.Count)
                {
                    _chunks.Add(new StoredRecord[ChunkSize]);
                }

                _chunks[chunkIndex][offset % ChunkSize] = new StoredRecord(_nextPosition, arrival, record.PartitionKey, record.Data);
                _nextPosition++;
            }

            if (span.Length > 0)
            {
                _lastArrivalMs = arrival;
            }

            toWake = _appended;
            _appended = null;
        }

        toWake?.TrySetResult();
        return ValueTask.FromResult(result);
    }

    public ValueTask<ReadResult> ReadAsync(ReadRequest request, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var position = Math.Max(request.FromPosition, _firstChunkPosition);
            if (position < _nextPosition && At(position).ArrivalMs < request.MinArrivalMs)
            {
                position = FirstAtOrAfterLocked(request.MinArrivalMs, position);
            }

            var records = new List<StoredRecord>(Math.Min(request.MaxRecords, (int)Math.Min(_nextPosition - Math.Min(position, _nextPosition), 1024)));
            long bytes = 0;
            while (position < _nextPosition && records.Count < request.MaxRecords)
            {
                var record = At(position);
                var size = record.Data.Length + record.PartitionKey.Length;
                if (records.Count > 0 && bytes + size > request.MaxBytes)
                {
                    break;
                }

                records.Add(record);
                bytes += size;
                position++;
            }

            return ValueTask.FromResult(new ReadResult(records, Math.Max(position, request.FromPosition), new ShardTail(_nextPosition, _lastArrivalMs)));
        }
    }

    public ValueTask<long> FindPositionByTimeAsync(long timestampMs, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(FirstAtOrAfterLocked(timestampMs, _firstChunkPosition));
        }
    }

    public async ValueTask<bool> WaitAsync(long position, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task waitFor;
            lock (_gate)
            {
                if (position < _nextPosition)
                {
                    return true;
                }

                _appended ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                waitFor = _appended.Task;
            }

            try
            {
                await waitFor.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return false;
            }
        }
    }

    public ValueTask<long> TrimAsync(long arrivalBeforeMs, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            // Only whole chunks whose newest record is older than the cut go; the rest stay hidden by readers' MinArrivalMs.
            while (_chunks.Count > 0)
            {
                var chunkEnd = Math.Min(_firstChunkPosition + ChunkSize, _nextPosition);
                if (chunkEnd - _firstChunkPosition < ChunkSize || At(chunkEnd - 1).ArrivalMs >= arrivalBeforeMs)
                {
                    break;
                }

                _chunks.RemoveAt(0);
                _firstChunkPosition += ChunkSize;
            }

            return ValueTask.FromResult(_firstChunkPosition);
        }
    }

    private StoredRecord At(long position)
    {
        var offset = position - _firstChunkPosition;
        return _chunks[(int)(offset / ChunkSize)][offset % ChunkSize];
    }

    private long FirstAtOrAfterLocked(long timestampMs, long from)
    {
        long low = Math.Max(from, _firstChunkPosition), high = _nextPosition;
        while (low < high)
        {
            var middle = low + ((high - low) / 2);
            if (At(middle).ArrivalMs < timestampMs)
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
}
