using Rivulet.Storage;

namespace Rivulet.Api.Streams;

/// <summary>AWS's retention bounds: 24 hours to 365 days.</summary>
internal static class RetentionPeriod
{
    public const int MinimumHours = 24;
    public const int MaximumHours = 8760;
    public const long MillisecondsPerHour = 3_600_000;

    public static void CheckBounds(int hours)
    {
        if (hours < MinimumHours)
        {
            throw ApiErrors.RetentionTooShort(hours);
        }

        if (hours > MaximumHours)
        {
            throw ApiErrors.RetentionTooLong(hours);
        }
    }

    /// <summary>
    /// Sets an ACTIVE stream's retention to <paramref name="hours"/> after the bounds check and the
    /// operation's own direction check (<paramref name="wrongWay"/> returns the error, or null).
    /// </summary>
    public static async ValueTask ChangeAsync(StreamResolver streams, RequestContext context, string? streamName, string? streamArn, int hours, Func<StreamMetadata, KinesisException?> wrongWay, CancellationToken cancellationToken)
    {
        CheckBounds(hours);
        await streams.UpdateAsync(context, streamName, streamArn, stream =>
        {
            if (stream.Status != StreamStatus.Active)
            {
                throw ApiErrors.StreamNotActive(stream.Key.StreamName, stream.Key.AccountId, stream.Status);
            }

            if (wrongWay(stream) is { } error)
            {
                throw error;
            }

            return hours == stream.RetentionPeriodHours ? stream : stream with { RetentionPeriodHours = hours };
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The oldest arrival time a reader may still see.</summary>
    public static long TrimHorizonMs(int hours, long nowMs) => nowMs - (hours * MillisecondsPerHour);
}
