namespace Rivulet.Api.Tests.Throughput;

/// <summary>Stream metadata for calling the limits directly, without a store.</summary>
internal static class TestStreams
{
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
