using Rivulet.Api.Streams;
using Rivulet.Storage;

namespace Rivulet.Api.Records;

/// <summary>
/// Where a reader starts in a shard, for GetShardIterator's ShardIteratorType and SubscribeToShard's
/// StartingPosition alike: a log position, or an arrival time to look up when reading begins.
/// </summary>
internal readonly record struct StartingPoint(bool ByTimestamp, long Value)
{
    /// <summary>Checks the combination AWS accepts and turns it into a position or a time; throws AWS's InvalidArgument otherwise.</summary>
    public static StartingPoint Resolve(string type, string? startingSequenceNumber, DateTimeOffset? timestamp, StreamMetadata stream, ShardMetadata shard, IShardLog log, RequestContext context)
    {
        var bySequenceNumber = type is "AT_SEQUENCE_NUMBER" or "AFTER_SEQUENCE_NUMBER";
        if (bySequenceNumber && startingSequenceNumber is null)
        {
            throw ApiErrors.IteratorTypeNeedsSequenceNumber(type);
        }

        if (!bySequenceNumber && startingSequenceNumber is not null && type != "AT_TIMESTAMP")
        {
            throw ApiErrors.IteratorTypeForbidsSequenceNumber(type);
        }

        switch (type)
        {
            case "TRIM_HORIZON":
                return new(false, 0);
            case "LATEST":
                return new(false, log.Tail.NextPosition);
            case "AT_TIMESTAMP":
                var value = (timestamp ?? throw ApiErrors.TimestampRequired()).ToUnixTimeMilliseconds();
                return value > context.NowMs ? throw ApiErrors.TimestampInFuture(value, context.NowMs) : new(true, value);
            default:
                var position = PositionOf(startingSequenceNumber!, stream, shard);

                // A closed shard's EndingSequenceNumber carries the greatest position; "after" it must stay
                // past every record, not wrap around to the shard's start.
                return new(false, type == "AT_SEQUENCE_NUMBER" ? Math.Max(position, 0) : position == SequenceNumber.MaxPosition ? position : position + 1);
        }
    }

    /// <summary>The position to read from: a time is looked up in the log, never before the retention horizon.</summary>
    public async ValueTask<long> PositionAsync(IShardLog log, long trimHorizonMs, CancellationToken cancellationToken) =>
        ByTimestamp ? await log.FindPositionByTimeAsync(Math.Max(Value, trimHorizonMs), cancellationToken).ConfigureAwait(false) : Value;

    private static long PositionOf(string text, StreamMetadata stream, ShardMetadata shard)
    {
        var (shardId, streamName, accountId) = (ShardIds.Format(shard.Index), stream.Key.StreamName, stream.Key.AccountId);
        if (!SequenceNumber.TryParse(text, out var sequenceNumber))
        {
            throw ApiErrors.InvalidStartingSequenceNumber(text, shardId, streamName, accountId);
        }

        if (sequenceNumber.ShardIndex != shard.Index)
        {
            throw ApiErrors.SequenceNumberForOtherShard(ShardIds.Format(sequenceNumber.ShardIndex), shardId);
        }

        if (sequenceNumber.ShardCreatedSeconds != shard.CreatedAtMs / 1000)
        {
            throw ApiErrors.StartingSequenceNumberFromOtherStream(text, shardId, streamName, accountId);
        }

        return ShardView.PositionOf(sequenceNumber);
    }
}
