namespace Rivulet.Api.Consumers;

/// <summary>
/// The SubscribeToShard subscriptions running on this server, one per consumer and shard. A second
/// call within 5 s of the running one's start is refused with ResourceInUse; a later one takes over
/// and the running one ends with a ResourceInUse event, as AWS documents. Deregistering a consumer
/// ends its subscriptions. Servers sharing a store would keep this table in the store instead; a
/// subscription is only ever reachable through the server that holds its connection.
/// </summary>
internal sealed class Subscriptions
{
    public static readonly TimeSpan TakeOverAfter = TimeSpan.FromSeconds(5);

    private readonly Dictionary<(string ConsumerArn, int ShardIndex), Lease> _running = [];
    private readonly Lock _lock = new();

    /// <summary>How many subscriptions run now.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _running.Count;
            }
        }
    }

    /// <summary>Takes the consumer's subscription to the shard; dispose the lease when the subscription ends.</summary>
    public Lease Start(string consumerArn, int shardIndex, long nowMs)
    {
        var key = (consumerArn, shardIndex);
        Lease? replaced = null;
        Lease lease;
        lock (_lock)
        {
            if (_running.TryGetValue(key, out var running))
            {
                if (nowMs - running.StartedAtMs < TakeOverAfter.TotalMilliseconds)
                {
                    throw ApiErrors.SubscriptionExists(consumerArn);
                }

                replaced = running;
            }

            lease = new Lease(this, key, nowMs);
            _running[key] = lease;
        }

        replaced?.End(SubscriptionEnd.TakenOver);
        return lease;
    }

    /// <summary>Ends every subscription of a consumer that is gone.</summary>
    public void EndConsumer(string consumerArn)
    {
        List<Lease> ending;
        lock (_lock)
        {
            ending = [.. _running.Where(entry => entry.Key.ConsumerArn == consumerArn).Select(entry => entry.Value)];
        }

        foreach (var lease in ending)
        {
            lease.End(SubscriptionEnd.ConsumerGone);
        }
    }

    /// <summary>Ends every subscription to a deleted stream (named by its ARN).</summary>
    public void EndStream(string streamArn)
    {
        var prefix = streamArn + "/consumer/";
        List<Lease> ending;
        lock (_lock)
        {
            ending = [.. _running.Where(entry => entry.Key.ConsumerArn.StartsWith(prefix, StringComparison.Ordinal)).Select(entry => entry.Value)];
        }

        foreach (var lease in ending)
        {
            lease.End(SubscriptionEnd.StreamGone);
        }
    }

    /// <summary>Ends every subscription, for a server that is stopping: their streams end as at the end of their lifetime, and readers subscribe again.</summary>
    public void EndAll()
    {
        List<Lease> ending;
        lock (_lock)
        {
            ending = [.. _running.Values];
        }

        foreach (var lease in ending)
        {
            lease.End(SubscriptionEnd.ServerStopping);
        }
    }

    private void Release(Lease lease)
    {
        lock (_lock)
        {
            if (_running.TryGetValue(lease.Key, out var current) && ReferenceEquals(current, lease))
            {
                _running.Remove(lease.Key);
            }
        }
    }

    /// <summary>One running subscription's hold on its consumer and shard.</summary>
    public sealed class Lease : IDisposable
    {
        private readonly Subscriptions _owner;
        private readonly CancellationTokenSource _ended = new();
        private int _reason;

        internal Lease(Subscriptions owner, (string ConsumerArn, int ShardIndex) key, long startedAtMs)
        {
            _owner = owner;
            Key = key;
            StartedAtMs = startedAtMs;
        }

        public long StartedAtMs { get; }

        /// <summary>Cancelled when something other than the subscription itself ends it.</summary>
        public CancellationToken Ended => _ended.Token;

        public SubscriptionEnd Reason => (SubscriptionEnd)Volatile.Read(ref _reason);

        internal (string ConsumerArn, int ShardIndex) Key { get; }

        public void Dispose()
        {
            _owner.Release(this);
            _ended.Dispose();
        }

        internal void End(SubscriptionEnd reason)
        {
            if (Interlocked.CompareExchange(ref _reason, (int)reason, 0) != 0)
            {
                return;
            }

            try
            {
                _ended.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // It ended by itself meanwhile.
            }
        }
    }
}

/// <summary>Why a subscription was ended from outside.</summary>
internal enum SubscriptionEnd
{
    None,
    TakenOver,
    ConsumerGone,
    StreamGone,
    ServerStopping,
}
