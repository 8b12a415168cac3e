using System.Buffers;
using System.Text;

namespace Rivulet.Storage.Local;

/// <summary>
/// One append's frames: sized and placed before the log's lock is taken (each partition key's
/// UTF-8 length counted once), then framed into one buffer and written in one call under it. One
/// call matters: every write that extends a file costs the file system ~10 µs of its own, so
/// writing a large append chunk by chunk (to overlap framing with writing) measured slower.
/// </summary>
internal sealed class AppendBatch : IDisposable
{
    private readonly ReadOnlyMemory<PendingRecord> _records;

    /// <summary>[i]: where record i's frame starts; [Count]: the total.</summary>
    private readonly int[] _offsets;
    private readonly int[] _keyBytes;
    private byte[]? _buffer;

    private AppendBatch(ReadOnlyMemory<PendingRecord> records)
    {
        _records = records;
        _offsets = ArrayPool<int>.Shared.Rent(records.Length + 1);
        _keyBytes = ArrayPool<int>.Shared.Rent(Math.Max(records.Length, 1));
    }

    public int Count => _records.Length;

    public int TotalBytes => _offsets[Count];

    /// <summary>Where record <paramref name="index"/>'s frame starts, from the start of the append.</summary>
    public int OffsetOf(int index) => _offsets[index];

    /// <summary>Sizes every frame; throws <see cref="ArgumentException"/> for a record or an append the log cannot hold.</summary>
    public static AppendBatch Measure(ReadOnlyMemory<PendingRecord> records)
    {
        var batch = new AppendBatch(records);
        try
        {
            var span = records.Span;
            long total = 0;
            for (var i = 0; i < span.Length; i++)
            {
                var keyBytes = Encoding.UTF8.GetByteCount(span[i].PartitionKey);
                if (keyBytes > ushort.MaxValue || RecordFrame.FixedBodyBytes + keyBytes + span[i].Data.Length > RecordFrame.MaxBodyBytes)
                {
                    throw new ArgumentException($"A record of {span[i].Data.Length} bytes with a {keyBytes}-byte partition key is larger than the log takes.", nameof(records));
                }

                batch._keyBytes[i] = keyBytes;
                batch._offsets[i] = (int)total;
                total += RecordFrame.SizeOf(keyBytes, span[i].Data.Length);
                if (total > Array.MaxLength)
                {
                    throw new ArgumentException($"An append of more than {Array.MaxLength} bytes is larger than the log takes at once.", nameof(records));
                }
            }

            batch._offsets[span.Length] = (int)total;
            return batch;
        }
        catch
        {
            batch.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Frames the records as positions <paramref name="firstPosition"/>… arriving at
    /// <paramref name="arrivalMs"/> and writes them at <paramref name="offset"/> of <paramref name="file"/>.
    /// Throws what the file throws; part of the frames may then be written.
    /// </summary>
    public void WriteTo(ILogFile file, long offset, long firstPosition, long arrivalMs)
    {
        _buffer ??= ArrayPool<byte>.Shared.Rent(TotalBytes);
        var span = _records.Span;
        for (var i = 0; i < span.Length; i++)
        {
            var frame = _buffer.AsSpan(_offsets[i], _offsets[i + 1] - _offsets[i]);
            RecordFrame.Write(frame, firstPosition + i, arrivalMs, span[i].PartitionKey, _keyBytes[i], span[i].Data.Span);
        }

        file.Write(offset, _buffer.AsSpan(0, TotalBytes));
    }

    public void Dispose()
    {
        ArrayPool<int>.Shared.Return(_offsets);
        ArrayPool<int>.Shared.Return(_keyBytes);
        if (_buffer is { } buffer)
        {
            _buffer = null;
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
