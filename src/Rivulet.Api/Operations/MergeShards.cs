using Rivulet.Api.Streams;
using Rivulet.Protocol.Model;
using Rivulet.Storage;

namespace Rivulet.Api.Operations;

internal sealed class MergeShards : IOperation<MergeShardsInput>
{
    private readonly IStreamStore _store;
    private readonly StreamResolver _streams;
    private readonly KinesisOptions _options;

    public MergeShards(IStreamStore store, StreamResolver streams, KinesisOptions options)
    {
        _store = store;
        _streams = streams;
        _options = options;
    }

    public async ValueTask ExecuteAsync(RequestContext context, MergeShardsInput input, CancellationToken cancellationToken)
    {
        await ReshardCommit.ApplyAsync(_store, _streams, context, _options, nameof(MergeShards), input.StreamName, input.StreamARN, (stream, effectiveAtMs) =>
        {
            var first = ReshardShards.FindOpen(stream, input.ShardToMerge!);
            var second = ReshardShards.FindOpen(stream, input.AdjacentShardToMerge!);
            var outcome = Resharding.Merge(stream.Shards, first.Index, second.Index, effectiveAtMs);
            return outcome.Failure == ReshardFailure.None
                ? outcome.Shards
                : throw ApiErrors.NotAdjacentShards(ShardIds.Format(first.Index), ShardIds.Format(second.Index), stream.Key.StreamName, stream.Key.AccountId);
        }, null, cancellationToken).ConfigureAwait(false);
    }
}
