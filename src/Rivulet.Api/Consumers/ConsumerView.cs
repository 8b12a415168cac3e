using Rivulet.Api.Streams;
using Rivulet.Protocol.Model;
using Rivulet.Storage;

namespace Rivulet.Api.Consumers;

/// <summary>Consumers as RegisterStreamConsumer, ListStreamConsumers and DescribeStreamConsumer show them.</summary>
internal static class ConsumerView
{
    public static string ArnOf(StreamKey stream, ConsumerMetadata consumer) =>
        ConsumerArn.Format(stream.Region, stream.AccountId, stream.StreamName, consumer.ConsumerName, consumer.CreatedAtMs);

    public static Consumer ToConsumer(StreamKey stream, ConsumerMetadata consumer) => new()
    {
        ConsumerName = consumer.ConsumerName,
        ConsumerARN = ArnOf(stream, consumer),
        ConsumerStatus = consumer.Status,
        ConsumerCreationTimestamp = DateTimeOffset.FromUnixTimeMilliseconds(consumer.CreatedAtMs),
    };

    public static ConsumerDescription Describe(StreamKey stream, ConsumerMetadata consumer) => new()
    {
        ConsumerName = consumer.ConsumerName,
        ConsumerARN = ArnOf(stream, consumer),
        ConsumerStatus = consumer.Status,
        ConsumerCreationTimestamp = DateTimeOffset.FromUnixTimeMilliseconds(consumer.CreatedAtMs),
        StreamARN = StreamArn.Format(stream),
    };
}
