namespace Rivulet.Storage.Tests;

internal static class ShardLogReading
{
    /// <summary>Reads a log from <paramref name="from"/> to its tail in pages of the given size.</summary>
    public static async Task<List<StoredRecord>> ReadAllAsync(IShardLog log, long from = 0, int pageRecords = 97, long pageBytes = 64 << 10)
    {
        var all = new List<StoredRecord>();
        while (true)
        {
            var read = await log.ReadAsync(new ReadRequest(from, pageRecords, pageBytes, 0), default);
            all.AddRange(read.Records);
            if (read.Records.Count == 0)
            {
                return all;
            }

            from = read.NextPosition;
        }
    }
}
