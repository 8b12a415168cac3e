using Rivulet.Api.Streams;
using Rivulet.Protocol.Model;

namespace Rivulet.Api.Operations;

internal sealed class IncreaseStreamRetentionPeriod : IOperation<IncreaseStreamRetentionPeriodInput>
{
    private readonly StreamResolver _streams;

    public IncreaseStreamRetentionPeriod(StreamResolver streams) => _streams = streams;

    public async ValueTask ExecuteAsync(RequestContext context, IncreaseStreamRetentionPeriodInput input, CancellationToken cancellationToken)
    {
        var hours = input.RetentionPeriodHours!.Value;
        RetentionPeriod.CheckBounds(hours);
        await _streams.UpdateAsync(context, input.StreamName, input.StreamARN, stream =>
        {
            if (stream.Status != StreamStatus.Active)
            {
                throw ApiErrors.StreamNotActive(stream.Key.StreamName, stream.Key.AccountId, stream.Status);
            }

            if (hours < stream.RetentionPeriodHours)
            {
                throw ApiErrors.RetentionNotLonger(hours, stream.Key.StreamName, stream.RetentionPeriodHours);
            }

            return hours == stream.RetentionPeriodHours ? stream : stream with { RetentionPeriodHours = hours };
        }, cancellationToken).ConfigureAwait(false);
    }
}
