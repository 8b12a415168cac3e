using Rivulet.Api.Consumers;
using Rivulet.Api.Streams;
using Rivulet.Api.Throughput;
using Rivulet.Protocol.Model;

namespace Rivulet.Api.Operations;

/// <summary>
/// Deregisters a consumer named by its ARN, or by its stream's ARN and its name. It is DELETING for
/// the consumer delay, then gone; its subscriptions end at once with ResourceNotFoundException.
/// </summary>
internal sealed class DeregisterStreamConsumer : IOperation<DeregisterStreamConsumerInput>
{
    private readonly ConsumerRegistry _consumers;
    private readonly Subscriptions _subscriptions;
    private readonly KinesisOptions _options;
    private readonly IThroughputGate _throughput;

    public DeregisterStreamConsumer(ConsumerRegistry consumers, Subscriptions subscriptions, KinesisOptions options, IThroughputGate throughput)
    {
        _throughput = throughput;
        _consumers = consumers;
        _subscriptions = subscriptions;
        _options = options;
    }

    public async ValueTask ExecuteAsync(RequestContext context, DeregisterStreamConsumerInput input, CancellationToken cancellationToken)
    {
        var reference = ConsumerRegistry.Identify(context, input.ConsumerARN, input.StreamARN, input.ConsumerName);
        var (stream, consumer) = await _consumers.GetAsync(context, reference, cancellationToken).ConfigureAwait(false);
        if (!_throughput.TryCall(context, KinesisOperation.DeregisterStreamConsumer, stream))
        {
            throw ApiErrors.StreamRateExceeded(stream.Key.StreamName, stream.Key.AccountId);
        }

        var delay = (long)_options.ConsumerDelay.TotalMilliseconds;
        await _consumers.UpdateAsync(context, stream.Key, (_, consumers) =>
        {
            var current = ConsumerRegistry.Find(consumers, reference with { CreatedAtSeconds = consumer.CreatedAtMs / 1000 });
            if (current is null || current.CreatedAtMs != consumer.CreatedAtMs)
            {
                throw reference.NotFound();
            }

            if (current.Status == StreamStatus.Deleting)
            {
                return consumers;
            }

            return delay <= 0
                ? consumers.Remove(current)
                : consumers.Replace(current, current with { Status = StreamStatus.Deleting, StatusSettlesAtMs = context.NowMs + delay });
        }, cancellationToken).ConfigureAwait(false);

        _subscriptions.EndConsumer(ConsumerView.ArnOf(stream.Key, consumer));
    }
}
