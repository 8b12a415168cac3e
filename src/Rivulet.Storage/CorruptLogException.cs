namespace Rivulet.Storage;

/// <summary>
/// Stored records failed their checksum or do not continue where they should: the bytes on disk are
/// damaged. Thrown by reads, never for a torn tail (recovery cuts that off); the log never skips or
/// serves damaged records.
/// </summary>
public sealed class CorruptLogException : IOException
{
    public CorruptLogException(string path, long offset, string problem)
        : base($"Corrupt log file '{path}' at byte {offset}: {problem}.")
    {
        FilePath = path;
        Offset = offset;
    }

    /// <summary>The damaged file.</summary>
    public string FilePath { get; }

    /// <summary>Where in <see cref="FilePath"/> the first damaged frame starts.</summary>
    public long Offset { get; }
}
