using Rivulet.Storage;

namespace Rivulet.Api.Streams;

/// <summary>How SplitShard and MergeShards look up the shards they are given.</summary>
internal static class ReshardShards
{
    /// <exception cref="KinesisException">
    /// RNF "Could not find shard &lt;as given&gt; …" for an ID that names no shard; RIU "… has already
    /// been merged or split …" for a closed one.
    /// </exception>
    public static ShardMetadata FindOpen(StreamMetadata stream, string rawShardId)
    {
        var shard = ShardIds.TryParse(rawShardId, out var index) ? stream.FindShard(index) : null;
        if (shard is null)
        {
            throw ApiErrors.CouldNotFindShard(rawShardId, stream.Key.StreamName, stream.Key.AccountId);
        }

        return shard.IsOpen ? shard : throw ApiErrors.ShardAlreadyClosed(ShardIds.Format(shard.Index), stream.Key.StreamName, stream.Key.AccountId);
    }
}
