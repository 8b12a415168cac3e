namespace Rivulet.Storage;

/// <summary>What <see cref="IStreamStore.ListStreamsAsync"/> returns, for stores that hold their metadata in memory.</summary>
internal static class StreamListing
{
    /// <summary>The account's streams (every account's when <paramref name="accountId"/> is null), ordered by name (ordinal).</summary>
    public static IReadOnlyList<StreamMetadata> Of(IEnumerable<StreamMetadata> streams, string? accountId)
    {
        var listed = new List<StreamMetadata>();
        foreach (var stream in streams)
        {
            if (accountId is null || stream.Key.AccountId == accountId)
            {
                listed.Add(stream);
            }
        }

        listed.Sort(static (a, b) => string.CompareOrdinal(a.Key.StreamName, b.Key.StreamName));
        return listed;
    }
}
