using System.Buffers;
using System.Buffers.Binary;

namespace Rivulet.Storage.Local;

/// <summary>
/// Reads frames forward from an offset through one pooled buffer, refilled a buffer at a time, and
/// checks every frame's CRC. Recovery scans with it; reads seek with the index and then scan with it.
/// </summary>
internal sealed class FrameCursor : IDisposable
{
    private ILogFile _file;
    private long _end;
    private byte[] _buffer;
    private long _bufferOffset;
    private int _count;
    private int _cursor;

    /// <param name="end">Bytes past this offset are not part of the log (the file's length during recovery).</param>
    public FrameCursor(ILogFile file, long offset, int bufferBytes, long end = long.MaxValue)
    {
        _file = file;
        _buffer = ArrayPool<byte>.Shared.Rent(bufferBytes);
        Reset(file, offset, end);
    }

    /// <summary>Where the next frame starts.</summary>
    public long Offset => _bufferOffset + _cursor;

    public void Reset(ILogFile file, long offset, long end = long.MaxValue)
    {
        _file = file;
        _end = end;
        _bufferOffset = offset;
        _count = 0;
        _cursor = 0;
    }

    public FrameStatus Next(out FrameView frame)
    {
        frame = default;
        if (!Ensure(RecordFrame.PrefixBytes))
        {
            return _count == _cursor ? FrameStatus.End : FrameStatus.Short;
        }

        var prefix = _buffer.AsSpan(_cursor, RecordFrame.PrefixBytes);
        var bodyLength = BinaryPrimitives.ReadUInt32LittleEndian(prefix);
        if (bodyLength is < RecordFrame.FixedBodyBytes or > RecordFrame.MaxBodyBytes)
        {
            return FrameStatus.BadLength;
        }

        var size = RecordFrame.PrefixBytes + (int)bodyLength;
        if (Offset + size > _end || !Ensure(size))
        {
            return FrameStatus.Short;
        }

        var bytes = _buffer.AsSpan(_cursor, size);
        var body = bytes[RecordFrame.PrefixBytes..];
        if (Crc32C.Compute(body) != BinaryPrimitives.ReadUInt32LittleEndian(bytes[4..]))
        {
            return FrameStatus.BadChecksum;
        }

        var keyLength = BinaryPrimitives.ReadUInt16LittleEndian(body[16..]);
        if (RecordFrame.FixedBodyBytes + keyLength > body.Length)
        {
            return FrameStatus.BadLength;
        }

        frame = new FrameView(
            Offset,
            size,
            BinaryPrimitives.ReadInt64LittleEndian(body),
            BinaryPrimitives.ReadInt64LittleEndian(body[8..]),
            body.Slice(RecordFrame.FixedBodyBytes, keyLength),
            body[(RecordFrame.FixedBodyBytes + keyLength)..]);
        _cursor += size;
        return FrameStatus.Frame;
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }

    /// <summary>Makes <paramref name="bytes"/> bytes from the cursor available in the buffer; false when the file ends first.</summary>
    private bool Ensure(int bytes)
    {
        var remaining = _count - _cursor;
        if (remaining >= bytes)
        {
            return true;
        }

        if (bytes > _buffer.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(bytes, _buffer.Length * 2));
            _buffer.AsSpan(_cursor, remaining).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }
        else if (_cursor > 0)
        {
            _buffer.AsSpan(_cursor, remaining).CopyTo(_buffer);
        }

        _bufferOffset += _cursor;
        _cursor = 0;
        _count = remaining;
        while (_count < bytes)
        {
            var read = _file.Read(_bufferOffset + _count, _buffer.AsSpan(_count));
            if (read == 0)
            {
                return false;
            }

            _count += read;
        }

        return true;
    }
}
