using Rivulet.Storage;

namespace Rivulet.Api.Streams;

/// <summary>
/// Spreads the records of AUTO streams evenly: each record goes to the next open shard in turn,
/// so any run of N × (open shards) consecutive records puts N on every shard.
/// </summary>
internal sealed class AutoPlacement
{
    private int _next = -1;

    /// <summary>The open shard for one record, or null when the stream has none.</summary>
    public ShardMetadata? Next(StreamMetadata stream)
    {
        var open = OpenCount(stream);
        if (open == 0)
        {
            return null;
        }

        var turn = (int)((uint)Interlocked.Increment(ref _next) % (uint)open);
        foreach (var shard in stream.Shards)
        {
            if (shard.IsOpen && turn-- == 0)
            {
                return shard;
            }
        }

        return null;
    }

    /// <summary>Fills <paramref name="shardOf"/>[0..count) with consecutive turns over the stream's open shards; false when it has none.</summary>
    public bool Place(StreamMetadata stream, Span<int> shardOf)
    {
        var open = new List<int>();
        foreach (var shard in stream.Shards)
        {
            if (shard.IsOpen)
            {
                open.Add(shard.Index);
            }
        }

        if (open.Count == 0)
        {
            return false;
        }

        var first = (uint)(Interlocked.Add(ref _next, shardOf.Length) - shardOf.Length + 1);
        for (var i = 0; i < shardOf.Length; i++)
        {
            shardOf[i] = open[(int)((first + (uint)i) % (uint)open.Count)];
        }

        return true;
    }

    private static int OpenCount(StreamMetadata stream)
    {
        var open = 0;
        foreach (var shard in stream.Shards)
        {
            open += shard.IsOpen ? 1 : 0;
        }

        return open;
    }
}
