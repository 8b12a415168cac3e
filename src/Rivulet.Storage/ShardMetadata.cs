namespace Rivulet.Storage;

/// <summary>
/// One shard of a stream: its hash-key range and lineage. A closed shard keeps its range and
/// its records until they expire; <see cref="ClosedAtMs"/> is when it stopped taking writes.
/// </summary>
public sealed record ShardMetadata(
    int Index,
    UInt128 StartingHashKey,
    UInt128 EndingHashKey,
    long CreatedAtMs,
    int? ParentIndex = null,
    int? AdjacentParentIndex = null,
    long? ClosedAtMs = null)
{
    public bool IsOpen => ClosedAtMs is null;
}
