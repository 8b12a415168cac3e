using Rivulet.Api.Channels;
using Rivulet.Protocol.Model;

namespace Rivulet.Api.Operations;

/// <summary>
/// Deletes a channel in whatever state it is (the operation lists no ResourceInUseException): it
/// stays DELETING for the delete delay, then is gone. Deleting a DELETING channel again succeeds.
/// </summary>
internal sealed class DeleteChannel : IOperation<DeleteChannelInput>
{
    private readonly ChannelRegistry _channels;
    private readonly KinesisOptions _options;

    public DeleteChannel(ChannelRegistry channels, KinesisOptions options)
    {
        _channels = channels;
        _options = options;
    }

    public async ValueTask ExecuteAsync(RequestContext context, DeleteChannelInput input, CancellationToken cancellationToken)
    {
        // From here on the context is the channel's region, which its ARN names.
        (context, var name) = ChannelRegistry.Identify(context, input.ChannelARN!);
        var delay = (long)_options.DeleteStreamDelay.TotalMilliseconds;
        await _channels.ChangeAsync(
            context,
            channels =>
            {
                var index = ChannelRegistry.IndexOf(channels, name);
                if (index < 0)
                {
                    throw ApiErrors.ChannelNotFound(name, context.AccountId);
                }

                var channel = channels[index];
                if (channel.Status == ChannelStatus.Deleting)
                {
                    return ValueTask.FromResult((channels, true));
                }

                return ValueTask.FromResult((
                    delay > 0
                        ? channels.SetItem(index, channel with { Status = ChannelStatus.Deleting, StatusSettlesAtMs = context.NowMs + delay })
                        : channels.RemoveAt(index),
                    true));
            },
            cancellationToken).ConfigureAwait(false);
    }
}
