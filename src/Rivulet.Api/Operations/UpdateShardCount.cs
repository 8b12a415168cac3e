using Rivulet.Api.Streams;
using Rivulet.Protocol.Model;
using Rivulet.Storage;

namespace Rivulet.Api.Operations;

/// <summary>
/// UNIFORM_SCALING to a target count within AWS's default limits: at most double and at least half
/// the open shards, at most 10,000 shards in the stream, at most 10 calls per stream in any 24 hours.
/// </summary>
internal sealed class UpdateShardCount : IOperation<UpdateShardCountInput, UpdateShardCountOutput>
{
    private const int MaxShardsPerStream = 10_000;
    private const int MaxCallsPerDay = 10;
    private const long DayMs = 24 * RetentionPeriod.MillisecondsPerHour;

    private readonly IStreamStore _store;
    private readonly StreamResolver _streams;
    private readonly KinesisOptions _options;

    public UpdateShardCount(IStreamStore store, StreamResolver streams, KinesisOptions options)
    {
        _store = store;
        _streams = streams;
        _options = options;
    }

    public async ValueTask<UpdateShardCountOutput> ExecuteAsync(RequestContext context, UpdateShardCountInput input, CancellationToken cancellationToken)
    {
        var target = input.TargetShardCount!.Value;
        var current = 0;
        var stream = await ReshardCommit.ApplyAsync(_store, _streams, context, _options, nameof(UpdateShardCount), input.StreamName, input.StreamARN, (stream, effectiveAtMs) =>
        {
            current = stream.Shards.Count(shard => shard.IsOpen);
            if (RecentCalls(stream, context.NowMs) >= MaxCallsPerDay)
            {
                throw ApiErrors.TooManyShardCountUpdates(MaxCallsPerDay, stream.Key.StreamName, stream.Key.AccountId);
            }

            if (target > 2L * current)
            {
                throw ApiErrors.ScaleAboveDouble(current, target);
            }

            if (2L * target < current)
            {
                throw ApiErrors.ScaleBelowHalf(current, target);
            }

            if (target > MaxShardsPerStream)
            {
                throw ApiErrors.ScaleAboveStreamMaximum(MaxShardsPerStream, current, target);
            }

            return Resharding.UniformScale(stream.Shards, target, effectiveAtMs).Shards;
        }, stream => stream with { ShardCountUpdatesMs = [.. stream.ShardCountUpdatesMs.Where(at => at > context.NowMs - DayMs), context.NowMs] }, cancellationToken).ConfigureAwait(false);

        return new UpdateShardCountOutput
        {
            StreamName = stream.Key.StreamName,
            StreamARN = StreamArn.Format(stream.Key),
            CurrentShardCount = current,
            TargetShardCount = target,
        };
    }

    private static int RecentCalls(StreamMetadata stream, long nowMs) => stream.ShardCountUpdatesMs.Count(at => at > nowMs - DayMs);
}
