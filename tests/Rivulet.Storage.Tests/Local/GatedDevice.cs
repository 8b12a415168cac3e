using Rivulet.Storage.Local;

namespace Rivulet.Storage.Tests.Local;

/// <summary>Real files whose syncs wait until the test opens the gate, to see what the log does while a sync is in flight.</summary>
internal sealed class GatedDevice : IStorageDevice
{
    private readonly ManualResetEventSlim _gate = new(initialState: true);
    private int _waiting;

    public int Waiting => Volatile.Read(ref _waiting);

    public void Close() => _gate.Reset();

    public void Open() => _gate.Set();

    public ILogFile Open(string path, FileMode mode) => new GatedFile(this, FileStorageDevice.Instance.Open(path, mode));

    public void SyncDirectory(string path) => FileStorageDevice.Instance.SyncDirectory(path);

    private sealed class GatedFile(GatedDevice device, ILogFile inner) : ILogFile
    {
        public string Path => inner.Path;

        public long Length => inner.Length;

        public void Write(long offset, ReadOnlySpan<byte> data) => inner.Write(offset, data);

        public int Read(long offset, Span<byte> buffer) => inner.Read(offset, buffer);

        public void Sync()
        {
            Interlocked.Increment(ref device._waiting);
            device._gate.Wait(TimeSpan.FromSeconds(30));
            Interlocked.Decrement(ref device._waiting);
            inner.Sync();
        }

        public void Truncate(long length) => inner.Truncate(length);

        public void Dispose() => inner.Dispose();
    }
}
