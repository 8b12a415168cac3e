using Rivulet.Api.Accounts;
using Rivulet.Api.Channels;
using Rivulet.Api.Consumers;
using Rivulet.Api.Streams;
using Rivulet.Protocol.Model;
using Rivulet.Storage;

namespace Rivulet.Api.Operations;

internal sealed class DescribeStreamSummary : IOperation<DescribeStreamSummaryInput, DescribeStreamSummaryOutput>
{
    private readonly IStreamStore _store;
    private readonly StreamResolver _streams;
    private readonly ChannelRegistry _channels;

    public DescribeStreamSummary(IStreamStore store, StreamResolver streams, ChannelRegistry channels)
    {
        _store = store;
        _streams = streams;
        _channels = channels;
    }

    public async ValueTask<DescribeStreamSummaryOutput> ExecuteAsync(RequestContext context, DescribeStreamSummaryInput input, CancellationToken cancellationToken)
    {
        var stream = await _streams.GetAsync(context, input.StreamName, input.StreamARN, cancellationToken).ConfigureAwait(false);
        var openShards = 0;
        foreach (var shard in stream.Shards)
        {
            openShards += shard.IsOpen ? 1 : 0;
        }

        var onDemand = stream.StreamMode == StreamModes.OnDemand;

        // Warm throughput is shown only for on-demand streams of accounts with the billing commitment (WarmThroughputObject docs).
        var warm = onDemand && BillingCommitment.IsActive(await BillingCommitment.GetAsync(_store, context.For(stream.Key.Account), cancellationToken).ConfigureAwait(false))
            ? WarmThroughput.View(stream, context.NowMs)
            : null;

        // Absent rather than failing the whole call when the account's channels cannot be read.
        var channelCount = await _channels.CountReadingAsync(context, stream, cancellationToken).ConfigureAwait(false);
        return new DescribeStreamSummaryOutput
        {
            StreamDescriptionSummary = new StreamDescriptionSummary
            {
                StreamName = stream.Key.StreamName,
                StreamARN = StreamArn.Format(stream.Key),
                StreamStatus = stream.Status,
                StreamModeDetails = new StreamModeDetails { StreamMode = stream.StreamMode },
                RetentionPeriodHours = stream.RetentionPeriodHours,
                StreamCreationTimestamp = DateTimeOffset.FromUnixTimeMilliseconds(stream.CreatedAtMs),
                EnhancedMonitoring = [new EnhancedMetrics { ShardLevelMetrics = [.. stream.ShardLevelMetrics] }],
                EncryptionType = stream.EncryptionType,
                KeyId = stream.KeyId,
                OpenShardCount = openShards,
                ConsumerCount = ConsumerRegistry.Settle(stream.Consumers, context.NowMs).Length,
                MaxRecordSizeInKiB = stream.MaxRecordSizeInKiB,
                WarmThroughput = warm,
                RecordDistributionStrategy = onDemand ? stream.RecordDistributionStrategy : null,
                ChannelCount = channelCount,
            },
        };
    }
}
