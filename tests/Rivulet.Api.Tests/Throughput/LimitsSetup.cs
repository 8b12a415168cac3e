using Rivulet.Api.Throughput;
using Rivulet.Storage.Memory;

namespace Rivulet.Api.Tests.Throughput;

/// <summary>What the limits' tests start from: a harness with the limits on or off by default, or stream metadata for calling them directly.</summary>
internal static class LimitsSetup
{
    public static ApiHarness Harness(bool onByDefault) =>
        new(new KinesisOptions { TokenKey = new byte[32] }, clock => new MemoryStreamStore(clock), new AwsThroughputLimits(onByDefault));

    public static Storage.StreamMetadata Stream(int shards) => new()
    {
        Key = new Storage.StreamKey("000000000000", "us-east-1", "s"),
        CreatedAtMs = 1,
        Status = "ACTIVE",
        StreamMode = "PROVISIONED",
        RetentionPeriodHours = 24,
        MaxRecordSizeInKiB = 1024,
        Shards = [.. Enumerable.Range(0, shards).Select(i => new Storage.ShardMetadata(i, UInt128.Zero, UInt128.MaxValue, 1))],
    };
}
