using Rivulet.Storage.Local;

namespace Rivulet.Storage.Tests.Local;

/// <summary>
/// Real files whose syncs (or reads of one file) wait until the test opens the gate, to see what the
/// log does while a sync or a read is in flight.
/// </summary>
internal sealed class GatedDevice : IStorageDevice
{
    private readonly ManualResetEventSlim _gate = new(initialState: true);
    private readonly ManualResetEventSlim _readGate = new(initialState: true);
    private string? _gatedReads;
    private int _waiting;
    private long _syncs;

    /// <summary>File syncs waiting at the gate now.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    /// <summary>File syncs that reached the device, the ones waiting at the gate included.</summary>
    public long Syncs => Interlocked.Read(ref _syncs);

    public void Close() => _gate.Reset();

    public void Open() => _gate.Set();

    /// <summary>Reads of <paramref name="path"/> wait until <see cref="OpenReads"/>.</summary>
    public void CloseReads(string path)
    {
        _gatedReads = path;
        _readGate.Reset();
    }

    public void OpenReads() => _readGate.Set();

    public ILogFile Open(string path, FileMode mode) => new GatedFile(this, FileStorageDevice.Instance.Open(path, mode));

    public void SyncDirectory(string path) => FileStorageDevice.Instance.SyncDirectory(path);

    private sealed class GatedFile(GatedDevice device, ILogFile inner) : ILogFile
    {
        public string Path => inner.Path;

        public long Length => inner.Length;

        public void Write(long offset, ReadOnlySpan<byte> data) => inner.Write(offset, data);

        public int Read(long offset, Span<byte> buffer)
        {
            if (device._gatedReads == Path)
            {
                Interlocked.Increment(ref device._waiting);
                device._readGate.Wait(TimeSpan.FromSeconds(30));
                Interlocked.Decrement(ref device._waiting);
            }

            return inner.Read(offset, buffer);
        }

        public void Sync()
        {
            Interlocked.Increment(ref device._syncs);
            Interlocked.Increment(ref device._waiting);
            device._gate.Wait(TimeSpan.FromSeconds(30));
            Interlocked.Decrement(ref device._waiting);
            inner.Sync();
        }

        public void Truncate(long length) => inner.Truncate(length);

        public void Dispose() => inner.Dispose();
    }
}
