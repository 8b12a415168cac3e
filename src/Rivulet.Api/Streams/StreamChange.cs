using Rivulet.Storage;

namespace Rivulet.Api.Streams;

/// <summary>
/// The rules every stream mutation shares: AWS changes only an ACTIVE stream, and a change that
/// takes AWS time (a reshard, an encryption or mode change) passes through UPDATING first.
/// </summary>
internal static class StreamChange
{
    /// <exception cref="KinesisException">RIU: "Stream X under account Y not ACTIVE, instead in state S".</exception>
    public static void RequireActive(StreamMetadata stream)
    {
        if (stream.Status != StreamStatus.Active)
        {
            throw ApiErrors.StreamNotActive(stream.Key.StreamName, stream.Key.AccountId, stream.Status);
        }
    }

    /// <summary><paramref name="changed"/> marked UPDATING until the update delay has passed, or left ACTIVE when there is none.</summary>
    public static StreamMetadata Updating(StreamMetadata changed, RequestContext context, KinesisOptions options)
    {
        var delay = (long)options.UpdateStreamDelay.TotalMilliseconds;
        return delay > 0
            ? changed with { Status = StreamStatus.Updating, StatusSettlesAtMs = context.NowMs + delay }
            : changed with { Status = StreamStatus.Active, StatusSettlesAtMs = null };
    }
}
