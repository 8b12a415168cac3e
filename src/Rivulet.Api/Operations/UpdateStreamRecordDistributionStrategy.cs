using Rivulet.Api.Streams;
using Rivulet.Protocol.Model;

namespace Rivulet.Api.Operations;

/// <summary>
/// Switches an on-demand stream between AUTO and USER_PARTITION_KEY placement. The change is
/// immediate (no UPDATING): records written after it are placed the new way, earlier ones stay where they are.
/// </summary>
internal sealed class UpdateStreamRecordDistributionStrategy : IOperation<UpdateStreamRecordDistributionStrategyInput>
{
    private readonly StreamResolver _streams;

    public UpdateStreamRecordDistributionStrategy(StreamResolver streams) => _streams = streams;

    public async ValueTask ExecuteAsync(RequestContext context, UpdateStreamRecordDistributionStrategyInput input, CancellationToken cancellationToken)
    {
        var strategy = input.RecordDistributionStrategy!;
        await _streams.UpdateAsync(context, null, input.StreamARN, stream =>
        {
            StreamChange.RequireActive(stream);
            if (stream.StreamMode != StreamModes.OnDemand)
            {
                throw ApiErrors.RecordDistributionNeedsOnDemand(stream.Key.StreamName, stream.Key.AccountId);
            }

            return strategy == stream.RecordDistributionStrategy ? stream : stream with { RecordDistributionStrategy = strategy };
        }, cancellationToken).ConfigureAwait(false);
    }
}
