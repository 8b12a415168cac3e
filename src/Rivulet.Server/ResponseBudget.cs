namespace Rivulet.Server;

/// <summary>
/// The bytes of response bodies that all connections together may hold while their clients read
/// them: a large answer waits here (first come, first served) until the answers before it are
/// written or dropped, so slow readers cannot together pin memory without limit.
/// </summary>
internal sealed class ResponseBudget
{
    private readonly Lock _lock = new();
    private readonly LinkedList<Waiter> _waiters = new();
    private long _available;

    public ResponseBudget(long capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        _available = capacity;
    }

    public long Capacity { get; }

    /// <summary>What is not held now, for tests and diagnostics.</summary>
    public long Available
    {
        get
        {
            lock (_lock)
            {
                return _available;
            }
        }
    }

    /// <summary>Requests waiting for their share now, for tests and diagnostics.</summary>
    public int Waiting
    {
        get
        {
            lock (_lock)
            {
                return _waiters.Count;
            }
        }
    }

    /// <summary>
    /// Waits for <paramref name="bytes"/> of the budget (at most the whole of it, so an answer
    /// larger than the budget still goes, alone); dispose the lease to give them back.
    /// </summary>
    public async ValueTask<Lease> AcquireAsync(long bytes, CancellationToken cancellationToken)
    {
        var amount = Math.Clamp(bytes, 0, Capacity);
        Waiter waiter;
        lock (_lock)
        {
            if (_waiters.Count == 0 && _available >= amount)
            {
                _available -= amount;
                return new Lease(this, amount);
            }

            waiter = new Waiter(amount);
            waiter.Node = _waiters.AddLast(waiter);
        }

        using (cancellationToken.Register(() => Cancel(waiter)))
        {
            await waiter.Granted.Task.ConfigureAwait(false);
        }

        return new Lease(this, amount);
    }

    private bool Cancel(Waiter waiter)
    {
        lock (_lock)
        {
            if (waiter.Node?.List is null)
            {
                return false; // granted already; the lease is returned by the awaiting caller
            }

            _waiters.Remove(waiter.Node);
            GrantWaitersLocked();
        }

        return waiter.Granted.TrySetCanceled();
    }

    private void Release(long amount)
    {
        lock (_lock)
        {
            _available += amount;
            GrantWaitersLocked();
        }
    }

    private void GrantWaitersLocked()
    {
        while (_waiters.First is { } first && first.Value.Amount <= _available)
        {
            _available -= first.Value.Amount;
            _waiters.RemoveFirst();
            first.Value.Granted.TrySetResult();
        }
    }

    /// <summary>A share of the budget; disposing it twice gives it back once.</summary>
    public sealed class Lease : IDisposable
    {
        private ResponseBudget? _budget;
        private long _amount;

        internal Lease(ResponseBudget budget, long amount)
        {
            _budget = budget;
            _amount = amount;
        }

        public long Amount => Interlocked.Read(ref _amount);

        /// <summary>Gives back what is held beyond <paramref name="amount"/>: an answer reserved at its largest size turned out smaller.</summary>
        public void ShrinkTo(long amount)
        {
            var budget = Volatile.Read(ref _budget);
            var held = Interlocked.Read(ref _amount);
            var kept = Math.Clamp(amount, 0, held);
            if (budget is not null && kept < held && Interlocked.CompareExchange(ref _amount, kept, held) == held)
            {
                budget.Release(held - kept);
            }
        }

        public void Dispose() => Interlocked.Exchange(ref _budget, null)?.Release(Interlocked.Read(ref _amount));
    }

    private sealed class Waiter(long amount)
    {
        public long Amount { get; } = amount;

        public LinkedListNode<Waiter>? Node { get; set; }

        public TaskCompletionSource Granted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
