using Rivulet.Api.Streams;
using Rivulet.Protocol.Model;
using Rivulet.Storage;

namespace Rivulet.Api.Operations;

/// <summary>The account's limits and what it uses of them: open shards, on-demand streams and channels.</summary>
internal sealed class DescribeLimits : IOperation<DescribeLimitsInput, DescribeLimitsOutput>
{
    private readonly IStreamStore _store;
    private readonly KinesisOptions _options;

    public DescribeLimits(IStreamStore store, KinesisOptions options)
    {
        _store = store;
        _options = options;
    }

    public async ValueTask<DescribeLimitsOutput> ExecuteAsync(RequestContext context, DescribeLimitsInput input, CancellationToken cancellationToken)
    {
        var streams = await AccountStreams.ListAsync(_store, context.Account, context.NowMs, cancellationToken).ConfigureAwait(false);
        var account = await _store.GetAccountAsync(context.Account, cancellationToken).ConfigureAwait(false);
        var channels = 0;
        foreach (var channel in account?.Channels ?? [])
        {
            // A deleted channel whose time has come is gone, as with streams.
            channels += channel.Status != StreamStatus.Deleting || channel.StatusSettlesAtMs is not { } goneAt || goneAt > context.NowMs ? 1 : 0;
        }

        return new DescribeLimitsOutput
        {
            ShardLimit = _options.ShardLimitIn(context.Region),
            OpenShardCount = AccountStreams.OpenShards(streams),
            OnDemandStreamCount = AccountStreams.OnDemand(streams),
            OnDemandStreamCountLimit = _options.OnDemandStreamLimit,
            ChannelCount = channels,
            ChannelCountLimit = _options.ChannelCountLimit,
        };
    }
}
