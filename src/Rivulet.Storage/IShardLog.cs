namespace Rivulet.Storage;

/// <summary>
/// One shard's append-only log. Positions are dense, start at 0 and never repeat; they become the
/// counter inside AWS sequence numbers. Arrival times never decrease along the log, so a time can
/// be looked up like a position.
/// </summary>
public interface IShardLog
{
    /// <summary>The position the next record will get and the arrival time of the newest record (0 when empty).</summary>
    ShardTail Tail { get; }

    /// <summary>
    /// Appends the records in order. The result completes once they are as durable as the store
    /// promises; all records of one call share one arrival time.
    /// </summary>
    ValueTask<AppendResult> AppendAsync(ReadOnlyMemory<PendingRecord> records, CancellationToken cancellationToken);

    /// <summary>
    /// Reads forward from a position, skipping records that arrived before
    /// <see cref="ReadRequest.MinArrivalMs"/> (the retention horizon). Returns at least one record
    /// when any is available, even if it alone exceeds <see cref="ReadRequest.MaxBytes"/>.
    /// </summary>
    ValueTask<ReadResult> ReadAsync(ReadRequest request, CancellationToken cancellationToken);

    /// <summary>The position of the first record that arrived at or after <paramref name="timestampMs"/>, or the tail.</summary>
    ValueTask<long> FindPositionByTimeAsync(long timestampMs, CancellationToken cancellationToken);

    /// <summary>Completes when the log holds a record at <paramref name="position"/> or later or is sealed (true), or when cancelled (false).</summary>
    ValueTask<bool> WaitAsync(long position, CancellationToken cancellationToken);

    /// <summary>
    /// Stops the log taking records, for a shard that a reshard closed: later appends answer
    /// <see cref="AppendStatus.Sealed"/>, waiters wake. Idempotent. Appends already accepted still
    /// complete, so the returned tail is <see cref="ShardTail.Sealed"/> only once none is in flight.
    /// A store may forget the seal across a restart: callers seal a closed shard's log whenever they
    /// find it unsealed, and nothing appends to a shard its metadata says is closed.
    /// </summary>
    ValueTask<ShardTail> SealAsync(CancellationToken cancellationToken);

    /// <summary>Lets go of records that arrived before <paramref name="arrivalBeforeMs"/>; returns the first position still kept.</summary>
    ValueTask<long> TrimAsync(long arrivalBeforeMs, CancellationToken cancellationToken);
}
