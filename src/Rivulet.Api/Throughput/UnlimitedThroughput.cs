using Rivulet.Protocol.Model;
using Rivulet.Storage;

namespace Rivulet.Api.Throughput;

/// <summary>Admits everything: the default until throughput limits are switched on.</summary>
public sealed class UnlimitedThroughput : IThroughputGate
{
    public static readonly UnlimitedThroughput Instance = new();

    public bool TryAdmit(RequestContext context, StreamMetadata stream, ShardMetadata shard, int recordBytes) => true;

    public bool TryRead(RequestContext context, StreamMetadata stream, ShardMetadata shard) => true;

    public void ChargeRead(RequestContext context, StreamMetadata stream, ShardMetadata shard, long bytes)
    {
    }

    public bool TryGetIterator(RequestContext context, StreamMetadata stream, ShardMetadata shard) => true;

    public bool TrySubscribe(RequestContext context, StreamMetadata stream, ShardMetadata shard, string consumerArn) => true;

    public TimeSpan Pace(StreamMetadata stream, ShardMetadata shard, string consumerArn, long bytes, long nowMs) => TimeSpan.Zero;

    public bool TryCall(RequestContext context, KinesisOperation operation, StreamMetadata? stream) => true;
}
