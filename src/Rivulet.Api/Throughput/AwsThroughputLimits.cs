using Rivulet.Protocol.Model;
using Rivulet.Storage;

namespace Rivulet.Api.Throughput;

/// <summary>
/// AWS's throughput limits (wire reference §4; the model's operation documentation):
/// <list type="bullet">
/// <item>writes: 1,000 records and 1 MiB (data and partition keys) a second per shard, bursting to
/// one second's worth, or to the largest record of a stream whose records may be larger;</item>
/// <item>GetRecords: 5 calls and 2 MiB a second per shard; what a call returned is charged after it,
/// so after a 10 MiB answer the shard refuses reads for the next 5 seconds, as AWS documents;</item>
/// <item>GetShardIterator: 5 a second per account per shard;</item>
/// <item>SubscribeToShard: 1 call a second per consumer and shard, and 2 MiB a second pushed to it
/// (pushes wait rather than fail);</item>
/// <item>the control plane: the calls a second AWS documents per account or per stream.</item>
/// </list>
/// Buckets refill continuously and start full; refused calls and records take nothing. Streams
/// follow the server's setting unless their <see cref="TagKey"/> tag (<c>aws</c> or <c>off</c>)
/// says otherwise; account-wide rates follow the server's setting. The state is per process: the
/// limits hold per shard however many connections write, and ARCHITECTURE.md says how they will
/// hold across servers sharing a store.
/// </summary>
public sealed class AwsThroughputLimits : IThroughputGate
{
    /// <summary>The tag that switches the limits on or off for one stream, whatever the server's default.</summary>
    public const string TagKey = "rivulet:limits";

    public const int RecordsPerSecond = 1_000;
    public const long BytesPerSecond = 1024 * 1024;
    public const int ReadsPerSecond = 5;
    public const long ReadBytesPerSecond = 2 * 1024 * 1024;
    public const int IteratorsPerSecond = 5;
    public const int SubscribesPerSecond = 1;
    public const long PushBytesPerSecond = 2 * 1024 * 1024;

    private readonly RateTable<ShardKey, ShardRates> _shards = new();
    private readonly RateTable<(string AccountId, ShardKey Shard), Rate> _iterators = new();
    private readonly RateTable<(string ConsumerArn, int Shard), Rate> _subscribes = new();
    private readonly RateTable<(string ConsumerArn, int Shard), Rate> _pushes = new();
    private readonly RateTable<(string AccountId, string Region, KinesisOperation Operation), Rate> _accountCalls = new();
    private readonly RateTable<(ShardKey Stream, KinesisOperation Operation), Rate> _streamCalls = new();
    private volatile bool _onByDefault;

    /// <param name="onByDefault">Whether streams without the tag, and the account-wide rates, are limited (<c>--limits aws</c>).</param>
    public AwsThroughputLimits(bool onByDefault) => _onByDefault = onByDefault;

    /// <summary>Whether streams without the tag, and the account-wide rates, are limited; may change at run time.</summary>
    public bool OnByDefault
    {
        get => _onByDefault;
        set => _onByDefault = value;
    }

    /// <summary>Shards whose buckets are tracked now; idle ones are forgotten (they would be full anyway).</summary>
    public int TrackedShards => _shards.Count;

    /// <summary>
    /// The calls a second AWS allows a control-plane operation, and whether per stream rather than
    /// per account; null for operations whose rate AWS does not document.
    /// </summary>
    public static (int PerSecond, bool PerStream)? ControlPlaneRate(KinesisOperation operation) => operation switch
    {
        KinesisOperation.CreateStream or KinesisOperation.DeleteStream or KinesisOperation.ListStreams
            or KinesisOperation.SplitShard or KinesisOperation.MergeShards
            or KinesisOperation.AddTagsToStream or KinesisOperation.RemoveTagsFromStream or KinesisOperation.ListTagsForStream
            or KinesisOperation.RegisterStreamConsumer
            or KinesisOperation.CreateChannel or KinesisOperation.UpdateChannel or KinesisOperation.DeleteChannel
            or KinesisOperation.DescribeChannel or KinesisOperation.ListChannels
            or KinesisOperation.DescribeAccountSettings or KinesisOperation.UpdateAccountSettings
            or KinesisOperation.UpdateStreamWarmThroughput => (5, false),
        KinesisOperation.DescribeStream or KinesisOperation.UpdateShardCount => (10, false),
        KinesisOperation.DescribeStreamSummary => (20, false),
        KinesisOperation.DescribeLimits => (1, false),
        KinesisOperation.ListShards => (1000, true),
        KinesisOperation.DescribeStreamConsumer => (20, true),
        KinesisOperation.ListStreamConsumers or KinesisOperation.DeregisterStreamConsumer => (5, true),
        _ => null,
    };

