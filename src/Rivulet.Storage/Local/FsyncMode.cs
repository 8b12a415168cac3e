namespace Rivulet.Storage.Local;

/// <summary>When the local store forces written records to stable storage; see <see cref="FsyncPolicy"/>.</summary>
public enum FsyncMode
{
    /// <summary>Every append is acknowledged only after its bytes are synced (group commit).</summary>
    Always,

    /// <summary>Appends are acknowledged once written; a background loop syncs every interval.</summary>
    Interval,

    /// <summary>Appends are acknowledged once written; the store never syncs.</summary>
    Never,
}
