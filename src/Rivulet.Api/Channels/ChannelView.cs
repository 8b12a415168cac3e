using Rivulet.Protocol.Model;
using Rivulet.Storage;

namespace Rivulet.Api.Channels;

/// <summary>A stored channel as DescribeChannel and ListChannels show it.</summary>
internal static class ChannelView
{
    public static ChannelDescription Describe(RequestContext context, ChannelMetadata channel, ChannelDescription configuration, string status, string? reason)
    {
        configuration.ChannelName = channel.ChannelName;
        configuration.ChannelARN = ChannelArn.Format(context.Region, context.AccountId, channel.ChannelName);
        configuration.ChannelId = channel.ChannelId;
        configuration.ChannelStatus = status;
        configuration.ChannelStatusReason = reason;
        configuration.ChannelCreationTimestamp = DateTimeOffset.FromUnixTimeMilliseconds(channel.CreatedAtMs);
        return configuration;
    }

    public static ChannelSummary Summarize(RequestContext context, ChannelMetadata channel, ChannelDescription configuration, string status, string? reason)
    {
        var streams = new List<ChannelStreamIdentifier>();
        foreach (var stream in configuration.StreamConfigurationList ?? [])
        {
            streams.Add(new ChannelStreamIdentifier { StreamARN = stream.StreamARN, StreamCreationTimestamp = stream.StreamCreationTimestamp });
        }

        return new ChannelSummary
        {
            ChannelName = channel.ChannelName,
            ChannelARN = ChannelArn.Format(context.Region, context.AccountId, channel.ChannelName),
            ChannelId = channel.ChannelId,
            ChannelStatus = status,
            ChannelStatusReason = reason,
            ChannelCreationTimestamp = DateTimeOffset.FromUnixTimeMilliseconds(channel.CreatedAtMs),
            ChannelDestinationType = ChannelConfiguration.DestinationType(configuration),
            Streams = streams,
        };
    }
}
