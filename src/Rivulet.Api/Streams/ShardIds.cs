using System.Globalization;

namespace Rivulet.Api.Streams;

/// <summary>Shard IDs are <c>shardId-</c> and the index in 12 digits (wire reference §5.1).</summary>
internal static class ShardIds
{
    public static string Format(int index) => string.Create(CultureInfo.InvariantCulture, $"shardId-{index:D12}");

    /// <summary>
    /// AWS reads only the digits after the last '-': <c>shardId-5</c>, <c>shard-0</c> and <c>5</c>
    /// all name a shard; anything non-numeric or beyond Int32 names none.
    /// </summary>
    public static bool TryParse(string? shardId, out int index)
    {
        index = -1;
        if (string.IsNullOrEmpty(shardId))
        {
            return false;
        }

        var digits = shardId.AsSpan(shardId.LastIndexOf('-') + 1);
        return digits.Length > 0 && int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out index);
    }
}
