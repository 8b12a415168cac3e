namespace Rivulet.Storage.Local;

/// <summary>A frame checked by <see cref="FrameCursor"/>; its spans are valid until the cursor moves.</summary>
internal readonly ref struct FrameView
{
    public FrameView(long offset, int size, long position, long arrivalMs, ReadOnlySpan<byte> key, ReadOnlySpan<byte> data)
    {
        Offset = offset;
        Size = size;
        Position = position;
        ArrivalMs = arrivalMs;
        Key = key;
        Data = data;
    }

    /// <summary>Where the frame starts in its file.</summary>
    public long Offset { get; }

    /// <summary>The whole frame's bytes, prefix included.</summary>
    public int Size { get; }

    public long Position { get; }

    public long ArrivalMs { get; }

    public ReadOnlySpan<byte> Key { get; }

    public ReadOnlySpan<byte> Data { get; }
}
