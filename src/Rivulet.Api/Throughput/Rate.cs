namespace Rivulet.Api.Throughput;

/// <summary>One token bucket with its lock, as a <see cref="RateTable{TKey, TState}"/> entry: a call rate, or a byte rate paid off after the fact.</summary>
internal sealed class Rate : IRateState
{
    public readonly Lock Lock = new();
    public TokenBucket Bucket;

    public long LastUsedMs
    {
        get
        {
            lock (Lock)
            {
                return Bucket.UpdatedAtMs;
            }
        }
    }

    /// <summary>Takes one call from a bucket that refills <paramref name="perSecond"/> calls a second and holds as many.</summary>
    public bool TryTake(int perSecond, long nowMs)
    {
        lock (Lock)
        {
            return Bucket.TryTake(1, perSecond, perSecond, nowMs);
        }
    }
}
