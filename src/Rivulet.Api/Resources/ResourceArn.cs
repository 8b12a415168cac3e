using Rivulet.Api.Channels;
using Rivulet.Api.Streams;

namespace Rivulet.Api.Resources;

internal enum ResourceKind
{
    Stream,
    Consumer,
    Channel,
}

/// <summary>
/// A ResourceARN (tagging and resource-policy operations) taken apart: a stream, one of its
/// consumers, or a channel. <see cref="Name"/> is the stream's or the channel's name.
/// </summary>
internal readonly record struct ResourceArn(
    ResourceKind Kind,
    string Arn,
    string Region,
    string AccountId,
    string Name,
    string ConsumerName = "",
    long ConsumerCreatedAtSeconds = 0)
{
    /// <summary>"stream", "consumer" or "channel", as messages name the kind.</summary>
    public string KindName => Kind switch
    {
        ResourceKind.Stream => "stream",
        ResourceKind.Consumer => "consumer",
        _ => "channel",
    };

    /// <summary>The resource as AWS's messages name it: "stream s under account a".</summary>
    public string Subject => Kind switch
    {
        ResourceKind.Stream => DescribeStream(Name, AccountId),
        ResourceKind.Consumer => $"consumer {ConsumerName} with creation timestamp {ConsumerCreatedAtSeconds} under stream {Name} and account {AccountId}",
        _ => $"channel {Name} under account {AccountId}",
    };

    public static string DescribeStream(string streamName, string accountId) => $"stream {streamName} under account {accountId}";

    /// <summary>Reads an ARN the model's pattern already accepted (<c>arn:aws.*:kinesis:.*:\d{12}:.*(stream|channel)/\S+</c>), which is looser than any real ARN.</summary>
    public static bool TryParse(string arn, out ResourceArn parsed)
    {
        if (StreamArn.TryParse(arn, out var region, out var accountId, out var name))
        {
            parsed = new ResourceArn(ResourceKind.Stream, arn, region, accountId, name);
            return true;
        }

        if (ConsumerArn.TryParse(arn, out region, out accountId, out name, out var consumer, out var seconds))
        {
            parsed = new ResourceArn(ResourceKind.Consumer, arn, region, accountId, name, consumer, seconds);
            return true;
        }

        if (ChannelArn.TryParse(arn, out region, out accountId, out name))
        {
            parsed = new ResourceArn(ResourceKind.Channel, arn, region, accountId, name);
            return true;
        }

        parsed = default;
        return false;
    }
}
