using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.ExceptionServices;
using System.Text;

namespace Rivulet.Storage.Local;

/// <summary>
/// The durable embedded store: stream metadata as one JSON file per stream and each shard's records
/// in an append-only log of segment files (see <see cref="StoreLayout"/> for the directory layout
/// and <see cref="RecordFrame"/> for the record format). Open it with <see cref="OpenAsync"/>, which
/// recovers every shard log; only one process may have a data directory open at a time.
/// Metadata is served from memory and written through on every change, so reads never touch disk.
/// </summary>
public sealed class LocalStreamStore : IStreamStore
{
    private const string FormatLine = "rivulet-local 1";

    private readonly StoreContext _store;
    private readonly FileStream _lock;
    private readonly ConcurrentDictionary<StreamKey, StreamMetadata> _streams = new();
    private readonly ConcurrentDictionary<(StreamKey Key, long CreatedAtMs, int Shard), LocalShardLog> _logs = new();
    private readonly ConcurrentDictionary<(StreamKey Key, long CreatedAtMs), bool> _deleted = new();
    private readonly Lock _metadataGate = new();
    private IntervalSync? _intervalSync;
    private int _disposed;

    private LocalStreamStore(StoreContext store, FileStream lockFile)
    {
        _store = store;
        _lock = lockFile;
    }

    public LocalStoreOptions Options => _store.Options;

    /// <summary>Opens (creating if needed) the data directory, takes its lock and recovers every stream and shard log in it.</summary>
    /// <exception cref="IOException">Another process has the directory open, or it cannot be read.</exception>
    /// <exception cref="CorruptLogException">A stream's metadata file is damaged.</exception>
    public static Task<LocalStreamStore> OpenAsync(LocalStoreOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return Task.Run(() => Open(options, cancellationToken), cancellationToken);
    }

    public ValueTask<StreamStoreOutcome> CreateStreamAsync(StreamMetadata stream, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        lock (_metadataGate)
        {
            if (_streams.ContainsKey(stream.Key))
            {
                return ValueTask.FromResult(StreamStoreOutcome.AlreadyExists);
            }

            var directory = _store.Layout.StreamDirectory(stream.Key, stream.CreatedAtMs);
            _store.CreateDirectoryDurably(directory);
            MetadataFile.Write(_store, directory, stream);
            _streams[stream.Key] = stream;
        }

        return ValueTask.FromResult(StreamStoreOutcome.Done);
    }

    public ValueTask<StreamMetadata?> GetStreamAsync(StreamKey key, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_streams.TryGetValue(key, out var stream) ? stream : null);

    public ValueTask<IReadOnlyList<StreamMetadata>> ListStreamsAsync(string? accountId, CancellationToken cancellationToken) =>
        ValueTask.FromResult(StreamListing.Of(_streams.Values, accountId));

    public ValueTask<StreamStoreOutcome> UpdateStreamAsync(StreamMetadata updated, long expectedVersion, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        lock (_metadataGate)
        {
            if (!_streams.TryGetValue(updated.Key, out var current) || current.CreatedAtMs != updated.CreatedAtMs)
            {
                return ValueTask.FromResult(StreamStoreOutcome.NotFound);
            }

            if (current.Version != expectedVersion)
            {
                return ValueTask.FromResult(StreamStoreOutcome.VersionConflict);
            }

            var next = updated with { Version = expectedVersion + 1 };
            MetadataFile.Write(_store, _store.Layout.StreamDirectory(updated.Key, updated.CreatedAtMs), next);
            _streams[updated.Key] = next;
        }

        return ValueTask.FromResult(StreamStoreOutcome.Done);
    }

    /// <summary>Renames the stream's directory into the trash (atomic: a crash never leaves half a stream visible), then removes it.</summary>
    public ValueTask<StreamStoreOutcome> DeleteStreamAsync(StreamKey key, long createdAtMs, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        string trashed;
        lock (_metadataGate)
        {
            if (!_streams.TryGetValue(key, out var current) || current.CreatedAtMs != createdAtMs)
            {
                return ValueTask.FromResult(StreamStoreOutcome.NotFound);
            }

            trashed = MoveToTrash(_store.Layout.StreamDirectory(key, createdAtMs));
            _deleted[(key, createdAtMs)] = true;
            _streams.TryRemove(key, out _);
        }

        foreach (var id in _logs.Keys)
        {
            if (id.Key == key && id.CreatedAtMs == createdAtMs && _logs.TryRemove(id, out var log))
            {
                log.Close("the stream was deleted");
            }
        }

        DeleteQuietly(trashed);
        return ValueTask.FromResult(StreamStoreOutcome.Done);
    }

