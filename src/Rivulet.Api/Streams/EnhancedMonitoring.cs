using Rivulet.Protocol.Model;

namespace Rivulet.Api.Streams;

/// <summary>What Enable- and DisableEnhancedMonitoring share: the change to an ACTIVE stream's metrics and the answer both give.</summary>
internal static class EnhancedMonitoring
{
    public static async ValueTask<EnhancedMonitoringOutput> ChangeAsync(StreamResolver streams, RequestContext context, string? streamName, string? streamArn, List<string> metrics, bool enable, CancellationToken cancellationToken)
    {
        List<string> before = [];
        var updated = await streams.UpdateAsync(context, streamName, streamArn, stream =>
        {
            StreamChange.RequireActive(stream);
            before = [.. stream.ShardLevelMetrics];
            var after = ShardLevelMetrics.Change(stream.ShardLevelMetrics, metrics, enable);
            return after.AsSpan().SequenceEqual(stream.ShardLevelMetrics.AsSpan()) ? stream : stream with { ShardLevelMetrics = after };
        }, cancellationToken).ConfigureAwait(false);

        return new EnhancedMonitoringOutput
        {
            StreamName = updated.Key.StreamName,
            StreamARN = StreamArn.Format(updated.Key),
            CurrentShardLevelMetrics = before,
            DesiredShardLevelMetrics = [.. updated.ShardLevelMetrics],
        };
    }
}
