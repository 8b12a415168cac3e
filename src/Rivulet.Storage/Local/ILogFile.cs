namespace Rivulet.Storage.Local;

/// <summary>
/// One open file of the log, addressed by byte offset. Every failure is an <see cref="IOException"/>
/// (disk full, EIO, …); the log decides what a failure means for its records.
/// </summary>
public interface ILogFile : IDisposable
{
    string Path { get; }

    /// <summary>The file's current length in bytes.</summary>
    long Length { get; }

    /// <summary>Writes all of <paramref name="data"/> at <paramref name="offset"/> or throws; a throw may leave part of it written.</summary>
    void Write(long offset, ReadOnlySpan<byte> data);

    /// <summary>Reads up to <c>buffer.Length</c> bytes at <paramref name="offset"/>; fewer only at the end of the file.</summary>
    int Read(long offset, Span<byte> buffer);

    /// <summary>Forces the file's data (and the metadata needed to read it back, such as its length) to stable storage.</summary>
    void Sync();

    /// <summary>Cuts the file to <paramref name="length"/> bytes.</summary>
    void Truncate(long length);
}
