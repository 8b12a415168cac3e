using Rivulet.Storage;

namespace Rivulet.Api.Throughput;

/// <summary>
/// Decides whether a shard takes one more record now. AWS's per-shard limits (1 MiB/s and 1,000
/// records/s) and fault injection plug in here; PutRecords turns a refusal into a per-entry
/// ProvisionedThroughputExceededException without failing the other entries.
/// </summary>
public interface IThroughputGate
{
    bool TryAdmit(StreamMetadata stream, ShardMetadata shard, int recordBytes, long nowMs);
}
