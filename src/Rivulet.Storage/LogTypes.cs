namespace Rivulet.Storage;

/// <summary>A record handed to <see cref="IShardLog.AppendAsync"/>.</summary>
public readonly record struct PendingRecord(string PartitionKey, ReadOnlyMemory<byte> Data);

/// <summary>A record as the log keeps it.</summary>
public readonly record struct StoredRecord(long Position, long ArrivalMs, string PartitionKey, ReadOnlyMemory<byte> Data);

/// <summary>
/// Where a shard's log ends now. <see cref="Sealed"/>: the log takes no more records and none is
/// still on its way in, so <see cref="NextPosition"/> is where it ends for good (a closed shard's end).
/// </summary>
public readonly record struct ShardTail(long NextPosition, long LastArrivalMs, bool Sealed = false);

public readonly record struct ReadRequest(long FromPosition, int MaxRecords, long MaxBytes, long MinArrivalMs);

public enum AppendStatus
{
    Appended,

    /// <summary>The store could not make the records durable; none of them were acknowledged.</summary>
    StorageFailure,

    /// <summary>
    /// The stream incarnation the log belongs to was deleted (or never existed); nothing was
    /// appended. The caller resolved the stream before the delete and lost the race to it.
    /// </summary>
    StreamDeleted,

    /// <summary>The log was sealed (its shard was closed by a reshard); nothing was appended. The caller places the records again.</summary>
    Sealed,
}

/// <summary>Positions <see cref="FirstPosition"/> … FirstPosition + count − 1, all arrived at <see cref="ArrivalMs"/>.</summary>
public readonly record struct AppendResult(AppendStatus Status, long FirstPosition, long ArrivalMs, string? FailureReason = null)
{
    public static AppendResult Failed(string reason) => new(AppendStatus.StorageFailure, -1, 0, reason);

    public static AppendResult Deleted { get; } = new(AppendStatus.StreamDeleted, -1, 0, "the stream was deleted");

    public static AppendResult SealedLog { get; } = new(AppendStatus.Sealed, -1, 0, "the shard was closed");
}

public sealed class ReadResult
{
    public ReadResult(IReadOnlyList<StoredRecord> records, long nextPosition, ShardTail tail)
    {
        Records = records;
        NextPosition = nextPosition;
        Tail = tail;
    }

    public IReadOnlyList<StoredRecord> Records { get; }

    /// <summary>Where the next read should start: after the last record returned, or past skipped expired ones.</summary>
    public long NextPosition { get; }

    public ShardTail Tail { get; }
}
