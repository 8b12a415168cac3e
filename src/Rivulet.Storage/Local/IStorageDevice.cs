namespace Rivulet.Storage.Local;

/// <summary>
/// The file layer under the local store: everything that can fail on a real disk goes through here,
/// so that a test can put a failing disk under the log (<see cref="FaultInjectingDevice"/>). Directory
/// listing, renames and deletes use <see cref="System.IO"/> directly.
/// </summary>
public interface IStorageDevice
{
    /// <summary>Opens a file for reading and writing; <paramref name="mode"/> as for <see cref="File.Open(string, FileMode)"/>.</summary>
    ILogFile Open(string path, FileMode mode);

    /// <summary>Makes the directory's entries (files created, renamed or deleted in it) durable.</summary>
    void SyncDirectory(string path);
}
