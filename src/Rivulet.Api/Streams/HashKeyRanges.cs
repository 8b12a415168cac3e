namespace Rivulet.Api.Streams;

/// <summary>How CreateStream divides the 128-bit hash-key space among its shards.</summary>
internal static class HashKeyRanges
{
    /// <summary>
    /// Shard i gets [i·w, (i+1)·w − 1] with w = floor(2^128 / n); the last shard runs to 2^128 − 1.
    /// For n = 3 this gives AWS's published boundaries (wire reference §5.1).
    /// </summary>
    public static (UInt128 Start, UInt128 End)[] Split(int shardCount)
    {
        var ranges = new (UInt128, UInt128)[shardCount];
        if (shardCount == 1)
        {
            ranges[0] = (UInt128.Zero, UInt128.MaxValue);
            return ranges;
        }

        // floor(2^128 / n) computed without 2^128: one more than floor((2^128 − 1) / n) exactly when n divides 2^128.
        var n = (UInt128)shardCount;
        var width = UInt128.MaxValue / n;
        if (UInt128.IsPow2(n))
        {
            width++;
        }

        for (var i = 0; i < shardCount; i++)
        {
            var start = width * (UInt128)i;
            var end = i == shardCount - 1 ? UInt128.MaxValue : start + width - 1;
            ranges[i] = (start, end);
        }

        return ranges;
    }
}
