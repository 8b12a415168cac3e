using Rivulet.Api.Channels;
using Rivulet.Protocol.Model;

namespace Rivulet.Api.Operations;

internal sealed class DescribeChannel : IOperation<DescribeChannelInput, DescribeChannelOutput>
{
    private readonly ChannelRegistry _channels;

    public DescribeChannel(ChannelRegistry channels) => _channels = channels;

    public async ValueTask<DescribeChannelOutput> ExecuteAsync(RequestContext context, DescribeChannelInput input, CancellationToken cancellationToken)
    {
        (context, var channel) = await _channels.GetAsync(context, input.ChannelARN!, cancellationToken).ConfigureAwait(false);
        var configuration = ChannelConfiguration.Read(channel);
        var (status, reason) = await _channels.StatusAsync(channel, configuration, context.NowMs, cancellationToken).ConfigureAwait(false);
        return new DescribeChannelOutput { ChannelDescription = ChannelView.Describe(context, channel, configuration, status, reason) };
    }
}
