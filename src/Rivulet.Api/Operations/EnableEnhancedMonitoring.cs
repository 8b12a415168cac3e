using Rivulet.Api.Streams;
using Rivulet.Protocol.Model;

namespace Rivulet.Api.Operations;

internal sealed class EnableEnhancedMonitoring : IOperation<EnableEnhancedMonitoringInput, EnhancedMonitoringOutput>
{
    private readonly StreamResolver _streams;

    public EnableEnhancedMonitoring(StreamResolver streams) => _streams = streams;

    public ValueTask<EnhancedMonitoringOutput> ExecuteAsync(RequestContext context, EnableEnhancedMonitoringInput input, CancellationToken cancellationToken) =>
        EnhancedMonitoring.ChangeAsync(_streams, context, input.StreamName, input.StreamARN, input.ShardLevelMetrics!, enable: true, cancellationToken);
}
