using Rivulet.Api.Accounts;
using Rivulet.Api.Streams;
using Rivulet.Protocol.Model;
using Rivulet.Storage;

namespace Rivulet.Api.Operations;

/// <summary>
/// Switches a stream between PROVISIONED and ON_DEMAND (twice a rolling day at most). The shards stay
/// as they are; the stream passes through UPDATING. A stream going provisioned loses what only
/// on-demand streams have: warm throughput and AUTO record distribution.
/// </summary>
internal sealed class UpdateStreamMode : IOperation<UpdateStreamModeInput>
{
    private readonly IStreamStore _store;
    private readonly StreamResolver _streams;
    private readonly KinesisOptions _options;

    public UpdateStreamMode(IStreamStore store, StreamResolver streams, KinesisOptions options)
    {
        _store = store;
        _streams = streams;
        _options = options;
    }

    public async ValueTask ExecuteAsync(RequestContext context, UpdateStreamModeInput input, CancellationToken cancellationToken)
    {
        var mode = input.StreamModeDetails!.StreamMode!;
        var warm = input.WarmThroughputMiBps;
        if (warm is not null && mode != StreamModes.OnDemand)
        {
            throw ApiErrors.WarmThroughputNeedsOnDemandMode();
        }

        // Resolved first so that a missing stream is reported before anything about the account.
        var key = (await _streams.GetAsync(context, null, input.StreamARN, cancellationToken).ConfigureAwait(false)).Key;
        if (warm is { } requested)
        {
            await WarmThroughputRules.CheckAsync(_store, context, key.Account, requested, cancellationToken).ConfigureAwait(false);
        }

        var otherOnDemand = 0;
        if (mode == StreamModes.OnDemand)
        {
            var live = await AccountStreams.ListAsync(_store, key.Account, context.NowMs, cancellationToken).ConfigureAwait(false);
            otherOnDemand = AccountStreams.OnDemand(live, except: key);
        }

        await _streams.UpdateAsync(context, null, input.StreamARN, stream =>
        {
            StreamChange.RequireActive(stream);
            if (stream.StreamMode == mode)
            {
                throw ApiErrors.StreamModeUnchanged(stream.Key.StreamName, stream.Key.AccountId, mode);
            }

            var switches = RollingWindow.LastDay(stream.StreamModeChangesAtMs, context.NowMs);
            if (switches.Length >= StreamModes.SwitchesPerDay)
            {
                throw ApiErrors.StreamModeChangeLimitExceeded(stream.Key.StreamName, stream.Key.AccountId, StreamModes.SwitchesPerDay);
            }

            if (mode == StreamModes.OnDemand && otherOnDemand >= _options.OnDemandStreamLimit)
            {
                throw ApiErrors.OnDemandStreamLimitExceeded(stream.Key.AccountId, stream.Key.Region, otherOnDemand, _options.OnDemandStreamLimit);
            }

            var switched = stream with { StreamMode = mode, StreamModeChangesAtMs = switches.Add(context.NowMs) };
            switched = mode == StreamModes.OnDemand
                ? warm is { } target ? WarmThroughput.Toward(switched, target, context, _options) : switched
                : WarmThroughput.Cleared(switched) with { RecordDistributionStrategy = RecordDistribution.UserPartitionKey };
            return StreamChange.Updating(switched, context, _options);
        }, cancellationToken).ConfigureAwait(false);
    }
}
