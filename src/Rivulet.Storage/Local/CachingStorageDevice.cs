namespace Rivulet.Storage.Local;

/// <summary>
/// Keeps at most <see cref="Capacity"/> files of the device under it open, however many are in use:
/// a file handed out stays usable for its whole life, but its handle is closed while nothing uses
/// it and the cap is reached (least recently used first) and reopened on its next use. A store with
/// 20,000 shards thus lives within the process's descriptor limit, at start-up too.
/// </summary>
/// <remarks>
/// Each call on a file holds its handle for the call's length, so a handle is never closed under a
/// read or a write. When every handle is in use the cap is exceeded for a moment and the extra
/// ones close as their calls end. A handle with writes not yet synced is synced before it closes
/// (when <c>syncBeforeClose</c>), since an error found by writeback after the close would reach no
/// later descriptor: that sync's failure is thrown by the file's next <see cref="ILogFile.Sync"/>,
/// so the log fails the appends it would otherwise have acknowledged.
/// </remarks>
internal sealed class CachingStorageDevice : IStorageDevice
{
    private readonly IStorageDevice _inner;
    private readonly bool _syncBeforeClose;
    private readonly Lock _gate = new();
    private readonly LinkedList<CachedFile> _idle = new();
    private int _open;
    private long _reopens;

