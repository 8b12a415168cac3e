using System.Globalization;
using Rivulet.Storage.Local;

namespace Rivulet.Server;

/// <summary>
/// How many connections the server takes at once when <see cref="ServerOptions.MaxConnections"/>
/// is not set: what the process's descriptor limit (RLIMIT_NOFILE) leaves after the files the
/// store and the runtime keep open. Beyond the cap Kestrel closes new connections at once, so the
/// accept loop never meets a process that is out of descriptors in the first place.
/// </summary>
internal static class ConnectionLimits
{
    /// <summary>Descriptors kept for the runtime, its libraries, the log and the listeners.</summary>
    public const int RuntimeDescriptors = 64;

    /// <summary>
    /// Descriptors the process opens after the count is taken and before serving steadily: the
    /// host's assemblies, the listeners and what the first HTTP/1.1 and HTTP/2 connections load
    /// (some 70 in all); each new thread also opens two files for a moment as it starts.
    /// </summary>
    public const int StartupDescriptors = 96;

    /// <summary>Assemblies the host loads after the store is open (the runtime keeps each one open), some 150 in all.</summary>
    public const int HostAssemblyDescriptors = 160;

    /// <summary>
    /// How many segment files the store may keep open, taken before the store and the host are
    /// loaded: its default cache of <see cref="LocalStoreOptions.DefaultMaxOpenFiles"/>, or under a
    /// small limit half of what the host and the start-up leave, so that connections get the other half.
    /// </summary>
    public static int StoreOpenFiles(long? openFileLimit, long openNow)
    {
        if (openFileLimit is not { } limit || limit <= 0)
        {
            return LocalStoreOptions.DefaultMaxOpenFiles;
        }

        var free = limit - openNow - HostAssemblyDescriptors - StartupDescriptors - RuntimeDescriptors;
        return (int)Math.Clamp(free / 2, LocalStoreOptions.MinMaxOpenFiles, LocalStoreOptions.DefaultMaxOpenFiles);
    }

    /// <summary>
    /// The cap for a process allowed <paramref name="openFileLimit"/> descriptors that has
    /// <paramref name="openNow"/> open (the runtime keeps every loaded assembly open), of which
    /// <paramref name="storeOpenNow"/> are segment files of a store allowed <paramref name="storeOpenFiles"/>;
    /// null when the limit is unknown.
    /// </summary>
    public static long? DefaultMaxConnections(long? openFileLimit, long openNow, int storeOpenFiles, int storeOpenNow)
    {
        if (openFileLimit is not { } limit || limit <= 0)
        {
            return null;
        }

        var reserved = Math.Max(0, storeOpenFiles - storeOpenNow) + RuntimeDescriptors;
        return Math.Max(1, limit - openNow - StartupDescriptors - reserved);
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
