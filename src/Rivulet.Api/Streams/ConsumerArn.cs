using System.Globalization;

namespace Rivulet.Api.Streams;

/// <summary>
/// Consumer ARNs as AWS writes them: the stream's ARN, <c>/consumer/&lt;name&gt;:&lt;creation time in epoch seconds&gt;</c>
/// (the model's pattern: <c>^(arn):aws.*:kinesis:.*:\d{12}:.*stream\/[a-zA-Z0-9_.-]+\/consumer\/[a-zA-Z0-9_.-]+:[0-9]+</c>).
/// </summary>
internal static class ConsumerArn
{
    private const string ConsumerSegment = "/consumer/";

    public static string Format(string region, string accountId, string streamName, string consumerName, long createdAtMs) =>
        $"{StreamArn.Format(region, accountId, streamName)}{ConsumerSegment}{consumerName}:{createdAtMs / 1000}";

    public static bool TryParse(string arn, out string region, out string accountId, out string streamName, out string consumerName, out long createdAtSeconds)
    {
        region = accountId = streamName = consumerName = "";
        createdAtSeconds = 0;
        var parts = arn.Split(':', 6);
        if (parts.Length != 6 || parts[0] != "arn" || parts[2] != "kinesis" || !parts[5].StartsWith("stream/", StringComparison.Ordinal))
        {
            return false;
        }

        // stream/<stream>/consumer/<consumer>:<seconds>
        var resource = parts[5]["stream/".Length..];
        var consumerAt = resource.IndexOf(ConsumerSegment, StringComparison.Ordinal);
        var timeAt = resource.LastIndexOf(':');
        if (consumerAt <= 0 || timeAt < consumerAt + ConsumerSegment.Length + 1 || timeAt == resource.Length - 1)
        {
            return false;
        }

        var stream = resource[..consumerAt];
        var consumer = resource[(consumerAt + ConsumerSegment.Length)..timeAt];
        var seconds = resource.AsSpan(timeAt + 1);
        if (stream.Contains('/', StringComparison.Ordinal) || consumer.Contains('/', StringComparison.Ordinal)
            || seconds.IndexOfAnyExceptInRange('0', '9') >= 0 || !long.TryParse(seconds, NumberStyles.None, CultureInfo.InvariantCulture, out createdAtSeconds))
        {
            return false;
        }

        region = parts[3];
        accountId = parts[4];
        streamName = stream;
        consumerName = consumer;
        return true;
    }
}