    public bool TryAdmit(RequestContext context, StreamMetadata stream, ShardMetadata shard, int recordBytes)
    {
        if (!AppliesTo(stream))
        {
            return true;
        }

        var nowMs = context.NowMs;
        var byteCapacity = Math.Max(BytesPerSecond, stream.MaxRecordSizeInKiB * 1024L);
        var rates = _shards.Get(new ShardKey(stream, shard.Index), nowMs);
        lock (rates.Lock)
        {
            // Both limits must have room before either is taken: a refused record takes nothing.
            if (!rates.Records.Holds(1, RecordsPerSecond, RecordsPerSecond, nowMs) || !rates.Bytes.Holds(recordBytes, BytesPerSecond, byteCapacity, nowMs))
            {
                return false;
            }

            rates.Records.Charge(1, RecordsPerSecond, RecordsPerSecond, nowMs);
            rates.Bytes.Charge(recordBytes, BytesPerSecond, byteCapacity, nowMs);
            return true;
        }
    }

    public bool TryRead(RequestContext context, StreamMetadata stream, ShardMetadata shard)
    {
        if (!AppliesTo(stream))
        {
            return true;
        }

        var nowMs = context.NowMs;
        var rates = _shards.Get(new ShardKey(stream, shard.Index), nowMs);
        lock (rates.Lock)
        {
            // The byte bucket holds nothing in advance: it only pays off what earlier reads took.
            return rates.ReadBytes.Holds(0, ReadBytesPerSecond, 0, nowMs) && rates.Reads.TryTake(1, ReadsPerSecond, ReadsPerSecond, nowMs);
        }
    }

    public void ChargeRead(RequestContext context, StreamMetadata stream, ShardMetadata shard, long bytes)
    {
        if (!AppliesTo(stream) || bytes == 0)
        {
            return;
        }

        var nowMs = context.NowMs;
        var rates = _shards.Get(new ShardKey(stream, shard.Index), nowMs);
        lock (rates.Lock)
        {
            rates.ReadBytes.Charge(bytes, ReadBytesPerSecond, 0, nowMs);
        }
    }

    public bool TryGetIterator(RequestContext context, StreamMetadata stream, ShardMetadata shard) =>
        !AppliesTo(stream) || _iterators.Get((context.AccountId, new ShardKey(stream, shard.Index)), context.NowMs).TryTake(IteratorsPerSecond, context.NowMs);

    public bool TrySubscribe(RequestContext context, StreamMetadata stream, ShardMetadata shard, string consumerArn) =>
        !AppliesTo(stream) || _subscribes.Get((consumerArn, shard.Index), context.NowMs).TryTake(SubscribesPerSecond, context.NowMs);

    public TimeSpan Pace(StreamMetadata stream, ShardMetadata shard, string consumerArn, long bytes, long nowMs)
    {
        if (!AppliesTo(stream) || bytes == 0)
        {
            return TimeSpan.Zero;
        }

        var rate = _pushes.Get((consumerArn, shard.Index), nowMs);
        lock (rate.Lock)
        {
            rate.Bucket.Charge(bytes, PushBytesPerSecond, PushBytesPerSecond, nowMs);
            return TimeSpan.FromMilliseconds(rate.Bucket.MillisecondsUntilPaidOff(PushBytesPerSecond, PushBytesPerSecond, nowMs));
        }
    }

    public bool TryCall(RequestContext context, KinesisOperation operation, StreamMetadata? stream)
    {
        if (ControlPlaneRate(operation) is not { } rate || rate.PerStream != (stream is not null))
        {
            return true;
        }

        if (stream is null)
        {
            return !_onByDefault || _accountCalls.Get((context.AccountId, context.Region, operation), context.NowMs).TryTake(rate.PerSecond, context.NowMs);
        }

        return !AppliesTo(stream) || _streamCalls.Get((new ShardKey(stream, -1), operation), context.NowMs).TryTake(rate.PerSecond, context.NowMs);
    }

    private bool AppliesTo(StreamMetadata stream) =>
        stream.Tags.Count == 0 || !stream.Tags.TryGetValue(TagKey, out var setting)
            ? _onByDefault
            : string.Equals(setting, "aws", StringComparison.OrdinalIgnoreCase);

    /// <summary>A shard of one incarnation of a stream: a stream created again under the same name starts afresh.</summary>
    private readonly record struct ShardKey(StreamKey Stream, long CreatedAtMs, int Shard)
    {
        public ShardKey(StreamMetadata stream, int shard)
            : this(stream.Key, stream.CreatedAtMs, shard)
        {
        }
    }

    private sealed class ShardRates : IRateState
    {
        public readonly Lock Lock = new();
        public TokenBucket Records;
        public TokenBucket Bytes;
        public TokenBucket Reads;
        public TokenBucket ReadBytes;

        public long LastUsedMs
        {
            get
            {
                lock (Lock)
                {
                    return Math.Max(Math.Max(Records.UpdatedAtMs, Bytes.UpdatedAtMs), Math.Max(Reads.UpdatedAtMs, ReadBytes.UpdatedAtMs));
                }
            }
        }
    }
}
