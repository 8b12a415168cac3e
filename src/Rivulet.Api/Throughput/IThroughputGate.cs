using Rivulet.Protocol.Model;
using Rivulet.Storage;

namespace Rivulet.Api.Throughput;

/// <summary>
/// Decides whether a call or a record goes through now: AWS's throughput limits and fault injection
/// plug in here. A refusal becomes AWS's error for it: ProvisionedThroughputExceeded for writes (per
/// entry in PutRecords, the other entries still written), GetRecords and GetShardIterator, and
/// LimitExceeded for SubscribeToShard and the control plane.
/// </summary>
public interface IThroughputGate
{
    /// <summary>Whether the shard takes a record of <paramref name="recordBytes"/> (data and partition key) now.</summary>
    bool TryAdmit(RequestContext context, StreamMetadata stream, ShardMetadata shard, int recordBytes);

    /// <summary>Whether the shard takes a GetRecords call now.</summary>
    bool TryRead(RequestContext context, StreamMetadata stream, ShardMetadata shard);

    /// <summary>Counts the bytes an admitted GetRecords call returned toward the shard's read rate.</summary>
    void ChargeRead(RequestContext context, StreamMetadata stream, ShardMetadata shard, long bytes);

    /// <summary>Whether the caller may get another iterator for the shard now.</summary>
    bool TryGetIterator(RequestContext context, StreamMetadata stream, ShardMetadata shard);

    /// <summary>Whether the consumer may subscribe to the shard now.</summary>
    bool TrySubscribe(RequestContext context, StreamMetadata stream, ShardMetadata shard, string consumerArn);

    /// <summary>How long a subscription that just pushed <paramref name="bytes"/> waits before it pushes more.</summary>
    TimeSpan Pace(StreamMetadata stream, ShardMetadata shard, string consumerArn, long bytes, long nowMs);

    /// <summary>
    /// Whether a control-plane call goes through now: rates per account are checked without a
    /// <paramref name="stream"/>, rates per stream with one.
    /// </summary>
    bool TryCall(RequestContext context, KinesisOperation operation, StreamMetadata? stream);
}
