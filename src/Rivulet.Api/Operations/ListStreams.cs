using Rivulet.Api.Records;
using Rivulet.Api.Streams;
using Rivulet.Protocol.Model;
using Rivulet.Storage;

namespace Rivulet.Api.Operations;

internal sealed class ListStreams : IOperation<ListStreamsInput, ListStreamsOutput>
{
    private const int DefaultLimit = 100;
    private const string TokenKind = "ListStreams";

    private readonly IStreamStore _store;
    private readonly StreamResolver _streams;
    private readonly KinesisOptions _options;

    public ListStreams(IStreamStore store, StreamResolver streams, KinesisOptions options)
    {
        _store = store;
        _streams = streams;
        _options = options;
    }

    public async ValueTask<ListStreamsOutput> ExecuteAsync(RequestContext context, ListStreamsInput input, CancellationToken cancellationToken)
    {
        var after = input.ExclusiveStartStreamName;
        if (input.NextToken is not null)
        {
            var token = PageToken.Accept(input.NextToken, _options.TokenKey, TokenKind, context.Account, _options.Region, context.NowMs);

            after = token.After;
        }

        var limit = Math.Min(input.Limit ?? DefaultLimit, DefaultLimit);
        var names = new List<string>();
        var summaries = new List<StreamSummary>();
        var hasMore = false;
        foreach (var listed in await _store.ListStreamsAsync(context.Account, cancellationToken).ConfigureAwait(false))
        {
            if (after is not null && string.CompareOrdinal(listed.Key.StreamName, after) <= 0)
            {
                continue;
            }

            var stream = listed.StatusSettlesAtMs is null ? listed : await _streams.FindAsync(context, listed.Key, cancellationToken).ConfigureAwait(false);
            if (stream is null)
            {
                continue;
            }

            if (names.Count == limit)
            {
                hasMore = true;
                break;
            }

            names.Add(stream.Key.StreamName);
            summaries.Add(new StreamSummary
            {
                StreamName = stream.Key.StreamName,
                StreamARN = StreamArn.Format(stream.Key),
                StreamStatus = stream.Status,
                StreamModeDetails = new StreamModeDetails { StreamMode = stream.StreamMode },
                StreamCreationTimestamp = DateTimeOffset.FromUnixTimeMilliseconds(stream.CreatedAtMs),
            });
        }

        return new ListStreamsOutput
        {
            StreamNames = names,
            HasMoreStreams = hasMore,
            StreamSummaries = summaries,
            NextToken = hasMore ? new PageToken(TokenKind, context.AccountId, context.Region, "", 0, names[^1], context.NowMs).Encode(_options.TokenKey) : null,
        };
    }
}
