using System.Collections.Immutable;
using Rivulet.Storage;

namespace Rivulet.Api.Channels;

/// <summary>
/// CREATING → ACTIVE, UPDATING → ACTIVE and DELETING → gone, each after a delay, settled from the
/// clock whenever a channel is read: no timer owns a channel, so every server sharing the store
/// sees the same state at the same time.
/// </summary>
internal static class ChannelLifecycle
{
    /// <summary>The channel as it stands at <paramref name="nowMs"/>; null once a deletion has finished.</summary>
    public static ChannelMetadata? Settle(ChannelMetadata channel, long nowMs)
    {
        if (channel.StatusSettlesAtMs is not { } settlesAt || settlesAt > nowMs)
        {
            return channel;
        }

        return channel.Status == ChannelStatus.Deleting ? null : channel with { Status = ChannelStatus.Active, StatusSettlesAtMs = null };
    }

    /// <summary>The account's channels at <paramref name="nowMs"/>; the same array when nothing settled, so callers can tell.</summary>
    public static ImmutableArray<ChannelMetadata> Settle(ImmutableArray<ChannelMetadata> channels, long nowMs)
    {
        ImmutableArray<ChannelMetadata>.Builder? settled = null;
        for (var i = 0; i < channels.Length; i++)
        {
            var channel = Settle(channels[i], nowMs);
            if (settled is null && ReferenceEquals(channel, channels[i]))
            {
                continue;
            }

            if (settled is null)
            {
                settled = ImmutableArray.CreateBuilder<ChannelMetadata>(channels.Length);
                for (var j = 0; j < i; j++)
                {
                    settled.Add(channels[j]);
                }
            }

            if (channel is not null)
            {
                settled.Add(channel);
            }
        }

        return settled is null ? channels : settled.ToImmutable();
    }

    /// <summary><paramref name="channel"/> in <paramref name="pending"/> (CREATING or UPDATING) until <paramref name="delay"/> has passed, or ACTIVE at once when there is none.</summary>
    public static ChannelMetadata Changing(ChannelMetadata channel, string pending, TimeSpan delay, long nowMs)
    {
        var delayMs = (long)delay.TotalMilliseconds;
        return delayMs > 0
            ? channel with { Status = pending, StatusSettlesAtMs = nowMs + delayMs }
            : channel with { Status = ChannelStatus.Active, StatusSettlesAtMs = null };
    }
}
