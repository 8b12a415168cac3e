namespace Rivulet.Storage.Local;

/// <summary>One log's part of a group-commit round: the file to sync and the tail that becomes acknowledged when it is synced.</summary>
internal sealed class CommitRound(LocalShardLog log, Segment segment, long length, long nextPosition, long lastArrivalMs, int generation)
{
    public LocalShardLog Log => log;

    /// <summary>Leased for the round; <see cref="LocalShardLog.EndCommit"/> releases it.</summary>
    public Segment Segment => segment;

    public long Length => length;

    public long NextPosition => nextPosition;

    public long LastArrivalMs => lastArrivalMs;

    public int Generation => generation;

    public Exception? Failure { get; private set; }

    public void Sync()
    {
        try
        {
            segment.File.Sync();
        }
        catch (Exception exception)
        {
            Failure = exception;
        }
    }
}
