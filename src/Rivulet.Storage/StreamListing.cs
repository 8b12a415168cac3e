namespace Rivulet.Storage;

/// <summary>What <see cref="IStreamStore.ListStreamsAsync"/> returns, for stores that hold their metadata in memory.</summary>
internal static class StreamListing
{
    /// <summary>The account's streams in its region (every account's in every region when <paramref name="account"/> is null), ordered by name (ordinal).</summary>
    public static IReadOnlyList<StreamMetadata> Of(IEnumerable<StreamMetadata> streams, AccountKey? account)
    {
        var listed = new List<StreamMetadata>();
        foreach (var stream in streams)
        {
            if (account is not { } wanted || stream.Key.Account == wanted)
            {
                listed.Add(stream);
            }
        }

        listed.Sort(static (a, b) => string.CompareOrdinal(a.Key.StreamName, b.Key.StreamName));
        return listed;
    }
}
