namespace Rivulet.Storage.Local;

/// <summary>What every shard log of one open store shares: options, device, commit loop, error sink.</summary>
internal sealed class StoreContext
{
    public StoreContext(LocalStoreOptions options)
    {
        Options = options;
        Layout = new StoreLayout(options.DataDirectory);
    }

    public LocalStoreOptions Options { get; }

    public StoreLayout Layout { get; }

    public IStorageDevice Device => Options.Device;

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

    /// <summary>Creates <paramref name="path"/> and any missing parents, syncing each new entry's parent directory unless the policy never syncs.</summary>
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
