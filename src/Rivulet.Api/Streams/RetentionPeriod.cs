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

    /// <summary>The oldest arrival time a reader may still see.</summary>
    public static long TrimHorizonMs(int hours, long nowMs) => nowMs - (hours * MillisecondsPerHour);
}
