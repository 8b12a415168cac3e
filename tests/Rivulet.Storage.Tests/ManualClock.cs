namespace Rivulet.Storage.Tests;

/// <summary>A clock the test moves by hand, in epoch milliseconds.</summary>
public sealed class ManualClock : TimeProvider
{
    private long _nowMs;

    public ManualClock(DateTimeOffset start) => _nowMs = start.ToUnixTimeMilliseconds();

    public long Now => Interlocked.Read(ref _nowMs);

    public void Advance(long milliseconds) => Interlocked.Add(ref _nowMs, milliseconds);

    public override DateTimeOffset GetUtcNow() => DateTimeOffset.FromUnixTimeMilliseconds(Now);
}
