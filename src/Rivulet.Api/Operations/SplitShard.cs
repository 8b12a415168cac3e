using System.Globalization;
using Rivulet.Api.Streams;
using Rivulet.Protocol.Model;
using Rivulet.Storage;

namespace Rivulet.Api.Operations;

internal sealed class SplitShard : IOperation<SplitShardInput>
{
    private readonly IStreamStore _store;
    private readonly StreamResolver _streams;
    private readonly KinesisOptions _options;

    public SplitShard(IStreamStore store, StreamResolver streams, KinesisOptions options)
    {
        _store = store;
        _streams = streams;
        _options = options;
    }

    public async ValueTask ExecuteAsync(RequestContext context, SplitShardInput input, CancellationToken cancellationToken)
    {
        var rawShardId = input.ShardToSplit!;
        var rawKey = input.NewStartingHashKey!;
        await ReshardCommit.ApplyAsync(_store, _streams, context, _options, nameof(SplitShard), input.StreamName, input.StreamARN, (stream, effectiveAtMs) =>
        {
            var parent = ReshardShards.FindOpen(stream, rawShardId);
            var outcome = UInt128.TryParse(rawKey, NumberStyles.None, CultureInfo.InvariantCulture, out var key)
                ? Resharding.Split(stream.Shards, parent.Index, key, effectiveAtMs)
                : ReshardOutcome.Fail(ReshardFailure.HashKeyOutOfRange);
            return outcome.Failure == ReshardFailure.None
                ? outcome.Shards
                : throw ApiErrors.SplitHashKeyOutOfRange(rawKey, ShardIds.Format(parent.Index), stream.Key.StreamName, stream.Key.AccountId, parent.StartingHashKey, parent.EndingHashKey);
        }, null, cancellationToken).ConfigureAwait(false);
    }
}
