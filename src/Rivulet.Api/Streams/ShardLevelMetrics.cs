using System.Collections.Immutable;

namespace Rivulet.Api.Streams;

/// <summary>The enhanced monitoring metrics (the model's MetricsName enum); "ALL" stands for every one of them.</summary>
internal static class ShardLevelMetrics
{
    public const string All = "ALL";

    /// <summary>Every metric, in the model's order: the order Rivulet keeps and reports them in.</summary>
    public static readonly ImmutableArray<string> Every =
    [
        "IncomingBytes",
        "IncomingRecords",
        "OutgoingBytes",
        "OutgoingRecords",
        "WriteProvisionedThroughputExceeded",
        "ReadProvisionedThroughputExceeded",
        "IteratorAgeMilliseconds",
    ];

    /// <summary>The metrics of <paramref name="current"/> with <paramref name="requested"/> added (<paramref name="enable"/>) or taken away.</summary>
    public static ImmutableArray<string> Change(ImmutableArray<string> current, List<string> requested, bool enable)
    {
        var all = false;
        foreach (var name in requested)
        {
            all |= name == All;
        }

        var changed = ImmutableArray.CreateBuilder<string>(Every.Length);
        foreach (var metric in Every)
        {
            var asked = all || requested.Contains(metric);
            if (enable ? asked || current.Contains(metric) : !asked && current.Contains(metric))
            {
                changed.Add(metric);
            }
        }

        return changed.ToImmutable();
    }
}
