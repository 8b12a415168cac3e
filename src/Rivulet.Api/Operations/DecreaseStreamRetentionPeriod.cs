using Rivulet.Api.Streams;
using Rivulet.Protocol.Model;

namespace Rivulet.Api.Operations;

/// <summary>Shortens retention; records older than the new period become invisible at once and their space is reclaimed by the sweeper.</summary>
internal sealed class DecreaseStreamRetentionPeriod : IOperation<DecreaseStreamRetentionPeriodInput>
{
    private readonly StreamResolver _streams;

    public DecreaseStreamRetentionPeriod(StreamResolver streams) => _streams = streams;

    public async ValueTask ExecuteAsync(RequestContext context, DecreaseStreamRetentionPeriodInput input, CancellationToken cancellationToken)
    {
        var hours = input.RetentionPeriodHours!.Value;
        RetentionPeriod.CheckBounds(hours);
        await _streams.UpdateAsync(context, input.StreamName, input.StreamARN, stream =>
        {
            if (stream.Status != StreamStatus.Active)
            {
                throw ApiErrors.StreamNotActive(stream.Key.StreamName, stream.Key.AccountId, stream.Status);
            }

            if (hours > stream.RetentionPeriodHours)
            {
                throw ApiErrors.RetentionNotShorter(hours, stream.Key.StreamName, stream.RetentionPeriodHours);
            }

            return hours == stream.RetentionPeriodHours ? stream : stream with { RetentionPeriodHours = hours };
        }, cancellationToken).ConfigureAwait(false);
    }
}
