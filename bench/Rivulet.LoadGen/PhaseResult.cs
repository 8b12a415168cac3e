namespace Rivulet.LoadGen;

internal readonly record struct LatencySummary(double P50Ms, double P99Ms, double MaxMs)
{
    // Nearest-rank percentiles over Stopwatch ticks; the array is sorted in place.
    public static LatencySummary From(long[] ticks)
    {
        if (ticks.Length == 0)
            return default;
        Array.Sort(ticks);
        return new LatencySummary(Rank(ticks, 0.50), Rank(ticks, 0.99), Milliseconds(ticks[^1]));
    }

    private static double Rank(long[] sorted, double percentile) =>
        Milliseconds(sorted[Math.Max(0, (int)Math.Ceiling(percentile * sorted.Length) - 1)]);

    private static double Milliseconds(long ticks) => ticks * 1000.0 / System.Diagnostics.Stopwatch.Frequency;
}

internal sealed record PhaseResult(
    PhaseSpec Spec,
    int RecordsPerRequest,
    double ElapsedSeconds,
    long Requests,
    long RequestErrors,
    long Records,
    long FailedRecords,
    long IndeterminateRecords,
    long PayloadBytes,
    LatencySummary Latency,
    string? FirstError)
{
    // Acknowledged records only; failed and indeterminate ones do not count as throughput.
    public double RecordsPerSecond => ElapsedSeconds > 0 ? Records / ElapsedSeconds : 0;

    // Data bytes of acknowledged records (not base64, not keys), in MB = 10^6 bytes.
    public double MegabytesPerSecond => ElapsedSeconds > 0 ? PayloadBytes / 1e6 / ElapsedSeconds : 0;
}
