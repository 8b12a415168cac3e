using Rivulet.Storage;

namespace Rivulet.Api.Streams;

/// <summary>What an account's streams add up to, as the account limits count it.</summary>
internal static class AccountStreams
{
    /// <summary>The account's streams in its region that still exist: a DELETING stream whose time has come is gone, even if nobody has looked since.</summary>
    public static async ValueTask<List<StreamMetadata>> ListAsync(IStreamStore store, AccountKey account, long nowMs, CancellationToken cancellationToken)
    {
        var live = new List<StreamMetadata>();
        foreach (var stream in await store.ListStreamsAsync(account, cancellationToken).ConfigureAwait(false))
        {
            if (stream.Status != StreamStatus.Deleting || stream.StatusSettlesAtMs is not { } goneAt || goneAt > nowMs)
            {
                live.Add(stream);
            }
        }

        return live;
    }

    /// <summary>Open shards across the streams, counting a pending reshard as done (it will be).</summary>
    public static int OpenShards(List<StreamMetadata> streams)
    {
        var open = 0;
        foreach (var stream in streams)
        {
            foreach (var shard in stream.EventualShards)
            {
                open += shard.IsOpen ? 1 : 0;
            }
        }

        return open;
    }

    /// <summary>The on-demand streams among <paramref name="streams"/>, leaving out <paramref name="except"/> (a stream about to change mode).</summary>
    public static int OnDemand(List<StreamMetadata> streams, StreamKey? except = null)
    {
        var count = 0;
        foreach (var stream in streams)
        {
            count += stream.StreamMode == StreamModes.OnDemand && stream.Key != except ? 1 : 0;
        }

        return count;
    }
}
