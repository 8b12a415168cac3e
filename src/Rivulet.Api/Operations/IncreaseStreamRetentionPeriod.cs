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
        await RetentionPeriod.ChangeAsync(_streams, context, input.StreamName, input.StreamARN, hours, stream =>
            hours < stream.RetentionPeriodHours ? ApiErrors.RetentionNotLonger(hours, stream.Key.StreamName, stream.RetentionPeriodHours) : null, cancellationToken).ConfigureAwait(false);
    }
}
