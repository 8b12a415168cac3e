using System.Collections.Concurrent;

namespace Rivulet.Api.Throughput;

/// <summary>
/// Rate state by key (a shard, an account's operation, a consumer's shard), created on first use
/// and forgotten once idle for long enough that its buckets would be full again, so that the table
/// holds only what is busy. The state locks itself.
/// </summary>
internal sealed class RateTable<TKey, TState>
    where TKey : notnull
    where TState : class, IRateState, new()
{
    private static readonly long IdleBeforeForgottenMs = (long)TimeSpan.FromSeconds(10).TotalMilliseconds;

    private readonly ConcurrentDictionary<TKey, TState> _states = new();
    private long _uses;

    public int Count => _states.Count;

    public TState Get(TKey key, long nowMs)
    {
        if ((Interlocked.Increment(ref _uses) & 0xFFF) == 0)
        {
            ForgetIdle(nowMs);
        }

        return _states.GetOrAdd(key, static _ => new TState());
    }

    private void ForgetIdle(long nowMs)
    {
        foreach (var (key, state) in _states)
        {
            if (nowMs - state.LastUsedMs > IdleBeforeForgottenMs)
            {
                _states.TryRemove(new KeyValuePair<TKey, TState>(key, state));
            }
        }
    }
}

/// <summary>A <see cref="RateTable{TKey, TState}"/> entry: when it was last used, to forget it once idle.</summary>
internal interface IRateState
{
    long LastUsedMs { get; }
}
