namespace Rivulet.Storage.Local;

/// <summary>What a <see cref="FaultInjectingDevice"/> makes an operation fail with.</summary>
public enum StorageFault
{
    /// <summary>ENOSPC: "No space left on device".</summary>
    DiskFull,

    /// <summary>EIO: "Input/output error", as a failing disk or a lost network volume reports it.</summary>
    IOError,
}
