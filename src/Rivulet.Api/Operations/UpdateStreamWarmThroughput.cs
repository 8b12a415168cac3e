using Rivulet.Api.Accounts;
using Rivulet.Api.Streams;
using Rivulet.Protocol.Model;
using Rivulet.Storage;

namespace Rivulet.Api.Operations;

/// <summary>
/// Scales an on-demand stream to a warm throughput, or releases capacity with the same or a lower
/// value. Only for accounts with the minimum throughput billing commitment; the stream passes
/// through UPDATING and reaches the target when it is ACTIVE again.
/// </summary>
internal sealed class UpdateStreamWarmThroughput : IOperation<UpdateStreamWarmThroughputInput, UpdateStreamWarmThroughputOutput>
{
    private readonly IStreamStore _store;
    private readonly StreamResolver _streams;
    private readonly KinesisOptions _options;

    public UpdateStreamWarmThroughput(IStreamStore store, StreamResolver streams, KinesisOptions options)
    {
        _store = store;
        _streams = streams;
        _options = options;
    }

    public async ValueTask<UpdateStreamWarmThroughputOutput> ExecuteAsync(RequestContext context, UpdateStreamWarmThroughputInput input, CancellationToken cancellationToken)
    {
        var target = input.WarmThroughputMiBps!.Value;
        var found = await _streams.GetAsync(context, input.StreamName, input.StreamARN, cancellationToken).ConfigureAwait(false);
        CheckStream(found);
        await WarmThroughputRules.CheckAsync(_store, context, found.Key.Account, target, cancellationToken).ConfigureAwait(false);

        var updated = await _streams.UpdateAsync(context, input.StreamName, input.StreamARN, stream =>
        {
            CheckStream(stream);
            return StreamChange.Updating(WarmThroughput.Toward(stream, target, context, _options), context, _options);
        }, cancellationToken).ConfigureAwait(false);

        return new UpdateStreamWarmThroughputOutput
        {
            StreamARN = StreamArn.Format(updated.Key),
            StreamName = updated.Key.StreamName,
            WarmThroughput = WarmThroughput.View(updated, context.NowMs),
        };
    }

    private static void CheckStream(StreamMetadata stream)
    {
        StreamChange.RequireActive(stream);
        if (stream.StreamMode != StreamModes.OnDemand)
        {
            throw ApiErrors.WarmThroughputNeedsOnDemand(stream.Key.StreamName, stream.Key.AccountId);
        }
    }
}
