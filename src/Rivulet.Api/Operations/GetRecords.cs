using Rivulet.Api.Records;
using Rivulet.Api.Streams;
using Rivulet.Api.Throughput;
using Rivulet.Protocol.Model;
using Rivulet.Storage;

namespace Rivulet.Api.Operations;

internal sealed class GetRecords : IOperation<GetRecordsInput, GetRecordsOutput>
{
    private const int DefaultLimit = 10_000;

    /// <summary>AWS returns at most 10 MiB per call.</summary>
    private const long MaxResponseBytes = 10L * 1024 * 1024;

    private readonly IStreamStore _store;
    private readonly StreamResolver _streams;
    private readonly KinesisOptions _options;
    private readonly IThroughputGate _throughput;

    public GetRecords(IStreamStore store, StreamResolver streams, KinesisOptions options, IThroughputGate throughput)
    {
        _store = store;
        _streams = streams;
        _options = options;
        _throughput = throughput;
    }

    public async ValueTask<GetRecordsOutput> ExecuteAsync(RequestContext context, GetRecordsInput input, CancellationToken cancellationToken)
    {
        if (!ShardIterator.TryDecode(input.ShardIterator, _options.TokenKey, _options.Region, out var iterator))
        {
            throw ApiErrors.InvalidShardIterator();
        }

        if (context.NowMs - iterator.IssuedAtMs > ShardIterator.Lifetime.TotalMilliseconds)
        {
            throw ApiErrors.IteratorExpired(DateTimeOffset.FromUnixTimeMilliseconds(iterator.IssuedAtMs), context.Now);
        }

        var key = new StreamKey(iterator.AccountId, iterator.Region, iterator.StreamName);
        var stream = await _streams.FindAsync(context, key, cancellationToken).ConfigureAwait(false);
        if (stream is null || stream.CreatedAtMs != iterator.StreamCreatedAtMs)
        {
            throw ApiErrors.StreamNotFound(key.StreamName, key.AccountId);
        }

        var shard = stream.FindShard(iterator.ShardIndex) ?? throw ApiErrors.ShardDoesNotExist(ShardIds.Format(iterator.ShardIndex), key.StreamName, key.AccountId);
        if (input.DryRun == true)
        {
            throw ApiErrors.DryRunSucceeded();
        }

        if (!_throughput.TryRead(context, stream, shard))
        {
            throw ApiErrors.ThroughputExceeded(ShardIds.Format(shard.Index), key.StreamName, key.AccountId);
        }

        var log = _store.GetShardLog(key, stream.CreatedAtMs, shard.Index);
        var trimHorizon = RetentionPeriod.TrimHorizonMs(stream.RetentionPeriodHours, context.NowMs);
        var from = iterator.ByTimestamp
            ? await log.FindPositionByTimeAsync(Math.Max(iterator.Value, trimHorizon), cancellationToken).ConfigureAwait(false)
            : iterator.Value;

        var read = await log.ReadAsync(new ReadRequest(from, input.Limit ?? DefaultLimit, MaxResponseBytes, trimHorizon), cancellationToken).ConfigureAwait(false);
        if (read.Records.Count == 0)
        {
            // A deleted stream's log reads as empty: no iterator for a stream that is gone.
            await _streams.EnsureStillThereAsync(stream, cancellationToken).ConfigureAwait(false);
        }

        var records = new List<Record>(read.Records.Count);
        var bytes = 0L;
        foreach (var stored in read.Records)
        {
            records.Add(ShardView.ToRecord(stream, shard, stored));
            bytes += stored.Data.Length + stored.PartitionKey.Length;
        }

        _throughput.ChargeRead(context, stream, shard, bytes);

        var caughtUp = read.NextPosition >= read.Tail.NextPosition;
        var output = new GetRecordsOutput
        {
            Records = records,
            MillisBehindLatest = caughtUp || read.Records.Count == 0 ? 0 : Math.Max(0, context.NowMs - read.Records[^1].ArrivalMs),
        };

        var endOfShard = false;
        if (!shard.IsOpen && read.Records.Count == 0)
        {
            // The store may have forgotten the seal (a restart) or not set it yet (the reshard's
            // last step): seal here, so the end is final before it is reported.
            var tail = read.Tail.Sealed ? read.Tail : await log.SealAsync(cancellationToken).ConfigureAwait(false);
            endOfShard = tail.Sealed && read.NextPosition >= tail.NextPosition;
        }

        if (endOfShard)
        {
            // The end of a closed shard: no iterator, and the shards to read next (KCL checks both).
            output.ChildShards = ShardView.ChildrenOf(stream, shard);
        }
        else
        {
            var next = iterator with { ByTimestamp = false, Value = read.NextPosition, IssuedAtMs = context.NowMs };
            output.NextShardIterator = next.Encode(_options.TokenKey);
        }

        return output;
    }
}
