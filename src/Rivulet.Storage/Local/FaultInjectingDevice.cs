namespace Rivulet.Storage.Local;

/// <summary>
/// A device over another one (real files by default) that fails on demand, for tests of what the log
/// does when the disk is full or broken (the checklist of Tsavorite's FlakyDevice and
/// LogCommitFailure tests). It also counts the calls that reached it, so a test can see how many
/// syncs a group commit needed. Faults stay until <see cref="ClearFaults"/>.
/// </summary>
public sealed class FaultInjectingDevice : IStorageDevice
{
    private readonly IStorageDevice _inner;
    private readonly Lock _gate = new();
    private StorageFault? _writeFault;
    private int _writePartialBytes;
    private StorageFault? _syncFault;
    private StorageFault? _truncateFault;
    private StorageFault? _directorySyncFault;
    private long _writes;
    private long _syncs;
    private long _directorySyncs;
    private long _truncates;

    public FaultInjectingDevice(IStorageDevice? inner = null) => _inner = inner ?? FileStorageDevice.Instance;

    /// <summary>Writes that reached the device, failed ones included.</summary>
    public long Writes => Interlocked.Read(ref _writes);

    /// <summary>File syncs that reached the device, failed ones included.</summary>
    public long Syncs => Interlocked.Read(ref _syncs);

    public long DirectorySyncs => Interlocked.Read(ref _directorySyncs);

    public long Truncates => Interlocked.Read(ref _truncates);

    /// <summary>Every write fails; the first <paramref name="partialBytes"/> bytes of each buffer still reach the file, as a short write before ENOSPC does.</summary>
    public void FailWrites(StorageFault fault, int partialBytes = 0)
    {
        lock (_gate)
        {
            _writeFault = fault;
            _writePartialBytes = partialBytes;
        }
    }

    /// <summary>Every file and directory sync fails.</summary>
    public void FailSyncs(StorageFault fault)
    {
        lock (_gate)
        {
            _syncFault = fault;
        }
    }

    /// <summary>Directory syncs fail (file syncs do not): a new file's name may not last.</summary>
    public void FailDirectorySyncs(StorageFault fault)
    {
        lock (_gate)
        {
            _directorySyncFault = fault;
        }
    }

    public void FailTruncates(StorageFault fault)
    {
        lock (_gate)
        {
            _truncateFault = fault;
        }
    }

    public void ClearFaults()
    {
        lock (_gate)
        {
            _writeFault = null;
            _syncFault = null;
            _truncateFault = null;
            _directorySyncFault = null;
        }
    }

    public ILogFile Open(string path, FileMode mode) => new FaultyFile(this, _inner.Open(path, mode));

    public void SyncDirectory(string path)
    {
        Interlocked.Increment(ref _directorySyncs);
        ThrowIf(SyncFault, path);
        ThrowIf(DirectorySyncFault, path);
        _inner.SyncDirectory(path);
    }

    private StorageFault? SyncFault
    {
        get
        {
            lock (_gate)
            {
                return _syncFault;
            }
        }
    }

    private StorageFault? DirectorySyncFault
    {
        get
        {
            lock (_gate)
            {
                return _directorySyncFault;
            }
        }
    }

    private (StorageFault? Fault, int PartialBytes) WriteFault
    {
        get
        {
            lock (_gate)
            {
                return (_writeFault, _writePartialBytes);
            }
        }
    }

    private StorageFault? TruncateFault
    {
        get
        {
            lock (_gate)
            {
                return _truncateFault;
            }
        }
    }

    private static void ThrowIf(StorageFault? fault, string path)
    {
        if (fault is { } f)
        {
            throw Failure(f, path);
        }
    }

    private static IOException Failure(StorageFault fault, string path) => fault switch
    {
        StorageFault.DiskFull => new IOException($"No space left on device : '{path}'", 28),
        _ => new IOException($"Input/output error : '{path}'", 5),
    };

    private sealed class FaultyFile(FaultInjectingDevice device, ILogFile inner) : ILogFile
    {
        public string Path => inner.Path;

        public long Length => inner.Length;

        public void Write(long offset, ReadOnlySpan<byte> data)
        {
            Interlocked.Increment(ref device._writes);
            var (fault, partial) = device.WriteFault;
            if (fault is { } f)
            {
                if (partial > 0)
                {
                    inner.Write(offset, data[..Math.Min(partial, data.Length)]);
                }

                throw Failure(f, Path);
            }

            inner.Write(offset, data);
        }

        public int Read(long offset, Span<byte> buffer) => inner.Read(offset, buffer);

        public void Sync()
        {
            Interlocked.Increment(ref device._syncs);
            ThrowIf(device.SyncFault, Path);
            inner.Sync();
        }

        public void Truncate(long length)
        {
            Interlocked.Increment(ref device._truncates);
            ThrowIf(device.TruncateFault, Path);
            inner.Truncate(length);
        }

        public void Dispose() => inner.Dispose();
    }
}
