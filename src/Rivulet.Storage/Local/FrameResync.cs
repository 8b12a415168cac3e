using System.Buffers;
using System.Buffers.Binary;

namespace Rivulet.Storage.Local;

/// <summary>
/// Finds where whole frames start again after a bad one, so that damage in the middle of a segment
/// costs the records it hit and not every record after it. A candidate must be a frame that passes
/// its CRC, holds a position no earlier than the one the bad frame should have held and no later than
/// the skipped bytes could have held (every frame takes at least <see cref="RecordFrame.HeaderBytes"/>),
/// arrived no earlier than the last good record, and is followed by the next position or by the end
/// of the file. The header checks come first so that damaged or random bytes rarely cost a CRC.
/// </summary>
internal static class FrameResync
{
    private const int WindowBytes = 1 << 20;

    /// <param name="file">The segment.</param>
    /// <param name="badOffset">Where the bad frame starts; the search begins one byte after it.</param>
    /// <param name="end">Bytes at and past this offset are not searched.</param>
    /// <param name="expectedPosition">The position the bad frame should have held.</param>
    /// <param name="minArrivalMs">The arrival of the last good record before it.</param>
    /// <param name="positionLimit">Positions at or past this are not part of the log (not acknowledged yet).</param>
    public static bool TryFind(ILogFile file, long badOffset, long end, long expectedPosition, long minArrivalMs, long positionLimit, out long resumeOffset, out long resumePosition)
    {
        resumeOffset = resumePosition = 0;
        var window = ArrayPool<byte>.Shared.Rent(WindowBytes + RecordFrame.HeaderBytes);
        try
        {
            var windowStart = badOffset + 1;
            while (windowStart + RecordFrame.HeaderBytes <= end)
            {
                var wanted = (int)Math.Min(WindowBytes + RecordFrame.HeaderBytes, end - windowStart);
                var count = ReadFully(file, windowStart, window.AsSpan(0, wanted));
                for (var at = 0; at < WindowBytes && at + RecordFrame.HeaderBytes <= count; at++)
                {
                    var offset = windowStart + at;
                    if (IsPlausibleHeader(window.AsSpan(at, RecordFrame.HeaderBytes), offset, badOffset, end, expectedPosition, minArrivalMs, positionLimit) &&
                        IsResumePoint(file, offset, end, expectedPosition, minArrivalMs, positionLimit, out resumePosition))
                    {
                        resumeOffset = offset;
                        return true;
                    }
                }

                if (count < wanted)
                {
                    return false; // the file is shorter than it was said to be
                }

                windowStart += WindowBytes;
            }

            return false;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(window);
        }
    }

    private static bool IsPlausibleHeader(ReadOnlySpan<byte> header, long offset, long badOffset, long end, long expectedPosition, long minArrivalMs, long positionLimit)
    {
        var bodyLength = BinaryPrimitives.ReadUInt32LittleEndian(header);
        if (bodyLength is < RecordFrame.FixedBodyBytes or > RecordFrame.MaxBodyBytes || offset + RecordFrame.PrefixBytes + bodyLength > end)
        {
            return false;
        }

        var position = BinaryPrimitives.ReadInt64LittleEndian(header[8..]);
        var arrival = BinaryPrimitives.ReadInt64LittleEndian(header[16..]);
        var keyLength = BinaryPrimitives.ReadUInt16LittleEndian(header[24..]);
        return position >= expectedPosition && position < positionLimit &&
            position - expectedPosition <= (offset - badOffset) / RecordFrame.HeaderBytes &&
            arrival >= minArrivalMs && RecordFrame.FixedBodyBytes + keyLength <= bodyLength;
    }

    private static bool IsResumePoint(ILogFile file, long offset, long end, long expectedPosition, long minArrivalMs, long positionLimit, out long position)
    {
        position = 0;
        using var cursor = new FrameCursor(file, offset, 64 << 10, end);
        if (cursor.Next(out var frame) != FrameStatus.Frame || frame.Position < expectedPosition || frame.ArrivalMs < minArrivalMs)
        {
            return false;
        }

        position = frame.Position;
        var arrival = frame.ArrivalMs;
        if (position + 1 >= positionLimit)
        {
            return true; // what follows is not part of the log yet
        }

        // A frame-like run of bytes inside damaged data is not followed by the next record; a real frame
        // is, or by the end of the file, or by a tear at the end of the file.
        return cursor.Next(out var following) switch
        {
            FrameStatus.End or FrameStatus.Short => true,
            FrameStatus.Frame => following.Position == position + 1 && following.ArrivalMs >= arrival,
            _ => false,
        };
    }

    private static int ReadFully(ILogFile file, long offset, Span<byte> buffer)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var read = file.Read(offset + total, buffer[total..]);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }
}
