namespace Rivulet.Storage.Local;

/// <summary>What every shard log of one open store shares: options, device, commit loop, error sink.</summary>
internal sealed class StoreContext
{
    public StoreContext(LocalStoreOptions options)
    {
        Options = options;
        Layout = new StoreLayout(options.DataDirectory);
        Segments = new CachingStorageDevice(options.Device, options.MaxOpenFiles, syncBeforeClose: options.FsyncPolicy.Mode != FsyncMode.Never);
    }

    public LocalStoreOptions Options { get; }

    public StoreLayout Layout { get; }

    public IStorageDevice Device => Options.Device;

    /// <summary>The device segment files are opened through: at most <see cref="LocalStoreOptions.MaxOpenFiles"/> handles at once.</summary>
    public CachingStorageDevice Segments { get; }

    public FsyncMode Mode => Options.FsyncPolicy.Mode;

    /// <summary>False only under <see cref="FsyncMode.Never"/>.</summary>
    public bool Syncs => Mode != FsyncMode.Never;

    /// <summary>Set under <see cref="FsyncMode.Always"/>.</summary>
    public GroupCommit? GroupCommit { get; set; }

    public long NowMs => Options.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds();

    public void Report(string line)
    {
        try
        {
            Options.ErrorSink(line);
        }
        catch (Exception)
        {
            // A broken sink must not turn a handled storage failure into an unhandled one.
        }
    }

    /// <summary>
    /// Creates a shard's directory (or finds it) inside its stream's directory, which must exist, and makes its entry durable: a log must never
    /// bring back the directory of a stream that was deleted (it would come back without its
    /// metadata, and the records written into it would be acknowledged and then lost).
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The stream's directory is gone.</exception>
    public void CreateShardDirectoryDurably(string shardDirectory)
    {
        var streamDirectory = Path.GetDirectoryName(Path.GetFullPath(shardDirectory))!;

        // Checked under the log's lock; the stream's directory is renamed away only while that lock is held (LocalShardLog.RemoveTogether).
        if (!Directory.Exists(streamDirectory))
        {
            throw new DirectoryNotFoundException($"The stream directory '{streamDirectory}' is gone; not creating '{shardDirectory}' in its place.");
        }

        // Synced even when the directory exists: an earlier attempt may have made it and then failed to sync its entry.
        Directory.CreateDirectory(shardDirectory);
        if (Syncs)
        {
            Device.SyncDirectory(streamDirectory);
        }
    }

    /// <summary>Creates <paramref name="path"/> and any missing parents, syncing each new entry's parent directory unless the policy never syncs.</summary>
    /// <summary>
    /// Replaces <paramref name="path"/> with <paramref name="bytes"/> so that a crash at any point
    /// leaves the old content or the new, whole: written to <paramref name="tempPath"/> beside it,
    /// synced, renamed over it, and the directory synced (the syncs per the fsync policy).
    /// </summary>
    public void ReplaceFileDurably(string path, string tempPath, byte[] bytes)
    {
        using (var file = Device.Open(tempPath, FileMode.Create))
        {
            file.Write(0, bytes);
            if (Syncs)
            {
                file.Sync();
            }
        }

        File.Move(tempPath, path, overwrite: true);
        if (Syncs)
        {
            Device.SyncDirectory(Path.GetDirectoryName(path)!);
        }
    }

    public void CreateDirectoryDurably(string path)
    {
        var missing = new Stack<string>();
        for (var directory = Path.GetFullPath(path); !Directory.Exists(directory); directory = Path.GetDirectoryName(directory)!)
        {
            missing.Push(directory);
        }

        while (missing.TryPop(out var directory))
        {
            Directory.CreateDirectory(directory);
            if (Syncs)
            {
                Device.SyncDirectory(Path.GetDirectoryName(directory)!);
            }
        }
    }
}
