using Rivulet.Storage;

namespace Rivulet.Api.Streams;

/// <summary>
/// What SplitShard, MergeShards and UpdateShardCount share: the stream must be ACTIVE and
/// PROVISIONED, the account must stay within its shard limit, and the new shard list is stored in
/// one metadata write, so a crash leaves either the old shards or the new ones, never half.
/// With an update delay the list waits in <see cref="StreamMetadata.PendingShards"/> while the
/// stream is UPDATING (reads and writes go on against the old shards, as on AWS) and takes over
/// when it settles; without one it takes over at once. The logs of the closed parents are sealed as
/// soon as the new list is in force, so a writer that placed a record by the old list retries.
/// </summary>
internal static class ReshardCommit
{
    /// <param name="plan">The stream's new shard list, given the stream and the time the reshard takes effect; throws the operation's own errors.</param>
    /// <param name="alsoChange">Any other change to store in the same write (UpdateShardCount records its call time).</param>
    public static async ValueTask<StreamMetadata> ApplyAsync(
        IStreamStore store,
        StreamResolver streams,
        RequestContext context,
        KinesisOptions options,
        string operation,
        string? streamName,
        string? streamArn,
        Func<StreamMetadata, long, ShardMetadata[]> plan,
        Func<StreamMetadata, StreamMetadata>? alsoChange,
        CancellationToken cancellationToken)
    {
        var key = StreamResolver.Identify(context, streamName, streamArn);
        var accountOpenShards = AccountStreams.OpenShards(await AccountStreams.ListAsync(store, key.Account, context.NowMs, cancellationToken).ConfigureAwait(false));
        var delay = (long)options.UpdateStreamDelay.TotalMilliseconds;
        StreamMetadata? before = null;
        var after = await streams.UpdateAsync(context, streamName, streamArn, stream =>
        {
            StreamChange.RequireActive(stream);
            if (stream.StreamMode == "ON_DEMAND")
            {
                throw ApiErrors.ReshardOnDemand(operation, stream.Key.StreamName, stream.Key.AccountId);
            }

            var effectiveAtMs = context.NowMs + Math.Max(0, delay);
            var shards = plan(stream, effectiveAtMs);
            var added = OpenCount(shards) - OpenCount(stream.Shards);
            if (added > 0 && (long)accountOpenShards + added > options.ShardLimitIn(key.Region))
            {
                throw ApiErrors.ShardLimitExceeded(stream.Key.AccountId, stream.Key.Region, accountOpenShards, options.ShardLimitIn(key.Region), added);
            }

            before = stream;
            var changed = alsoChange?.Invoke(stream) ?? stream;
            return delay > 0
                ? changed with { PendingShards = [.. shards], Status = StreamStatus.Updating, StatusSettlesAtMs = effectiveAtMs }
                : changed with { Shards = [.. shards] };
        }, cancellationToken).ConfigureAwait(false);

        if (delay <= 0 && before is not null)
        {
            await SealClosedAsync(store, before.Shards, after).ConfigureAwait(false);
        }

        return after;
    }

    /// <summary>Seals the logs of shards open in <paramref name="before"/> and closed in <paramref name="after"/>.</summary>
    public static async ValueTask SealClosedAsync(IStreamStore store, IReadOnlyList<ShardMetadata> before, StreamMetadata after)
    {
        foreach (var shard in before)
        {
            if (shard.IsOpen && after.FindShard(shard.Index) is { IsOpen: false })
            {
                // Not cancellable: the new shard list is already in force, and a log left open would take records nobody routes there any more.
                await store.GetShardLog(after.Key, after.CreatedAtMs, shard.Index).SealAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    private static int OpenCount(IEnumerable<ShardMetadata> shards) => shards.Count(shard => shard.IsOpen);
}
