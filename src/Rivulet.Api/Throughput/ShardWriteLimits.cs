using System.Collections.Concurrent;
using Rivulet.Storage;

namespace Rivulet.Api.Throughput;

/// <summary>
/// AWS's write limits per shard: 1,000 records and 1 MiB of data and partition keys per second.
/// Each shard has two token buckets that refill continuously at those rates and hold one second's
/// worth, so a writer can burst to a full second at once and then gets the rate; a stream whose
/// records may be larger than 1 MiB holds its largest record's worth of bytes (AWS lets large
/// records burst). A record is admitted only when both buckets have room for it; refused records
/// take nothing. The limits apply to every stream when switched on for the server, and a stream's
/// <see cref="TagKey"/> tag (<c>aws</c> or <c>off</c>) overrides that for the stream.
/// </summary>
public sealed class ShardWriteLimits : IThroughputGate
{
    /// <summary>The tag that switches the limits on or off for one stream, whatever the server's default.</summary>
    public const string TagKey = "rivulet:limits";

    public const int RecordsPerSecond = 1_000;
    public const long BytesPerSecond = 1024 * 1024;

    // Buckets count thousandths, so that a millisecond's refill is a whole number.
    private const long Scale = 1_000;

    private static readonly TimeSpan IdleBeforeForgotten = TimeSpan.FromSeconds(10);

    private readonly bool _onByDefault;
    private readonly ConcurrentDictionary<(StreamKey Stream, long CreatedAtMs, int Shard), Bucket> _buckets = new();
    private long _admissions;

    /// <param name="onByDefault">Whether streams without the tag are limited (<c>--limits aws</c>).</param>
    public ShardWriteLimits(bool onByDefault) => _onByDefault = onByDefault;

    /// <summary>Shards whose buckets are tracked now; idle ones are forgotten (they would be full anyway).</summary>
    public int TrackedShards => _buckets.Count;

    public bool TryAdmit(StreamMetadata stream, ShardMetadata shard, int recordBytes, long nowMs)
    {
        if (!AppliesTo(stream))
        {
            return true;
        }

        if ((Interlocked.Increment(ref _admissions) & 0xFFF) == 0)
        {
            ForgetIdle(nowMs);
        }

        var byteCapacity = Math.Max(BytesPerSecond, stream.MaxRecordSizeInKiB * 1024L);
        var bucket = _buckets.GetOrAdd((stream.Key, stream.CreatedAtMs, shard.Index), static (_, at) => new Bucket(at), nowMs);
        return bucket.TryTake(recordBytes, byteCapacity, nowMs);
    }

    private bool AppliesTo(StreamMetadata stream) =>
        stream.Tags.Count == 0 || !stream.Tags.TryGetValue(TagKey, out var setting)
            ? _onByDefault
            : string.Equals(setting, "aws", StringComparison.OrdinalIgnoreCase);

    private void ForgetIdle(long nowMs)
    {
        foreach (var (key, bucket) in _buckets)
        {
            if (bucket.IdleSince(nowMs) > IdleBeforeForgotten.TotalMilliseconds)
            {
                _buckets.TryRemove(new KeyValuePair<(StreamKey, long, int), Bucket>(key, bucket));
            }
        }
    }

    private sealed class Bucket(long createdAtMs)
    {
        private readonly Lock _lock = new();
        private long _updatedAtMs = createdAtMs;
        private long _records = RecordsPerSecond * Scale;
        private long _bytes = -1;

        public long IdleSince(long nowMs)
        {
            lock (_lock)
            {
                return nowMs - _updatedAtMs;
            }
        }

        public bool TryTake(int recordBytes, long byteCapacity, long nowMs)
        {
            lock (_lock)
            {
                if (_bytes < 0)
                {
                    _bytes = byteCapacity * Scale;
                }

                // A clock that steps back refills nothing; it never takes away.
                var elapsedMs = Math.Max(0, nowMs - _updatedAtMs);
                _updatedAtMs = Math.Max(_updatedAtMs, nowMs);
                _records = Math.Min(RecordsPerSecond * Scale, _records + (elapsedMs * RecordsPerSecond));
                _bytes = Math.Min(byteCapacity * Scale, _bytes + (elapsedMs * BytesPerSecond));

                var bytesNeeded = recordBytes * Scale;
                if (_records < Scale || _bytes < bytesNeeded)
                {
                    return false;
                }

                _records -= Scale;
                _bytes -= bytesNeeded;
                return true;
            }
        }
    }
}
