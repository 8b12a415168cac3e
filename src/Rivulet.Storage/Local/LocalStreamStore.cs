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
    private readonly ConcurrentDictionary<AccountKey, AccountMetadata> _accounts = new();
    private readonly ConcurrentDictionary<AccountKey, string> _damagedAccounts = new();

    // What was stored before regions were keeps its place on disk (StoreLayout): these name where.
    private readonly ConcurrentDictionary<StreamKey, (long CreatedAtMs, string Directory)> _legacyStreams = new();
    private readonly ConcurrentDictionary<AccountKey, string> _legacyAccountFiles = new();
    private readonly ConcurrentDictionary<(StreamKey Key, long CreatedAtMs, int Shard), LocalShardLog> _logs = new();
    private readonly Lock _metadataGate = new();
    private readonly LocalShardLog _deletedLog;
    private IntervalSync? _intervalSync;
    private int _disposed;

    private LocalStreamStore(StoreContext store, FileStream lockFile)
    {
        _store = store;
        _lock = lockFile;
        _deletedLog = LocalShardLog.Deleted(store);
    }

    public LocalStoreOptions Options => _store.Options;

    /// <summary>Segment files open now; never more than <see cref="LocalStoreOptions.MaxOpenFiles"/> but for a moment when all are in use.</summary>
    public int OpenSegmentFiles => _store.Segments.OpenHandles;

    /// <summary>Opens (creating if needed) the data directory, takes its lock and recovers every stream and shard log in it.</summary>
    /// <exception cref="IOException">Another process has the directory open, or it cannot be read.</exception>
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

            var directory = StreamDirectory(stream.Key, stream.CreatedAtMs);
            _store.CreateDirectoryDurably(directory);
            MetadataFile.Write(_store, directory, stream);
            _streams[stream.Key] = stream;
        }

        return ValueTask.FromResult(StreamStoreOutcome.Done);
    }

    public ValueTask<StreamMetadata?> GetStreamAsync(StreamKey key, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_streams.TryGetValue(key, out var stream) ? stream : null);

    public ValueTask<IReadOnlyList<StreamMetadata>> ListStreamsAsync(AccountKey? account, CancellationToken cancellationToken) =>
        ValueTask.FromResult(StreamListing.Of(_streams.Values, account));

    public ValueTask<StreamStoreOutcome> UpdateStreamAsync(StreamMetadata updated, long expectedVersion, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        lock (_metadataGate)
        {
            if (!_streams.TryGetValue(updated.Key, out var current) || current.CreatedAtMs != updated.CreatedAtMs)
            {
                return ValueTask.FromResult(StreamStoreOutcome.NotFound);
            }

            if (current.Damage is { } damage)
            {
                // Writing a placeholder over the damaged file would destroy what is left of it.
                throw new IOException($"The metadata of {updated.Key} cannot be replaced: {damage}");
            }

            if (current.Version != expectedVersion)
            {
                return ValueTask.FromResult(StreamStoreOutcome.VersionConflict);
            }

            var next = updated with { Version = expectedVersion + 1 };
            MetadataFile.Write(_store, StreamDirectory(updated.Key, updated.CreatedAtMs), next);
            _streams[updated.Key] = next;
        }

        return ValueTask.FromResult(StreamStoreOutcome.Done);
    }

    /// <exception cref="IOException">The account's file exists but could not be read at start-up.</exception>
    public ValueTask<AccountMetadata?> GetAccountAsync(AccountKey account, CancellationToken cancellationToken)
    {
        if (_damagedAccounts.TryGetValue(account, out var damage))
        {
            throw new IOException(damage);
        }

        return ValueTask.FromResult(_accounts.TryGetValue(account, out var stored) ? stored : null);
    }

    /// <exception cref="IOException">Writing the file failed (nothing changed), or the account's file could not be read at start-up.</exception>
    public ValueTask<StreamStoreOutcome> UpdateAccountAsync(AccountMetadata updated, long expectedVersion, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        lock (_metadataGate)
        {
            var key = updated.Key;
            if (_damagedAccounts.TryGetValue(key, out var damage))
            {
                throw new IOException(damage);
            }

            var currentVersion = _accounts.TryGetValue(key, out var current) ? current.Version : 0;
            if (currentVersion != expectedVersion)
            {
                return ValueTask.FromResult(StreamStoreOutcome.VersionConflict);
            }

            var next = updated with { Version = expectedVersion + 1 };
            if (!_legacyAccountFiles.TryGetValue(key, out var stem))
            {
                stem = _store.Layout.AccountFileStem(key);
                _store.CreateDirectoryDurably(Path.GetDirectoryName(stem)!);
            }

            AccountFile.Write(_store, stem, next);
            _accounts[key] = next;
        }

        return ValueTask.FromResult(StreamStoreOutcome.Done);
    }

    /// <summary>
    /// Renames the stream's directory into the trash (atomic: a crash never leaves half a stream
    /// visible), then removes it. The rename happens with every log of the stream held still and
    /// closes them in the same step (<see cref="LocalShardLog.RemoveTogether"/>), under the metadata
    /// lock that <see cref="GetShardLog"/> takes to open a log, so nothing is acknowledged into the
    /// renamed files and no log can open the stream again.
    /// </summary>
    /// <exception cref="IOException">
    /// The rename failed (the stream is still there, whole and writable), or it succeeded but syncing
    /// the parent directory failed. In the second case the stream is treated as deleted: the rename
    /// is visible to every file operation, so it is gone from memory and its logs refuse appends, but
    /// it may not be durable. Rolling it back would need another rename and another sync, which fail
    /// the same way; instead the directory is left whole in the trash. If a crash loses the rename,
    /// the stream comes back at the next start with every record acknowledged before the delete (none
    /// was acknowledged after); otherwise the next start empties the trash.
    /// </exception>
    public ValueTask<StreamStoreOutcome> DeleteStreamAsync(StreamKey key, long createdAtMs, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        var directory = StreamDirectory(key, createdAtMs);
        var trashed = Path.Combine(_store.Layout.TrashRoot, Guid.NewGuid().ToString("N"));
        lock (_metadataGate)
        {
            if (!_streams.TryGetValue(key, out var current) || current.CreatedAtMs != createdAtMs)
            {
                return ValueTask.FromResult(StreamStoreOutcome.NotFound);
            }

            var ids = new List<(StreamKey Key, long CreatedAtMs, int Shard)>();
            var logs = new List<LocalShardLog>();
            foreach (var (id, log) in _logs)
            {
                if (id.Key == key && id.CreatedAtMs == createdAtMs)
                {
                    ids.Add(id);
                    logs.Add(log);
                }
            }

            LocalShardLog.RemoveTogether(logs, () => Directory.Move(directory, trashed));
            _streams.TryRemove(key, out _);
            _legacyStreams.TryRemove(key, out _);
            foreach (var id in ids)
            {
                _logs.TryRemove(id, out _);
            }
        }

        if (_store.Syncs)
        {
            try
            {
                _store.Device.SyncDirectory(Path.GetDirectoryName(directory)!);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                _store.Report($"rivulet storage: deleting {key} (created {createdAtMs}): syncing {Path.GetDirectoryName(directory)} after moving the stream to {trashed} failed: {exception.Message}; the stream is deleted, but a crash before the directory reaches the disk may bring it back whole; the trash is emptied on the next start");
                throw new IOException($"The deletion of {key} may not be durable: {exception.Message}", exception);
            }
        }

        DeleteQuietly(trashed);
        return ValueTask.FromResult(StreamStoreOutcome.Done);
    }

    /// <summary>
    /// The log of a stream incarnation that exists; for one that was deleted (or never created) a
    /// closed log whose appends answer <see cref="AppendStatus.StreamDeleted"/>. Logs are opened under
    /// the metadata lock, so a log never opens after (and thus outlives) its stream's deletion, and no
    /// record of deleted incarnations is needed.
    /// </summary>
    public IShardLog GetShardLog(StreamKey key, long streamCreatedAtMs, int shardIndex)
    {
        var id = (key, streamCreatedAtMs, shardIndex);
        if (_logs.TryGetValue(id, out var log))
        {
            return log;
        }

        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        ArgumentOutOfRangeException.ThrowIfNegative(shardIndex);
        lock (_metadataGate)
        {
            if (!_streams.TryGetValue(key, out var stream) || stream.CreatedAtMs != streamCreatedAtMs)
            {
                return _deletedLog;
            }

            if (stream.Damage is { } damage)
            {
                return LocalShardLog.Unavailable(_store, damage);
            }

            return _logs.GetOrAdd(id, static (id, self) => self.NewLog(id), this);
        }
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
            context.CreateDirectoryDurably(context.Layout.AccountsRoot);
            store.EmptyTrash();
            store.LoadAccounts();
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

    /// <summary>Loads accounts/&lt;region&gt;/*.json, then the files of accounts stored before regions were (accounts/*.json).</summary>
    private void LoadAccounts()
    {
        foreach (var regionDirectory in Directory.EnumerateDirectories(_store.Layout.AccountsRoot))
        {
            var region = Path.GetFileName(regionDirectory);
            if (!StoreLayout.IsRegionName(region))
            {
                _store.Report($"rivulet storage: ignoring {regionDirectory}: not a region's directory");
                continue;
            }

            LoadAccountFiles(regionDirectory, region);
        }

        LoadAccountFiles(_store.Layout.AccountsRoot, null);
    }

    /// <param name="region">The directory's region; null for the files stored before regions were, whose documents may name one.</param>
    private void LoadAccountFiles(string directory, string? region)
    {
        foreach (var path in Directory.EnumerateFiles(directory))
        {
            if (AccountFile.IsTemp(path))
            {
                // A replacement that never got renamed into place: the file beside it is the current one.
                File.Delete(path);
                continue;
            }

            if (!path.EndsWith(AccountFile.Extension, StringComparison.Ordinal))
            {
                continue;
            }

            var stem = path[..^AccountFile.Extension.Length];
            var key = new AccountKey(Path.GetFileName(stem), region ?? Options.DefaultRegion);
            try
            {
                var account = AccountFile.Read(path, key.Region);
                if (account.AccountId != key.AccountId || (region is not null && account.Region != region))
                {
                    throw new CorruptLogException(path, 0, $"the file describes account {account.Key}, not the one its path names");
                }

                key = account.Key;
                if (region is null && _accounts.ContainsKey(key))
                {
                    // Possible only after the configured region changed: the file in the region's directory is the one written since.
                    _store.Report($"rivulet storage: ignoring {path}: account {key} has a newer file in {Path.GetDirectoryName(_store.Layout.AccountFileStem(key))}");
                    continue;
                }

                _accounts[key] = account;
                if (region is null)
                {
                    _legacyAccountFiles[key] = stem;
                }
            }
            catch (Exception exception) when (exception is CorruptLogException or IOException or UnauthorizedAccessException)
            {
                var reason = $"the account metadata in {path} cannot be read: {exception.Message}";
                _store.Report($"rivulet storage: {reason}; the account's settings and channels are unavailable until the file is repaired or removed");
                _damagedAccounts.TryAdd(key, reason);
            }
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
            foreach (var entry in Directory.EnumerateDirectories(accountDirectory))
            {
                var name = Path.GetFileName(entry);
                if (StoreLayout.IsRegionName(name))
                {
                    foreach (var streamDirectory in Directory.EnumerateDirectories(entry))
                    {
                        LoadStream(streamDirectory, accountId, name, shards);
                    }
                }
                else
                {
                    // A stream stored before regions were.
                    LoadStream(entry, accountId, null, shards);
                }
            }
        }

        try
        {
            Parallel.ForEach(shards, new ParallelOptions { CancellationToken = cancellationToken }, shard =>
            {
                try
                {
                    _logs[shard.Id] = LocalShardLog.Recover(_store, shard.Directory, DisplayName(shard.Id));
                }
                catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
                {
                    // One shard whose files cannot be read must not keep every other stream from serving.
                    var reason = $"the shard log in {shard.Directory} could not be opened: {exception.Message}";
                    _store.Report($"rivulet storage: {DisplayName(shard.Id)}: {reason}; it answers errors until the server is restarted with it readable");
                    _logs[shard.Id] = LocalShardLog.Unavailable(_store, reason);
                }
            });
        }
        catch (AggregateException exception) when (exception.InnerExceptions.Count > 0)
        {
            ExceptionDispatchInfo.Capture(exception.InnerExceptions[0]).Throw();
        }
    }

    /// <summary>
    /// False for a directory left by a creation that never finished (no meta.json): it goes to the
    /// trash. A meta.json that cannot be read is damage to that one stream, not to the store: the
    /// stream is kept as <see cref="StreamMetadata.Damage"/> (listed, its name taken, answering errors
    /// until it is deleted), the file is reported and left as it is, and every other stream serves.
    /// </summary>
    private void LoadStream(string streamDirectory, string accountId, string? region, List<((StreamKey Key, long CreatedAtMs, int Shard) Id, string Directory)> shards)
    {
        if (!StoreLayout.TryParseStreamDirectory(Path.GetFileName(streamDirectory), out var streamName, out var createdAtMs))
        {
            _store.Report($"rivulet storage: ignoring {streamDirectory}: not a stream directory");
            return;
        }

        if (TryLoadStream(streamDirectory, accountId, region, streamName, createdAtMs) is not { } key || _streams[key].Damage is not null)
        {
            return;
        }

        foreach (var shardDirectory in Directory.EnumerateDirectories(streamDirectory))
        {
            if (StoreLayout.TryParseShardDirectory(Path.GetFileName(shardDirectory), out var shardIndex))
            {
                shards.Add(((key, createdAtMs, shardIndex), shardDirectory));
            }
        }
    }

    /// <param name="region">The region the directory is in; null for a stream stored before regions were, whose meta.json may name one.</param>
    /// <returns>The stream's key; null when the directory was not a stream's after all.</returns>
    private StreamKey? TryLoadStream(string streamDirectory, string accountId, string? region, string streamName, long createdAtMs)
    {
        var key = new StreamKey(accountId, region ?? Options.DefaultRegion, streamName);
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
            return null;
        }

        StreamMetadata stream;
        try
        {
            stream = MetadataFile.Read(path, key.Region);
            if (region is null)
            {
                key = key with { Region = stream.Key.Region };
            }

            if (stream.Key != key || stream.CreatedAtMs != createdAtMs)
            {
                throw new CorruptLogException(path, 0, $"the metadata describes {stream.Key} created at {stream.CreatedAtMs}, not the stream its directory names");
            }
        }
        catch (Exception exception) when (exception is CorruptLogException or IOException or UnauthorizedAccessException)
        {
            var damage = exception is CorruptLogException ? exception.Message : $"{path} cannot be read: {exception.Message}";
            _store.Report($"rivulet storage: {key} (created {createdAtMs}) cannot be served: {damage}; it stays listed and answers errors until it is deleted; nothing was removed");
            stream = Damaged(key, createdAtMs, damage);
        }

        if (_streams.TryGetValue(key, out var other))
        {
            // Cannot happen through this store (a name is deleted before it is created again); keep the newest visible.
            _store.Report($"rivulet storage: two incarnations of {key} on disk (created at {other.CreatedAtMs} and {createdAtMs}); serving the newer one");
            if (other.CreatedAtMs > createdAtMs)
            {
                return null;
            }
        }

        _streams[key] = stream;
        if (region is null)
        {
            _legacyStreams[key] = (createdAtMs, streamDirectory);
        }
        else
        {
            _legacyStreams.TryRemove(key, out _);
        }

        return key;
    }

    /// <summary>Where the stream's files are: in its region's directory, unless it was stored before regions were.</summary>
    private string StreamDirectory(StreamKey key, long createdAtMs) =>
        _legacyStreams.TryGetValue(key, out var legacy) && legacy.CreatedAtMs == createdAtMs
            ? legacy.Directory
            : _store.Layout.StreamDirectory(key, createdAtMs);

    /// <summary>What stands in for a stream whose metadata cannot be read: only its key and creation time are real.</summary>
    private static StreamMetadata Damaged(StreamKey key, long createdAtMs, string damage) => new()
    {
        Key = key,
        CreatedAtMs = createdAtMs,
        Status = "ACTIVE",
        StreamMode = "PROVISIONED",
        Shards = [],
        RetentionPeriodHours = 24,
        MaxRecordSizeInKiB = 1024,
        Damage = damage,
    };

    private LocalShardLog NewLog((StreamKey Key, long CreatedAtMs, int Shard) id) =>
        new(_store, StoreLayout.ShardDirectory(StreamDirectory(id.Key, id.CreatedAtMs), id.Shard), DisplayName(id));

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
