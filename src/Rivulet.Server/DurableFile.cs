namespace Rivulet.Server;

/// <summary>
/// Replaces a small file of the host's (the token key, the TLS certificate and key) so that a crash
/// leaves the old content or the new, never a torn file: written beside, synced, renamed over.
/// </summary>
internal static class DurableFile
{
    /// <param name="mode">The new file's permissions where the platform has them; null for the default.</param>
    public static void Replace(string path, ReadOnlySpan<byte> content, UnixFileMode? mode = null)
    {
        var temporary = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (mode is { } permissions && !OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = permissions;
        }

        using (var file = new FileStream(temporary, options))
        {
            file.Write(content);
            file.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
