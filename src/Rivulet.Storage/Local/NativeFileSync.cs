using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Rivulet.Storage.Local;

/// <summary>
/// The sync calls .NET does not expose: fdatasync(2), which skips the inode times an fsync would also
/// write, and fsync(2) on a directory so that a file's creation, rename or removal survives a crash.
/// </summary>
internal static partial class NativeFileSync
{
    private const int Interrupted = 4; // EINTR on Linux and macOS

    public static void SyncData(SafeFileHandle handle, string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            RandomAccess.FlushToDisk(handle);
            return;
        }

        while (FileDataSync(handle) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno != Interrupted)
            {
                throw Failure("fdatasync", path, errno);
            }
        }
    }

    public static void SyncDirectory(string path)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS() && !OperatingSystem.IsFreeBSD())
        {
            return; // Windows cannot open a directory for flushing; NTFS journals its entries.
        }

        var fd = OpenReadOnly(path, 0);
        if (fd < 0)
        {
            throw Failure("open", path, Marshal.GetLastPInvokeError());
        }

        try
        {
            while (FileSync(fd) != 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno != Interrupted)
                {
                    throw Failure("fsync", path, errno);
                }
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    private static IOException Failure(string call, string path, int errno) =>
        new($"{call} '{path}' failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})", errno);

    [LibraryImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
    private static partial int FileDataSync(SafeFileHandle fd);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int FileSync(int fd);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int OpenReadOnly(string path, int flags);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