    public CachingStorageDevice(IStorageDevice inner, int capacity, bool syncBeforeClose)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _inner = inner;
        Capacity = capacity;
        _syncBeforeClose = syncBeforeClose;
    }

    public int Capacity { get; }

    /// <summary>Handles open now.</summary>
    public int OpenHandles
    {
        get
        {
            lock (_gate)
            {
                return _open;
            }
        }
    }

    /// <summary>Times a file's handle was opened again after being closed to make room.</summary>
    public long Reopens => Interlocked.Read(ref _reopens);

    /// <summary>Opens at once with <paramref name="mode"/>, so that a missing or existing file fails here as it would without the cache.</summary>
    public ILogFile Open(string path, FileMode mode)
    {
        var file = new CachedFile(this, path);
        var handle = OpenInner(path, mode);
        lock (_gate)
        {
            file.Attach(handle);
            file.Node = _idle.AddLast(file);
        }

        return file;
    }

    public void SyncDirectory(string path) => _inner.SyncDirectory(path);

    /// <summary>Takes idle handles out of the cache while it is over capacity; the caller closes them outside the lock.</summary>
    private List<(CachedFile Owner, ILogFile Handle)>? MakeRoomLocked()
    {
        List<(CachedFile Owner, ILogFile Handle)>? victims = null;
        while (_open > Capacity && _idle.First is { } oldest)
        {
            var victim = oldest.Value;
            _idle.RemoveFirst();
            victim.Node = null;
            (victims ??= []).Add((victim, victim.DetachLocked()));
            _open--;
        }

        return victims;
    }

    private static void CloseAll(List<(CachedFile Owner, ILogFile Handle)>? victims)
    {
        foreach (var (owner, handle) in victims ?? [])
        {
            owner.CloseDetached(handle);
        }
    }

    /// <summary>Makes room first (closing idle handles), so that the device under the cache never holds more than the cap while any is idle.</summary>
    private ILogFile OpenInner(string path, FileMode mode)
    {
        List<(CachedFile Owner, ILogFile Handle)>? victims;
        lock (_gate)
        {
            _open++;
            victims = MakeRoomLocked();
        }

        CloseAll(victims);
        try
        {
            return _inner.Open(path, mode);
        }
        catch
        {
            lock (_gate)
            {
                _open--;
            }

            throw;
        }
    }

    /// <summary>
    /// A file of the cache: a handle while open, a path otherwise. Handles close outside the cache's
    /// lock; <see cref="_io"/> orders a reopen after the close before it, so that a failed
    /// sync-before-close is known before anything is written through the new handle.
    /// </summary>
    private sealed class CachedFile(CachingStorageDevice cache, string path) : ILogFile
    {
        private readonly Lock _io = new();
        private ILogFile? _handle;
        private int _users;
        private bool _dirty;
        private bool _disposed;
        private IOException? _lostSync;

        public LinkedListNode<CachedFile>? Node { get; set; }

        public string Path => path;

        public long Length
        {
            get
            {
                var handle = Acquire();
                try
                {
                    return handle.Length;
                }
                finally
                {
                    Release();
                }
            }
        }

        public void Write(long offset, ReadOnlySpan<byte> data)
        {
            var handle = Acquire();
            try
            {
                Volatile.Write(ref _dirty, true);
                handle.Write(offset, data);
            }
            finally
            {
                Release();
            }
        }

        public int Read(long offset, Span<byte> buffer)
        {
            var handle = Acquire();
            try
            {
                return handle.Read(offset, buffer);
            }
            finally
            {
                Release();
            }
        }

        public void Sync()
        {
            var handle = Acquire();
            try
            {
                if (Interlocked.Exchange(ref _lostSync, null) is { } lost)
                {
                    throw new IOException(lost.Message, lost);
                }

                Volatile.Write(ref _dirty, false);
                try
                {
                    handle.Sync();
                }
                catch
                {
                    Volatile.Write(ref _dirty, true);
                    throw;
                }
            }
            finally
            {
                Release();
            }
        }

        public void Truncate(long length)
        {
            var handle = Acquire();
            try
            {
                Volatile.Write(ref _dirty, true);
                handle.Truncate(length);
            }
            finally
            {
                Release();
            }
        }

        public void Dispose()
        {
            ILogFile? handle = null;
            lock (cache._gate)
            {
                if (_disposed)
                {
                    return;
                }

                _disposed = true;
                if (Node is { } node)
                {
                    cache._idle.Remove(node);
                    Node = null;
                }

                if (_users == 0 && _handle is not null)
                {
                    handle = _handle;
                    _handle = null;
                    cache._open--;
                }
            }

            // The log syncs what it needs before letting a segment go; closing here never syncs.
            handle?.Dispose();
        }

        /// <summary>Under the cache's lock: the file's first handle, opened by <see cref="CachingStorageDevice.Open"/>.</summary>
        public void Attach(ILogFile handle) => _handle = handle;

        /// <summary>Under the cache's lock: takes the idle handle away, for the caller to pass to <see cref="CloseDetached"/>.</summary>
        public ILogFile DetachLocked()
        {
            var handle = _handle!;
            _handle = null;
            return handle;
        }

        private ILogFile Acquire()
        {
            lock (cache._gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                _users++;
                if (Node is { } node)
                {
                    cache._idle.Remove(node);
                    Node = null;
                }

                if (_handle is { } open)
                {
                    return open;
                }
            }

            try
            {
                return Reopen();
            }
            catch
            {
                Release();
                throw;
            }
        }

        private ILogFile Reopen()
        {
            lock (_io)
            {
                lock (cache._gate)
                {
                    if (_handle is { } raced)
                    {
                        return raced;
                    }
                }

                var opened = cache.OpenInner(path, FileMode.Open);
                Interlocked.Increment(ref cache._reopens);
                lock (cache._gate)
                {
                    _handle = opened;
                }

                return opened;
            }
        }

        private void Release()
        {
            ILogFile? surplus;
            bool disposed;
            lock (cache._gate)
            {
                if (--_users > 0 || _handle is null)
                {
                    return;
                }

                disposed = _disposed;
                if (!disposed && cache._open <= cache.Capacity)
                {
                    Node = cache._idle.AddLast(this);
                    return;
                }

                surplus = DetachLocked();
                cache._open--;
            }

            if (disposed)
            {
                surplus.Dispose();
            }
            else
            {
                CloseDetached(surplus);
            }
        }

        /// <summary>Closes a handle taken from the cache, syncing it first if the file holds writes not yet synced.</summary>
        public void CloseDetached(ILogFile handle)
        {
            lock (_io)
            {
                try
                {
                    if (cache._syncBeforeClose && Interlocked.Exchange(ref _dirty, false))
                    {
                        handle.Sync();
                    }
                }
                catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
                {
                    Volatile.Write(ref _dirty, true);
                    Interlocked.CompareExchange(ref _lostSync, new IOException($"A sync of '{path}' before closing it to make room failed: {exception.Message}", exception), null);
                }
                finally
                {
                    handle.Dispose();
                }
            }
        }
    }
}