    public IShardLog GetShardLog(StreamKey key, long streamCreatedAtMs, int shardIndex)
    {
        var id = (key, streamCreatedAtMs, shardIndex);
        if (_logs.TryGetValue(id, out var log))
        {
            return log;
        }

        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        ArgumentOutOfRangeException.ThrowIfNegative(shardIndex);
        if (_deleted.ContainsKey((key, streamCreatedAtMs)))
        {
            return LocalShardLog.Closed(_store, "the stream was deleted");
        }

        log = _logs.GetOrAdd(id, static (id, self) => self.NewLog(id), this);
        if (_deleted.ContainsKey((key, streamCreatedAtMs)))
        {
            // Lost a race with DeleteStreamAsync.
            log.Close("the stream was deleted");
            _logs.TryRemove(id, out _);
        }

        return log;
    }

    /// <summary>Bytes of record segments the stream holds on disk (metadata and indexes not counted).</summary>
    public long GetBytesOnDisk(StreamKey key, long createdAtMs)
    {
        long bytes = 0;
        foreach (var (id, log) in _logs)
        {
            if (id.Key == key && id.CreatedAtMs == createdAtMs)
            {
                bytes += log.BytesOnDisk;
            }
        }

        return bytes;
    }

    /// <summary>Lets appends already written finish their commit, syncs (per the policy), closes every file and releases the directory.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        foreach (var log in _logs.Values)
        {
            log.BeginClose();
        }

        if (_store.GroupCommit is { } groupCommit)
        {
            await groupCommit.StopAsync().ConfigureAwait(false);
        }

        if (_intervalSync is { } intervalSync)
        {
            await intervalSync.StopAsync().ConfigureAwait(false);
        }

        foreach (var log in _logs.Values)
        {
            log.CheckpointForClose();
        }

