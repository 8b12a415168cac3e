using Rivulet.Storage;

namespace Rivulet.Api.Throughput;

/// <summary>Admits everything: the default until throughput limits are switched on.</summary>
public sealed class UnlimitedThroughput : IThroughputGate
{
    public static readonly UnlimitedThroughput Instance = new();

    public bool TryAdmit(StreamMetadata stream, ShardMetadata shard, int recordBytes, long nowMs) => true;
}
