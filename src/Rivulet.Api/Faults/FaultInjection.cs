using Rivulet.Api.Throughput;
using Rivulet.Protocol.Model;
using Rivulet.Storage;

namespace Rivulet.Api.Faults;

/// <summary>
/// Fails and delays calls on purpose, so that retry and backoff code can be tested: the plan in
/// force (<see cref="FaultPlan"/>) can be swapped at any time, between two calls of a test.
/// ProvisionedThroughputExceeded is decided where the throughput limits decide it (this wraps the
/// <see cref="IThroughputGate"/>), so an injected one looks exactly like a real one: per entry in
/// PutRecords, with the shard in the message. The other errors are thrown before the operation
/// runs (<see cref="KinesisService"/>), so a failed call changes nothing.
/// </summary>
public sealed class FaultInjection : IThroughputGate
{
    private readonly IThroughputGate _limits;
    private readonly Random _random;
    private readonly Lock _randomLock = new();
    private volatile FaultPlan _plan;

    /// <param name="limits">The throughput limits behind the injected faults.</param>
    /// <param name="random">Where the dice come from; a seeded one makes a test's faults repeatable.</param>
    public FaultInjection(IThroughputGate limits, FaultPlan? plan = null, Random? random = null)
    {
        _limits = limits;
        _plan = plan ?? FaultPlan.None;
        _random = random ?? new Random();
    }

    /// <summary>The throughput limits behind the faults.</summary>
    public IThroughputGate Limits => _limits;

    /// <summary>The plan in force; setting it takes effect from the next call.</summary>
    public FaultPlan Plan
    {
        get => _plan;
        set => _plan = value;
    }

    /// <summary>The error to answer <paramref name="operation"/> with now, if the dice say so; null to go on.</summary>
    public string? Roll(KinesisOperation operation, bool throughputErrors)
    {
        if (_plan.FaultFor(operation) is not { } fault || (fault.Error == FaultPlan.ProvisionedThroughputExceeded) != throughputErrors)
        {
            return null;
        }

        return Hits(fault.Probability) ? fault.Error : null;
    }

    public bool TryAdmit(RequestContext context, StreamMetadata stream, ShardMetadata shard, int recordBytes) =>
        !Throttled(context) && _limits.TryAdmit(context, stream, shard, recordBytes);

    public bool TryRead(RequestContext context, StreamMetadata stream, ShardMetadata shard) =>
        !Throttled(context) && _limits.TryRead(context, stream, shard);

    public void ChargeRead(RequestContext context, StreamMetadata stream, ShardMetadata shard, long bytes) =>
        _limits.ChargeRead(context, stream, shard, bytes);

    public bool TryGetIterator(RequestContext context, StreamMetadata stream, ShardMetadata shard) =>
        !Throttled(context) && _limits.TryGetIterator(context, stream, shard);

    public bool TrySubscribe(RequestContext context, StreamMetadata stream, ShardMetadata shard, string consumerArn) =>
        _limits.TrySubscribe(context, stream, shard, consumerArn);

    public TimeSpan Pace(StreamMetadata stream, ShardMetadata shard, string consumerArn, long bytes, long nowMs) =>
        _limits.Pace(stream, shard, consumerArn, bytes, nowMs);

    public bool TryCall(RequestContext context, KinesisOperation operation, StreamMetadata? stream) =>
        _limits.TryCall(context, operation, stream);

    private bool Throttled(RequestContext context) =>
        context.OperationId is { } operation && Roll(operation, throughputErrors: true) is not null;

    private bool Hits(double probability)
    {
        if (probability >= 1)
        {
            return true;
        }

        if (probability <= 0)
        {
            return false;
        }

        lock (_randomLock)
        {
            return _random.NextDouble() < probability;
        }
    }
}
