using Rivulet.Protocol.Model;
using Rivulet.Storage;

namespace Rivulet.Api.Streams;

/// <summary>
/// The write throughput an on-demand stream is scaled for. A request sets a target; the stream
/// reaches it when its UPDATING step ends, and until then the value before the request is current.
/// Without any request the stream is scaled for what its open shards take (1 MiB/s each: a new
/// on-demand stream's 4 shards give AWS's 4 MiB/s).
/// </summary>
internal static class WarmThroughput
{
    /// <summary>AWS will not warm an on-demand stream past 10 GiB/s.</summary>
    public const int MaximumMiBps = 10 * 1024;

    public static int CurrentMiBps(StreamMetadata stream, long nowMs)
    {
        if (stream.WarmThroughputTargetMiBps is { } target && (stream.WarmThroughputSettlesAtMs is not { } settlesAt || settlesAt <= nowMs))
        {
            return target;
        }

        return stream.WarmThroughputPreviousMiBps ?? OpenShardMiBps(stream);
    }

    public static WarmThroughputObject View(StreamMetadata stream, long nowMs) => new()
    {
        TargetMiBps = stream.WarmThroughputTargetMiBps,
        CurrentMiBps = CurrentMiBps(stream, nowMs),
    };

    /// <summary><paramref name="stream"/> asked to scale to <paramref name="targetMiBps"/>, reached when the update delay has passed.</summary>
    public static StreamMetadata Toward(StreamMetadata stream, int targetMiBps, RequestContext context, KinesisOptions options)
    {
        var delay = (long)options.UpdateStreamDelay.TotalMilliseconds;
        return stream with
        {
            WarmThroughputPreviousMiBps = CurrentMiBps(stream, context.NowMs),
            WarmThroughputTargetMiBps = targetMiBps,
            WarmThroughputSettlesAtMs = delay > 0 ? context.NowMs + delay : null,
        };
    }

    /// <summary>A provisioned stream has no warm throughput: its shards are its capacity.</summary>
    public static StreamMetadata Cleared(StreamMetadata stream) =>
        stream with { WarmThroughputTargetMiBps = null, WarmThroughputPreviousMiBps = null, WarmThroughputSettlesAtMs = null };

    private static int OpenShardMiBps(StreamMetadata stream)
    {
        var open = 0;
        foreach (var shard in stream.Shards)
        {
            open += shard.IsOpen ? 1 : 0;
        }

        return open;
    }
}