        CloseLogs("the store was closed");
        await _lock.DisposeAsync().ConfigureAwait(false);
    }

    private static LocalStreamStore Open(LocalStoreOptions options, CancellationToken cancellationToken)
    {
        var context = new StoreContext(options);
        Directory.CreateDirectory(context.Layout.DataDirectory);
        var lockFile = AcquireLock(context.Layout);
        var store = new LocalStreamStore(context, lockFile);
        try
        {
            store.CheckFormat();
            context.CreateDirectoryDurably(context.Layout.StreamsRoot);
            context.CreateDirectoryDurably(context.Layout.TrashRoot);
            store.EmptyTrash();
            store.Recover(cancellationToken);
            switch (options.FsyncPolicy.Mode)
            {
                case FsyncMode.Always:
                    context.GroupCommit = new GroupCommit(context);
                    break;
                case FsyncMode.Interval:
                    store._intervalSync = new IntervalSync(context, () => store._logs.Values);
                    break;
            }

            return store;
        }
        catch
        {
            store.CloseLogs("the store failed to open");
            lockFile.Dispose();
            throw;
        }
    }

    private static FileStream AcquireLock(StoreLayout layout)
    {
        FileStream lockFile;
        try
        {
            // FileShare.None takes an exclusive flock(2) on Unix: a second process (or a second open in this one) fails here.
            lockFile = new FileStream(layout.LockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException exception)
        {
            throw new IOException($"The data directory '{layout.DataDirectory}' is in use by another process (it holds '{layout.LockFile}').", exception);
        }

        lockFile.SetLength(0);
        lockFile.Write(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{Environment.ProcessId}\n")));
        lockFile.Flush();
        return lockFile;
    }

    private void CheckFormat()
    {
        var path = _store.Layout.FormatFile;
        if (File.Exists(path))
        {
            var found = File.ReadAllText(path).Trim();
            if (found != FormatLine)
            {
                throw new IOException($"'{_store.Layout.DataDirectory}' holds data of format '{found}'; this version reads '{FormatLine}'.");
            }

            return;
        }

        using (var file = _store.Device.Open(path, FileMode.Create))
        {
            file.Write(0, Encoding.ASCII.GetBytes(FormatLine + "\n"));
            if (_store.Syncs)
            {
                file.Sync();
            }
        }

        if (_store.Syncs)
        {
            _store.Device.SyncDirectory(_store.Layout.DataDirectory);
        }
    }

    private void EmptyTrash()
    {
        foreach (var entry in Directory.EnumerateDirectories(_store.Layout.TrashRoot))
        {
            DeleteQuietly(entry);
        }
    }

    /// <summary>Loads every stream's metadata, then recovers all shard logs, several at a time.</summary>
    private void Recover(CancellationToken cancellationToken)
    {
        var shards = new List<((StreamKey Key, long CreatedAtMs, int Shard) Id, string Directory)>();
        foreach (var accountDirectory in Directory.EnumerateDirectories(_store.Layout.StreamsRoot))
        {
            var accountId = Path.GetFileName(accountDirectory);
            foreach (var streamDirectory in Directory.EnumerateDirectories(accountDirectory))
            {
                if (!StoreLayout.TryParseStreamDirectory(Path.GetFileName(streamDirectory), out var streamName, out var createdAtMs))
                {
                    _store.Report($"rivulet storage: ignoring {streamDirectory}: not a stream directory");
                    continue;
                }

                var key = new StreamKey(accountId, streamName);
                if (!TryLoadStream(streamDirectory, key, createdAtMs))
                {
                    continue;
                }

                foreach (var shardDirectory in Directory.EnumerateDirectories(streamDirectory))
                {
                    if (StoreLayout.TryParseShardDirectory(Path.GetFileName(shardDirectory), out var shardIndex))
                    {
                        shards.Add(((key, createdAtMs, shardIndex), shardDirectory));
                    }
                }
            }
        }

        try
        {
            Parallel.ForEach(shards, new ParallelOptions { CancellationToken = cancellationToken }, shard =>
                _logs[shard.Id] = LocalShardLog.Recover(_store, shard.Directory, DisplayName(shard.Id)));
        }
        catch (AggregateException exception) when (exception.InnerExceptions.Count > 0)
        {
            ExceptionDispatchInfo.Capture(exception.InnerExceptions[0]).Throw();
        }
    }

    /// <summary>False for a directory left by a creation that never finished (no meta.json): it goes to the trash.</summary>
    private bool TryLoadStream(string streamDirectory, StreamKey key, long createdAtMs)
    {
        var temp = Path.Combine(streamDirectory, StoreLayout.MetadataTempFile);
        if (File.Exists(temp))
        {
            File.Delete(temp); // a replacement that was never renamed into place
        }

        var path = Path.Combine(streamDirectory, StoreLayout.MetadataFile);
        if (!File.Exists(path))
        {
            _store.Report($"rivulet storage: removing {streamDirectory}: its creation never finished (no {StoreLayout.MetadataFile})");
            DeleteQuietly(MoveToTrash(streamDirectory));
            return false;
        }

        var stream = MetadataFile.Read(path);
        if (stream.Key != key || stream.CreatedAtMs != createdAtMs)
        {
            throw new CorruptLogException(path, 0, $"the metadata describes {stream.Key} created at {stream.CreatedAtMs}, not the stream its directory names");
        }

        if (_streams.TryGetValue(key, out var other))
        {
            // Cannot happen through this store (a name is deleted before it is created again); keep the newest visible.
            _store.Report($"rivulet storage: two incarnations of {key} on disk (created at {other.CreatedAtMs} and {createdAtMs}); serving the newer one");
            if (other.CreatedAtMs > createdAtMs)
            {
                return true;
            }
        }

        _streams[key] = stream;
        return true;
    }

    private LocalShardLog NewLog((StreamKey Key, long CreatedAtMs, int Shard) id) =>
        new(_store, StoreLayout.ShardDirectory(_store.Layout.StreamDirectory(id.Key, id.CreatedAtMs), id.Shard), DisplayName(id));

    private static string DisplayName((StreamKey Key, long CreatedAtMs, int Shard) id) =>
        string.Create(CultureInfo.InvariantCulture, $"{id.Key} (created {id.CreatedAtMs}) shard-{id.Shard}");

    private string MoveToTrash(string directory)
    {
        var target = Path.Combine(_store.Layout.TrashRoot, Guid.NewGuid().ToString("N"));
        Directory.Move(directory, target);
        if (_store.Syncs)
        {
            _store.Device.SyncDirectory(Path.GetDirectoryName(directory)!);
        }

        return target;
    }

    private void DeleteQuietly(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            _store.Report($"rivulet storage: could not remove {directory}: {exception.Message}; it is removed on the next start");
        }
    }

    private void CloseLogs(string reason)
    {
        foreach (var log in _logs.Values)
        {
            log.Close(reason);
        }
    }
}
