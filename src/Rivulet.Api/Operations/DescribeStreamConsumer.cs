using Rivulet.Api.Consumers;
using Rivulet.Api.Throughput;
using Rivulet.Protocol.Model;

namespace Rivulet.Api.Operations;

/// <summary>Describes a consumer named by its ARN, or by its stream's ARN and its name; the KCL polls it until the consumer is ACTIVE.</summary>
internal sealed class DescribeStreamConsumer : IOperation<DescribeStreamConsumerInput, DescribeStreamConsumerOutput>
{
    private readonly ConsumerRegistry _consumers;
    private readonly IThroughputGate _throughput;

    public DescribeStreamConsumer(ConsumerRegistry consumers, IThroughputGate throughput)
    {
        _consumers = consumers;
        _throughput = throughput;
    }

    public async ValueTask<DescribeStreamConsumerOutput> ExecuteAsync(RequestContext context, DescribeStreamConsumerInput input, CancellationToken cancellationToken)
    {
        var reference = ConsumerRegistry.Identify(context, input.ConsumerARN, input.StreamARN, input.ConsumerName);
        var (stream, consumer) = await _consumers.GetAsync(context, reference, cancellationToken).ConfigureAwait(false);
        if (!_throughput.TryCall(context, KinesisOperation.DescribeStreamConsumer, stream))
        {
            throw ApiErrors.StreamRateExceeded(stream.Key.StreamName, stream.Key.AccountId);
        }

        return new DescribeStreamConsumerOutput { ConsumerDescription = ConsumerView.Describe(stream.Key, consumer) };
    }
}
