using Microsoft.Win32.SafeHandles;

namespace Rivulet.Storage.Local;

/// <summary>Real files: <see cref="RandomAccess"/> on a <see cref="SafeFileHandle"/>, synced with fdatasync on Linux.</summary>
public sealed class FileStorageDevice : IStorageDevice
{
    public static FileStorageDevice Instance { get; } = new();

    public ILogFile Open(string path, FileMode mode) =>
        new RealFile(path, File.OpenHandle(path, mode, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete));

    public void SyncDirectory(string path) => NativeFileSync.SyncDirectory(path);

    /// <summary>fdatasync on Linux, <see cref="RandomAccess.FlushToDisk"/> elsewhere: what <see cref="ILogFile.Sync"/> does.</summary>
    public static void SyncData(SafeFileHandle handle, string path) => NativeFileSync.SyncData(handle, path);

    private sealed class RealFile(string path, SafeFileHandle handle) : ILogFile
    {
        public string Path => path;

        public long Length => RandomAccess.GetLength(handle);

        public void Write(long offset, ReadOnlySpan<byte> data) => RandomAccess.Write(handle, data, offset);

        public int Read(long offset, Span<byte> buffer)
        {
            var total = 0;
            while (total < buffer.Length)
            {
                var read = RandomAccess.Read(handle, buffer[total..], offset + total);
                if (read == 0)
                {
                    break;
                }

                total += read;
            }

            return total;
        }

        public void Sync() => NativeFileSync.SyncData(handle, path);

        public void Truncate(long length) => RandomAccess.SetLength(handle, length);

        public void Dispose() => handle.Dispose();
    }
}
