using Rivulet.Api.Channels;
using Rivulet.Api.Records;
using Rivulet.Api.Streams;
using Rivulet.Protocol.Model;

namespace Rivulet.Api.Operations;

/// <summary>
/// The account's channels in name order, 100 at most per page, optionally only those reading
/// given streams. The token says where the previous page ended; the filter comes with every
/// request, as paginators send it.
/// </summary>
internal sealed class ListChannels : IOperation<ListChannelsInput, ListChannelsOutput>
{
    private const int MaxPage = 100;
    private const string TokenKind = "ListChannels";

    private readonly ChannelRegistry _channels;
    private readonly KinesisOptions _options;

    public ListChannels(ChannelRegistry channels, KinesisOptions options)
    {
        _channels = channels;
        _options = options;
    }

    public async ValueTask<ListChannelsOutput> ExecuteAsync(RequestContext context, ListChannelsInput input, CancellationToken cancellationToken)
    {
        string? after = null;
        if (input.NextToken is not null)
        {
            after = PageToken.Accept(input.NextToken, _options.TokenKey, TokenKind, context.Account, _options.Region, context.NowMs).After;
        }

        var limit = Math.Min(input.MaxResults ?? MaxPage, MaxPage);
        var summaries = new List<ChannelSummary>();
        var hasMore = false;
        foreach (var channel in await _channels.ListAsync(context, cancellationToken).ConfigureAwait(false))
        {
            if (after is not null && string.CompareOrdinal(channel.ChannelName, after) <= 0)
            {
                continue;
            }

            var configuration = ChannelConfiguration.Read(channel);
            if (input.StreamFilter is { } filter && !Matches(filter, configuration, context))
            {
                continue;
            }

            if (summaries.Count == limit)
            {
                hasMore = true;
                break;
            }

            var (status, reason) = await _channels.StatusAsync(channel, configuration, context.NowMs, cancellationToken).ConfigureAwait(false);
            summaries.Add(ChannelView.Summarize(context, channel, configuration, status, reason));
        }

        return new ListChannelsOutput
        {
            ChannelSummaries = summaries,
            NextToken = hasMore ? new PageToken(TokenKind, context.AccountId, context.Region, "", 0, summaries[^1].ChannelName!, context.NowMs).Encode(_options.TokenKey) : null,
        };
    }

    private static bool Matches(List<StreamFilter> filter, ChannelDescription configuration, RequestContext context)
    {
        foreach (var stream in ChannelConfiguration.Streams(configuration))
        {
            foreach (var wanted in filter)
            {
                if (!StreamArn.TryParse(wanted.StreamARN!, out var region, out var accountId, out var name)
                    || region != stream.Key.Region || accountId != stream.Key.AccountId || name != stream.Key.StreamName)
                {
                    continue;
                }

                if (wanted.StreamCreationTimestamp is not { } created || CreationTimestamp.Names(created.ToUnixTimeMilliseconds(), stream.CreatedAtMs))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
