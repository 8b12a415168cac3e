using Microsoft.Win32.SafeHandles;

namespace Rivulet.Server;

/// <summary>
/// A few descriptors held open on /dev/null so that the process is never left without one. When
/// accepting a connection fails because the process is out of descriptors, the reserve is let go
/// so the runtime (loading an assembly, formatting an exception), the store and the log can still
/// open what they must; the listeners accept again only once the reserve has been taken back.
/// </summary>
internal sealed class DescriptorReserve : IDisposable
{
    /// <summary>How many descriptors are held back from connections.</summary>
    public const int DefaultSize = 16;

    private readonly Lock _lock = new();
    private readonly SafeFileHandle?[] _handles;
    private readonly Func<SafeFileHandle> _open;

    public DescriptorReserve(int size = DefaultSize, Func<SafeFileHandle>? open = null)
    {
        _handles = new SafeFileHandle?[size];
        _open = open ?? (() => File.OpenHandle(OperatingSystem.IsWindows() ? "NUL" : "/dev/null", FileMode.Open, FileAccess.Read));
        TryRestore();
    }

    /// <summary>Closes every held descriptor, for whatever in the process needs one now.</summary>
    public void Release()
    {
        lock (_lock)
        {
            for (var i = 0; i < _handles.Length; i++)
            {
                _handles[i]?.Dispose();
                _handles[i] = null;
            }
        }
    }

    /// <summary>Takes the reserve back; false while the process still has too few descriptors for it.</summary>
    public bool TryRestore()
    {
        lock (_lock)
        {
            for (var i = 0; i < _handles.Length; i++)
            {
                if (_handles[i] is not null)
                {
                    continue;
                }

                try
                {
                    _handles[i] = _open();
                }
                catch (IOException)
                {
                    return false;
                }
                catch (UnauthorizedAccessException)
                {
                    return false;
                }
            }

            return true;
        }
    }

    public void Dispose() => Release();
}
