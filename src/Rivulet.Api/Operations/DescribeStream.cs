using Rivulet.Api.Streams;
using Rivulet.Protocol.Model;

namespace Rivulet.Api.Operations;

internal sealed class DescribeStream : IOperation<DescribeStreamInput, DescribeStreamOutput>
{
    // AWS returns at most 100 shards per call whatever Limit says.
    private const int MaxShardsPerCall = 100;

    private readonly StreamResolver _streams;

    public DescribeStream(StreamResolver streams) => _streams = streams;

    public async ValueTask<DescribeStreamOutput> ExecuteAsync(RequestContext context, DescribeStreamInput input, CancellationToken cancellationToken)
    {
        var stream = await _streams.GetAsync(context, input.StreamName, input.StreamARN, cancellationToken).ConfigureAwait(false);
        var limit = Math.Min(input.Limit ?? MaxShardsPerCall, MaxShardsPerCall);
        var after = ShardIds.TryParse(input.ExclusiveStartShardId, out var index) ? index : -1;
        var shards = new List<Shard>();
        var hasMore = false;
        foreach (var shard in stream.Shards)
        {
            if (shard.Index <= after || !ShardView.IsRetained(stream, shard, context.NowMs))
            {
                continue;
            }

            if (shards.Count == limit)
            {
                hasMore = true;
                break;
            }

            shards.Add(ShardView.ToShard(shard));
        }

        return new DescribeStreamOutput
        {
            StreamDescription = new StreamDescription
            {
                StreamName = stream.Key.StreamName,
                StreamARN = StreamArn.Format(stream.Key),
                StreamStatus = stream.Status,
                StreamModeDetails = new StreamModeDetails { StreamMode = stream.StreamMode },
                Shards = shards,
                HasMoreShards = hasMore,
                RetentionPeriodHours = stream.RetentionPeriodHours,
                StreamCreationTimestamp = DateTimeOffset.FromUnixTimeMilliseconds(stream.CreatedAtMs),
                EnhancedMonitoring = [new EnhancedMetrics { ShardLevelMetrics = [.. stream.ShardLevelMetrics] }],
                EncryptionType = stream.EncryptionType,
                KeyId = stream.KeyId,
            },
        };
    }
}
