using Rivulet.Api.Consumers;
using Rivulet.Api.Records;
using Rivulet.Api.Streams;
using Rivulet.Api.Throughput;
using Rivulet.Protocol.Model;

namespace Rivulet.Api.Operations;

/// <summary>
/// A stream's consumers in registration order, 100 at most per page. The token names the stream
/// (and its creation, so a token outlives no recreation) and the last consumer listed; it expires
/// after 300 s like every NextToken.
/// </summary>
internal sealed class ListStreamConsumers : IOperation<ListStreamConsumersInput, ListStreamConsumersOutput>
{
    private const int MaxPage = 100;
    private const string TokenKind = "ListStreamConsumers";

    private readonly StreamResolver _streams;
    private readonly KinesisOptions _options;
    private readonly IThroughputGate _throughput;

    public ListStreamConsumers(StreamResolver streams, KinesisOptions options, IThroughputGate throughput)
    {
        _streams = streams;
        _options = options;
        _throughput = throughput;
    }

    public async ValueTask<ListStreamConsumersOutput> ExecuteAsync(RequestContext context, ListStreamConsumersInput input, CancellationToken cancellationToken)
    {
        var key = StreamResolver.Identify(context, null, input.StreamARN);
        (long CreatedAtMs, string Name)? after = null;
        if (input.NextToken is not null)
        {
            var token = PageToken.Accept(input.NextToken, _options.TokenKey, TokenKind, context.Account, _options.Region, context.NowMs);
            if (token.Scope != StreamArn.Format(key))
            {
                throw ApiErrors.InvalidNextToken();
            }

            var separator = token.After.IndexOf(':', StringComparison.Ordinal);
            after = separator > 0 && long.TryParse(token.After.AsSpan(0, separator), out var createdAt)
                ? (createdAt, token.After[(separator + 1)..])
                : throw ApiErrors.InvalidNextToken();
        }

        var stream = await _streams.GetAsync(context, null, input.StreamARN, cancellationToken).ConfigureAwait(false);
        if (!_throughput.TryCall(context, KinesisOperation.ListStreamConsumers, stream))
        {
            throw ApiErrors.StreamRateExceeded(stream.Key.StreamName, stream.Key.AccountId);
        }
        if (input.StreamCreationTimestamp is { } created && !CreationTimestamp.Names(created.ToUnixTimeMilliseconds(), stream.CreatedAtMs))
        {
            throw ApiErrors.StreamCreationTimestampMismatch(key.StreamName, key.AccountId);
        }

        var consumers = ConsumerRegistry.Settle(stream.Consumers, context.NowMs)
            .OrderBy(consumer => consumer.CreatedAtMs)
            .ThenBy(consumer => consumer.ConsumerName, StringComparer.Ordinal)
            .Where(consumer => after is not { } last || consumer.CreatedAtMs > last.CreatedAtMs
                || (consumer.CreatedAtMs == last.CreatedAtMs && string.CompareOrdinal(consumer.ConsumerName, last.Name) > 0))
            .ToList();

        var limit = Math.Min(input.MaxResults ?? MaxPage, MaxPage);
        var page = consumers.Take(limit).ToList();
        var output = new ListStreamConsumersOutput { Consumers = [.. page.Select(consumer => ConsumerView.ToConsumer(stream.Key, consumer))] };
        if (consumers.Count > page.Count)
        {
            var last = page[^1];
            output.NextToken = new PageToken(TokenKind, context.AccountId, context.Region, StreamArn.Format(key), stream.CreatedAtMs, $"{last.CreatedAtMs}:{last.ConsumerName}", context.NowMs).Encode(_options.TokenKey);
        }

        return output;
    }
}
