namespace Rivulet.Api.Throughput;

/// <summary>
/// A token bucket that refills continuously at a rate per second up to a capacity, and starts full.
/// It counts thousandths of a token, so that a millisecond's refill is a whole number. A bucket may
/// also be charged after the fact and go into debt (what a read cost is only known once it is read);
/// it then admits nothing until the debt is paid off. Not thread-safe: its owner locks.
/// </summary>
internal struct TokenBucket
{
    private const long Scale = 1_000;

    private long _balance;
    private long _updatedAtMs;
    private bool _started;

    public readonly long UpdatedAtMs => _updatedAtMs;

    /// <summary>Takes <paramref name="amount"/> tokens if all are there; a refusal takes nothing.</summary>
    public bool TryTake(long amount, long perSecond, long capacity, long nowMs)
    {
        Refill(perSecond, capacity, nowMs);
        if (_balance < amount * Scale)
        {
            return false;
        }

        _balance -= amount * Scale;
        return true;
    }

    /// <summary>Whether the bucket holds at least <paramref name="amount"/> tokens now, taking nothing.</summary>
    public bool Holds(long amount, long perSecond, long capacity, long nowMs)
    {
        Refill(perSecond, capacity, nowMs);
        return _balance >= amount * Scale;
    }

    /// <summary>Takes <paramref name="amount"/> tokens whether or not they are there, leaving a debt if not.</summary>
    public void Charge(long amount, long perSecond, long capacity, long nowMs)
    {
        Refill(perSecond, capacity, nowMs);
        _balance -= amount * Scale;
    }

    /// <summary>How long until a debt is paid off: zero when there is none.</summary>
    public long MillisecondsUntilPaidOff(long perSecond, long capacity, long nowMs)
    {
        Refill(perSecond, capacity, nowMs);
        return _balance >= 0 ? 0 : (-_balance + perSecond - 1) / perSecond;
    }

    private void Refill(long perSecond, long capacity, long nowMs)
    {
        if (!_started)
        {
            _started = true;
            _balance = capacity * Scale;
            _updatedAtMs = nowMs;
            return;
        }

        // A clock that steps back refills nothing; it never takes away.
        var elapsedMs = Math.Max(0, nowMs - _updatedAtMs);
        _updatedAtMs = Math.Max(_updatedAtMs, nowMs);
        _balance = Math.Min(capacity * Scale, _balance + (elapsedMs * perSecond));
    }
}
