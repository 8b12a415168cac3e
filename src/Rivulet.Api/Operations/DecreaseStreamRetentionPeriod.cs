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
        await RetentionPeriod.ChangeAsync(_streams, context, input.StreamName, input.StreamARN, hours, stream =>
            hours > stream.RetentionPeriodHours ? ApiErrors.RetentionNotShorter(hours, stream.Key.StreamName, stream.RetentionPeriodHours) : null, cancellationToken).ConfigureAwait(false);
    }
}
