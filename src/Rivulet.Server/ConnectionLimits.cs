using System.Globalization;

namespace Rivulet.Server;

/// <summary>
/// How many connections the server takes at once when <see cref="ServerOptions.MaxConnections"/>
/// is not set: what the process's descriptor limit (RLIMIT_NOFILE) leaves after the files the
/// store and the runtime keep open. Beyond the cap Kestrel closes new connections at once, so the
/// accept loop never meets a process that is out of descriptors in the first place.
/// </summary>
internal static class ConnectionLimits
{
    /// <summary>
    /// Descriptors kept for everything but connections: the store's file-handle cache (up to 1024
    /// segment files) and some 64 for the runtime, its libraries, the log and the listeners.
    /// </summary>
    public const int ReservedDescriptors = 1024 + 64;

    /// <summary>
    /// Descriptors the process opens after the count is taken and before serving steadily: the
    /// host's assemblies, the listeners and what the first HTTP/1.1 and HTTP/2 connections load
    /// (some 70 in all); each new thread also opens two files for a moment as it starts.
    /// </summary>
    public const int StartupDescriptors = 96;

    /// <summary>
    /// The cap for a process allowed <paramref name="openFileLimit"/> descriptors that has
    /// <paramref name="openNow"/> open (the runtime keeps every loaded assembly open, some 150 of
    /// them in all); null when the limit is unknown.
    /// </summary>
    public static long? DefaultMaxConnections(long? openFileLimit, long openNow)
    {
        if (openFileLimit is not { } limit || limit <= 0)
        {
            return null;
        }

        // Under a small limit the store cannot have its whole cache anyway; it gets half of what is left.
        var free = Math.Max(0, limit - openNow - StartupDescriptors);
        var reserved = Math.Min(ReservedDescriptors, free / 2);
        return Math.Max(1, free - reserved);
    }

    /// <summary>How many descriptors the process has open, from /proc/self/fd; 0 where that cannot be read.</summary>
    public static long OpenDescriptors()
    {
        try
        {
            return Directory.GetFileSystemEntries("/proc/self/fd").Length;
        }
        catch (IOException)
        {
            return 0;
        }
        catch (UnauthorizedAccessException)
        {
            return 0;
        }
    }

    /// <summary>
    /// The soft RLIMIT_NOFILE in force, from /proc/self/limits (the runtime has already raised the
    /// soft limit to the hard one at start-up); null where there is no such file or no limit.
    /// </summary>
    public static long? OpenFileLimit()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/limits"))
            {
                if (line.StartsWith("Max open files", StringComparison.Ordinal))
                {
                    return ParseSoftLimit(line["Max open files".Length..]);
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return null;
    }

    /// <summary>The soft limit from the columns after a /proc/self/limits row's name: "soft hard units".</summary>
    internal static long? ParseSoftLimit(string columns)
    {
        var soft = columns.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        return long.TryParse(soft, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;
    }
}
