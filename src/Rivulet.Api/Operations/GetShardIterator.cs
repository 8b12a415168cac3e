using Rivulet.Api.Records;
using Rivulet.Api.Streams;
using Rivulet.Api.Throughput;
using Rivulet.Protocol.Model;
using Rivulet.Storage;

namespace Rivulet.Api.Operations;

internal sealed class GetShardIterator : IOperation<GetShardIteratorInput, GetShardIteratorOutput>
{
    private readonly IStreamStore _store;
    private readonly StreamResolver _streams;
    private readonly KinesisOptions _options;
    private readonly IThroughputGate _throughput;

    public GetShardIterator(IStreamStore store, StreamResolver streams, KinesisOptions options, IThroughputGate throughput)
    {
        _store = store;
        _streams = streams;
        _options = options;
        _throughput = throughput;
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
        var log = _store.GetShardLog(stream.Key, stream.CreatedAtMs, shard.Index);
        var start = StartingPoint.Resolve(input.ShardIteratorType!, input.StartingSequenceNumber, input.Timestamp, stream, shard, log, context);
        if (!start.ByTimestamp && input.ShardIteratorType == "LATEST")
        {
            // A tail read after a racing delete is not the stream's: answer as if the delete came first.
            await _streams.EnsureStillThereAsync(stream, cancellationToken).ConfigureAwait(false);
        }

        if (input.DryRun == true)
        {
            throw ApiErrors.DryRunSucceeded();
        }

        if (!_throughput.TryGetIterator(context, stream, shard))
        {
            throw ApiErrors.ThroughputExceeded(ShardIds.Format(shard.Index), name, account);
        }

        var iterator = new ShardIterator(account, stream.Key.Region, name, stream.CreatedAtMs, shard.Index, start.ByTimestamp, start.Value, context.NowMs);
        return new GetShardIteratorOutput { ShardIterator = iterator.Encode(_options.TokenKey) };
    }
}
