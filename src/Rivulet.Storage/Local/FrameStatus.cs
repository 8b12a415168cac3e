namespace Rivulet.Storage.Local;

/// <summary>What a <see cref="FrameCursor"/> found where it expected the next frame.</summary>
internal enum FrameStatus
{
    Frame,

    /// <summary>The file ends exactly where the frame would start.</summary>
    End,

    /// <summary>The file ends inside the frame.</summary>
    Short,

    /// <summary>The length field cannot be a record's (zero-filled or garbage bytes).</summary>
    BadLength,

    BadChecksum,
}
