using System.Globalization;
using Rivulet.Api.Records;
using Rivulet.Api.Streams;
using Rivulet.Api.Throughput;
using Rivulet.Protocol.Model;
using Rivulet.Storage;

namespace Rivulet.Api.Operations;

internal sealed class ListShards : IOperation<ListShardsInput, ListShardsOutput>
{
    private const int DefaultMaxResults = 1000;
    private const string TokenKind = "ListShards";

    private readonly StreamResolver _streams;
    private readonly KinesisOptions _options;
    private readonly IThroughputGate _throughput;

    public ListShards(StreamResolver streams, KinesisOptions options, IThroughputGate throughput)
    {
        _streams = streams;
        _options = options;
        _throughput = throughput;
    }

    public async ValueTask<ListShardsOutput> ExecuteAsync(RequestContext context, ListShardsInput input, CancellationToken cancellationToken)
    {
        StreamMetadata stream;
        var after = -1;
        if (input.NextToken is not null)
        {
            if (input.StreamName is not null || input.StreamARN is not null)
            {
                throw ApiErrors.ListShardsNextTokenWithStream();
            }

            if (input.ExclusiveStartShardId is not null)
            {
                throw ApiErrors.ListShardsNextTokenWithParameter("ExclusiveStartShardId");
            }

            if (input.StreamCreationTimestamp is not null)
            {
                throw ApiErrors.ListShardsNextTokenWithParameter("StreamCreationTimestamp");
            }

            var token = PageToken.Accept(input.NextToken, _options.TokenKey, TokenKind, null, _options.Region, context.NowMs);

            var key = new StreamKey(token.AccountId, token.Region, token.Scope);
            var found = await _streams.FindAsync(context, key, cancellationToken).ConfigureAwait(false);
            if (found is null || found.CreatedAtMs != token.ScopeCreatedAtMs)
            {
                throw ApiErrors.StreamNotFound(key.StreamName, key.AccountId);
            }

            stream = found;
            after = int.Parse(token.After, CultureInfo.InvariantCulture);
        }
        else
        {
            if (input.StreamName is null && input.StreamARN is null)
            {
                throw ApiErrors.ListShardsNeedsNextTokenOrStream();
            }

            stream = await _streams.GetAsync(context, input.StreamName, input.StreamARN, cancellationToken).ConfigureAwait(false);
            if (input.ExclusiveStartShardId is not null)
            {
                after = ShardIds.TryParse(input.ExclusiveStartShardId, out var index) ? index : int.MaxValue;
            }
        }

        if (!_throughput.TryCall(context, KinesisOperation.ListShards, stream))
        {
            throw ApiErrors.StreamRateExceeded(stream.Key.StreamName, stream.Key.AccountId);
        }

        var include = Filter(context, stream, input.ShardFilter);
        var maxResults = input.MaxResults ?? DefaultMaxResults;
        var shards = new List<Shard>();
        var last = -1;
        var hasMore = false;
        foreach (var shard in stream.Shards)
        {
            if (shard.Index <= after || !include(shard))
            {
                continue;
            }

            if (shards.Count == maxResults)
            {
                hasMore = true;
                break;
            }

            shards.Add(ShardView.ToShard(shard));
            last = shard.Index;
        }

        return new ListShardsOutput
        {
            Shards = shards,
            NextToken = hasMore
                ? new PageToken(TokenKind, stream.Key.AccountId, stream.Key.Region, stream.Key.StreamName, stream.CreatedAtMs, last.ToString(CultureInfo.InvariantCulture), context.NowMs).Encode(_options.TokenKey)
                : null,
        };
    }

    // ShardFilter semantics from the model's documentation (wire reference §5.4); closed shards
    // whose records have all expired are never listed.
    private static Func<ShardMetadata, bool> Filter(RequestContext context, StreamMetadata stream, ShardFilter? filter)
    {
        var trimHorizon = Math.Max(RetentionPeriod.TrimHorizonMs(stream.RetentionPeriodHours, context.NowMs), stream.CreatedAtMs);
        bool Retained(ShardMetadata shard) => ShardView.IsRetained(stream, shard, context.NowMs);

        switch (filter?.Type)
        {
            case null or "FROM_TRIM_HORIZON":
                return Retained;
            case "AFTER_SHARD_ID":
                if (!ShardIds.TryParse(filter.ShardId ?? throw ApiErrors.ShardFilterNeedsShardId(filter.Type), out var afterIndex))
                {
                    afterIndex = int.MaxValue;
                }

                return shard => shard.Index > afterIndex && Retained(shard);
            case "AT_TRIM_HORIZON":
                return shard => shard.CreatedAtMs <= trimHorizon && (shard.ClosedAtMs is not { } closed || closed > trimHorizon);
            case "AT_LATEST":
                return static shard => shard.IsOpen;
            case "AT_TIMESTAMP":
                {
                    var at = Math.Max((filter.Timestamp ?? throw ApiErrors.ShardFilterNeedsTimestamp(filter.Type)).ToUnixTimeMilliseconds(), stream.CreatedAtMs);
                    return shard => shard.CreatedAtMs <= at && (shard.ClosedAtMs is not { } closed || closed > at);
                }

            default:
                {
                    var from = Math.Max((filter.Timestamp ?? throw ApiErrors.ShardFilterNeedsTimestamp(filter.Type)).ToUnixTimeMilliseconds(), trimHorizon);
                    return shard => shard.ClosedAtMs is not { } closed || closed >= from;
                }
        }
    }
}
