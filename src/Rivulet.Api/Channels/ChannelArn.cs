namespace Rivulet.Api.Channels;

/// <summary>Channel ARNs: <c>arn:aws:kinesis:&lt;region&gt;:&lt;account&gt;:channel/&lt;name&gt;</c> (the model's pattern: <c>arn:aws.*:kinesis:.*:\d{12}:channel/\S+</c>).</summary>
internal static class ChannelArn
{
    public static string Format(string region, string accountId, string channelName) =>
        $"arn:aws:kinesis:{region}:{accountId}:channel/{channelName}";

    public static bool TryParse(string arn, out string region, out string accountId, out string channelName)
    {
        region = accountId = channelName = "";
        var parts = arn.Split(':', 6);
        if (parts.Length != 6 || parts[0] != "arn" || parts[2] != "kinesis" || !parts[5].StartsWith("channel/", StringComparison.Ordinal))
        {
            return false;
        }

        region = parts[3];
        accountId = parts[4];
        channelName = parts[5]["channel/".Length..];
        return channelName.Length > 0 && !channelName.Contains('/', StringComparison.Ordinal);
    }
}
