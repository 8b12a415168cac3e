using Rivulet.Api.Consumers;
using Rivulet.Api.Dispatch;
using Rivulet.Api.Records;
using Rivulet.Api.Streams;
using Rivulet.Api.Throughput;
using Rivulet.Protocol.Dispatch;
using Rivulet.Protocol.Model;
using Rivulet.Storage;

namespace Rivulet.Api.Operations;

/// <summary>
/// Opens a consumer's subscription to a shard. Everything that can be known before the first event
/// is checked here and refused as an ordinary error response (consumer or shard missing, consumer
/// not ACTIVE, a bad starting position, another subscription less than 5 s old, DryRun); what goes
/// wrong later reaches the reader as an exception event (<see cref="ShardSubscription"/>).
/// </summary>
internal sealed class SubscribeToShard : IEventStreamOperation<SubscribeToShardInput>
{
    private readonly IStreamStore _store;
    private readonly StreamResolver _streams;
    private readonly ConsumerRegistry _consumers;
    private readonly Subscriptions _subscriptions;
    private readonly KinesisOptions _options;
    private readonly TimeProvider _time;
    private readonly Action<string, Exception> _onUnexpectedError;
    private readonly IThroughputGate _throughput;

    public SubscribeToShard(IStreamStore store, StreamResolver streams, ConsumerRegistry consumers, Subscriptions subscriptions, KinesisOptions options, TimeProvider time, IThroughputGate throughput, Action<string, Exception> onUnexpectedError)
    {
        _throughput = throughput;
        _store = store;
        _streams = streams;
        _consumers = consumers;
        _subscriptions = subscriptions;
        _options = options;
        _time = time;
        _onUnexpectedError = onUnexpectedError;
    }

    public async ValueTask<IEventStreamBody> OpenAsync(RequestContext context, SubscribeToShardInput input, WireContentType codec, CancellationToken cancellationToken)
    {
        var reference = ConsumerRegistry.Identify(context, input.ConsumerARN, null, null);
        var (stream, consumer) = await _consumers.GetAsync(context, reference, cancellationToken).ConfigureAwait(false);
        var (name, account) = (stream.Key.StreamName, stream.Key.AccountId);
        if (consumer.Status != StreamStatus.Active)
        {
            throw ApiErrors.ConsumerNotActive(consumer.ConsumerName, consumer.CreatedAtMs / 1000, name, account);
        }

        if (stream.Status is not (StreamStatus.Active or StreamStatus.Updating))
        {
            throw ApiErrors.StreamNotFound(name, account);
        }

        if (!ShardIds.TryParse(input.ShardId, out var shardIndex))
        {
            throw ApiErrors.CouldNotFindShard(input.ShardId!, name, account);
        }

        var shard = stream.FindShard(shardIndex) ?? throw ApiErrors.ShardDoesNotExist(ShardIds.Format(shardIndex), name, account);
        var log = _store.GetShardLog(stream.Key, stream.CreatedAtMs, shard.Index);
        var position = input.StartingPosition!;
        var start = StartingPoint.Resolve(position.Type!, position.SequenceNumber, position.Timestamp, stream, shard, log, context);
        if (input.DryRun == true)
        {
            throw ApiErrors.DryRunSucceeded();
        }

        var consumerArn = ConsumerView.ArnOf(stream.Key, consumer);
        if (!_throughput.TrySubscribe(context, stream, shard, consumerArn))
        {
            throw ApiErrors.SubscribeRateExceeded(consumerArn, ShardIds.Format(shard.Index));
        }

        var lease = _subscriptions.Start(consumerArn, shard.Index, context.NowMs);
        return new ShardSubscription(new ShardSubscription.Setup(_store, _streams, _options, _time, _throughput, codec, context, stream, shard, consumer, consumerArn, start, lease, _onUnexpectedError));
    }
}
