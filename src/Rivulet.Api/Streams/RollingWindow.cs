using System.Collections.Immutable;

namespace Rivulet.Api.Streams;

/// <summary>AWS's "N times in a rolling 24-hour period" limits, over the call times a stream keeps.</summary>
internal static class RollingWindow
{
    public const long DayMs = 24 * RetentionPeriod.MillisecondsPerHour;

    /// <summary>The times of <paramref name="times"/> within the 24 hours before <paramref name="nowMs"/>; older ones no longer count and are dropped.</summary>
    public static ImmutableArray<long> LastDay(ImmutableArray<long> times, long nowMs)
    {
        var from = nowMs - DayMs;
        var kept = 0;
        foreach (var time in times)
        {
            kept += time > from ? 1 : 0;
        }

        if (kept == times.Length)
        {
            return times;
        }

        var recent = ImmutableArray.CreateBuilder<long>(kept);
        foreach (var time in times)
        {
            if (time > from)
            {
                recent.Add(time);
            }
        }

        return recent.MoveToImmutable();
    }
}
