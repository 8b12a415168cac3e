namespace Rivulet.Storage;

/// <summary>
/// The files of a log do not fit together (a segment is missing where positions continue): the
/// bytes on disk are damaged in a way reads cannot step over. Damaged frames inside a segment are
/// reported and stepped over instead, and never served.
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
