using Rivulet.Api.Records;
using Rivulet.Api.Streams;
using Rivulet.Protocol.Model;
using Rivulet.Storage;

namespace Rivulet.Api.Operations;

internal sealed class GetShardIterator : IOperation<GetShardIteratorInput, GetShardIteratorOutput>
{
    private readonly IStreamStore _store;
    private readonly StreamResolver _streams;
    private readonly KinesisOptions _options;

    public GetShardIterator(IStreamStore store, StreamResolver streams, KinesisOptions options)
    {
        _store = store;
        _streams = streams;
        _options = options;
    }

    public async ValueTask<GetShardIteratorOutput> ExecuteAsync(RequestContext context, GetShardIteratorInput input, CancellationToken cancellationToken)
    {
        var stream = await _streams.GetWritableAsync(context, input.StreamName, input.StreamARN, cancellationToken).ConfigureAwait(false);
        var (name, account) = (stream.Key.StreamName, stream.Key.AccountId);
        if (!ShardIds.TryParse(input.ShardId, out var shardIndex))
        {
            throw ApiErrors.CouldNotFindShard(input.ShardId!, name, account);
        }

        var shard = stream.FindShard(shardIndex) ?? throw ApiErrors.ShardDoesNotExist(ShardIds.Format(shardIndex), name, account);
        var shardId = ShardIds.Format(shard.Index);
        var type = input.ShardIteratorType!;
        var startingSequenceNumber = input.StartingSequenceNumber;
        var bySequenceNumber = type is "AT_SEQUENCE_NUMBER" or "AFTER_SEQUENCE_NUMBER";
        if (bySequenceNumber && startingSequenceNumber is null)
        {
            throw ApiErrors.IteratorTypeNeedsSequenceNumber(type);
        }

        if (!bySequenceNumber && startingSequenceNumber is not null && type != "AT_TIMESTAMP")
        {
            throw ApiErrors.IteratorTypeForbidsSequenceNumber(type);
        }

        var byTimestamp = false;
        long value;
        switch (type)
        {
            case "TRIM_HORIZON":
                value = 0;
                break;
            case "LATEST":
                value = _store.GetShardLog(stream.Key, stream.CreatedAtMs, shard.Index).Tail.NextPosition;

                // A tail read after a racing delete is not the stream's: answer as if the delete came first.
                await _streams.EnsureStillThereAsync(stream, cancellationToken).ConfigureAwait(false);
                break;
            case "AT_TIMESTAMP":
                byTimestamp = true;
                value = (input.Timestamp ?? throw ApiErrors.TimestampRequired()).ToUnixTimeMilliseconds();
                if (value > context.NowMs)
                {
                    throw ApiErrors.TimestampInFuture(value, context.NowMs);
                }

                break;
            default:
                var position = PositionOf(startingSequenceNumber!, shard, shardId, name, account);
                // A closed shard's EndingSequenceNumber carries the greatest position; "after" it must stay
                // past every record, not wrap around to the shard's start.
                value = type == "AT_SEQUENCE_NUMBER" || position == SequenceNumber.MaxPosition ? position : position + 1;
                break;
        }

        if (input.DryRun == true)
        {
            throw ApiErrors.DryRunSucceeded();
        }

        var iterator = new ShardIterator(account, stream.Key.Region, name, stream.CreatedAtMs, shard.Index, byTimestamp, value, context.NowMs);
        return new GetShardIteratorOutput { ShardIterator = iterator.Encode(_options.TokenKey) };
    }

    private static long PositionOf(string text, ShardMetadata shard, string shardId, string streamName, string accountId)
    {
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

        return sequenceNumber.Position;
    }
}
