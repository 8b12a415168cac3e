using Rivulet.Storage;

namespace Rivulet.Api.Streams;

/// <summary>Stream ARNs as AWS writes them: <c>arn:aws:kinesis:&lt;region&gt;:&lt;account&gt;:stream/&lt;name&gt;</c>.</summary>
internal static class StreamArn
{
    public static string Format(string region, string accountId, string streamName) =>
        $"arn:aws:kinesis:{region}:{accountId}:stream/{streamName}";

    public static string Format(StreamKey key) => Format(key.Region, key.AccountId, key.StreamName);

    /// <summary>Splits an ARN already checked against the model's pattern (<c>arn:aws.*:kinesis:.*:\d{12}:stream/\S+</c>).</summary>
    public static bool TryParse(string arn, out string region, out string accountId, out string streamName)
    {
        region = accountId = streamName = "";
        var parts = arn.Split(':', 6);
        if (parts.Length != 6 || parts[0] != "arn" || parts[2] != "kinesis" || !parts[5].StartsWith("stream/", StringComparison.Ordinal))
        {
            return false;
        }

        region = parts[3];
        accountId = parts[4];
        streamName = parts[5]["stream/".Length..];

        // A consumer ARN (…/consumer/name:ts) is not a stream ARN.
        return streamName.Length > 0 && !streamName.Contains('/', StringComparison.Ordinal);
    }
}
