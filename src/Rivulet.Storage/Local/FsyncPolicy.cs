using System.Globalization;

namespace Rivulet.Storage.Local;

/// <summary>
/// How durable an acknowledged append is. <c>always</c>: nothing acknowledged is lost, even when the
/// machine loses power. <c>interval:&lt;ms&gt;</c>: a process crash loses nothing (the bytes are in
/// the operating system's cache), a power loss can lose about the last interval's appends.
/// <c>never</c>: a process crash loses nothing, a power loss can lose anything the operating system
/// had not yet written back.
/// </summary>
public readonly record struct FsyncPolicy
{
    private FsyncPolicy(FsyncMode mode, int intervalMs)
    {
        Mode = mode;
        IntervalMs = intervalMs;
    }

    public static FsyncPolicy Always => new(FsyncMode.Always, 0);

    public static FsyncPolicy Never => new(FsyncMode.Never, 0);

    public FsyncMode Mode { get; }

    /// <summary>Milliseconds between background syncs under <see cref="FsyncMode.Interval"/>; 0 otherwise.</summary>
    public int IntervalMs { get; }

    public static FsyncPolicy Interval(int milliseconds) =>
        milliseconds > 0 ? new(FsyncMode.Interval, milliseconds) : throw new ArgumentOutOfRangeException(nameof(milliseconds), milliseconds, "The sync interval must be at least 1 ms.");

    /// <summary>Parses <c>always</c>, <c>never</c> or <c>interval:&lt;ms&gt;</c> (case-insensitive).</summary>
    public static FsyncPolicy Parse(string text) =>
        TryParse(text, out var policy) ? policy : throw new FormatException($"'{text}' is not an fsync policy; expected always, never or interval:<milliseconds>.");

    public static bool TryParse(string? text, out FsyncPolicy policy)
    {
        policy = Always;
        var value = text?.Trim() ?? "";
        if (value.Equals("always", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (value.Equals("never", StringComparison.OrdinalIgnoreCase))
        {
            policy = Never;
            return true;
        }

        const string prefix = "interval:";
        if (value.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) &&
            int.TryParse(value.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var ms) && ms > 0)
        {
            policy = Interval(ms);
            return true;
        }

        return false;
    }

    public override string ToString() => Mode switch
    {
        FsyncMode.Interval => string.Create(CultureInfo.InvariantCulture, $"interval:{IntervalMs}"),
        FsyncMode.Never => "never",
        _ => "always",
    };
}
