using Rivulet.Api.Streams;
using Rivulet.Protocol.Model;

namespace Rivulet.Api.Operations;

internal sealed class DisableEnhancedMonitoring : IOperation<DisableEnhancedMonitoringInput, EnhancedMonitoringOutput>
{
    private readonly StreamResolver _streams;

    public DisableEnhancedMonitoring(StreamResolver streams) => _streams = streams;

    public ValueTask<EnhancedMonitoringOutput> ExecuteAsync(RequestContext context, DisableEnhancedMonitoringInput input, CancellationToken cancellationToken) =>
        EnhancedMonitoring.ChangeAsync(_streams, context, input.StreamName, input.StreamARN, input.ShardLevelMetrics!, enable: false, cancellationToken);
}
