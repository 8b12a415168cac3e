using System.Formats.Cbor;

namespace Rivulet.LoadGen;

// PutRecords / PutRecord answers in CBOR, read as a Java SDK client would: any map or array length, members in any order.
// A false return means the answer could not be understood; the caller then treats the whole batch as indeterminate.
internal static class CborPutResponseReader
{
    public static bool TryReadPutRecords(ReadOnlyMemory<byte> body, AckTable table, int first, int count, out PutResponseReader.Outcome outcome)
    {
        outcome = default;
        try
        {
            var reader = new CborReader(body, CborConformanceMode.Lax);
            reader.ReadStartMap();
            var seen = -1;
            while (reader.PeekState() != CborReaderState.EndMap)
            {
                if (!Text(reader).SequenceEqual("Records"u8))
                {
                    reader.SkipValue();
                    continue;
                }

                reader.ReadStartArray();
                seen = 0;
                int acknowledged = 0, failed = 0;
                while (reader.PeekState() != CborReaderState.EndArray)
                {
                    if (seen == count || !TryReadEntry(reader, table, first + seen, out var ok))
                        return false;
                    seen++;
                    if (ok)
                        acknowledged++;
                    else
                        failed++;
                }

                reader.ReadEndArray();
                outcome = new PutResponseReader.Outcome(acknowledged, failed);
            }

            return seen == count;
        }
        catch (Exception error) when (error is CborContentException or InvalidOperationException)
        {
            return false;
        }
    }

    public static bool TryReadPutRecord(ReadOnlyMemory<byte> body, AckTable table, int counter, out PutResponseReader.Outcome outcome)
    {
        outcome = new PutResponseReader.Outcome(1, 0);
        try
        {
            return TryReadEntry(new CborReader(body, CborConformanceMode.Lax), table, counter, out var ok) && ok;
        }
        catch (Exception error) when (error is CborContentException or InvalidOperationException)
        {
            return false;
        }
    }

    // One entry map: {SequenceNumber, ShardId} or {ErrorCode, ErrorMessage}. ok is false for an ErrorCode entry.
    private static bool TryReadEntry(CborReader reader, AckTable table, int counter, out bool ok)
    {
        ok = false;
        ReadOnlySpan<byte> sequenceNumber = default;
        var shardIndex = -1;
        var error = false;
        reader.ReadStartMap();
        while (reader.PeekState() != CborReaderState.EndMap)
        {
            var name = Text(reader);
            if (name.SequenceEqual("SequenceNumber"u8))
            {
                sequenceNumber = Text(reader);
                if (sequenceNumber.Length > WireValues.MaxSequenceNumberLength)
                    return false;
            }
            else if (name.SequenceEqual("ShardId"u8))
            {
                if (!WireValues.TryParseShardIndex(Text(reader), out shardIndex))
                    return false;
            }
            else if (name.SequenceEqual("ErrorCode"u8))
            {
                error = reader.PeekState() == CborReaderState.TextString;
                reader.SkipValue();
            }
            else
            {
                reader.SkipValue();
            }
        }

        reader.ReadEndMap();
        if (error)
        {
            table.Reject(counter);
            return true;
        }

        ok = sequenceNumber.Length > 0 && shardIndex >= 0 && table.TryAcknowledge(counter, shardIndex, sequenceNumber);
        return ok;
    }

    // Text as UTF-8 without a string; chunked text (which Rivulet does not send) goes through one.
    private static ReadOnlySpan<byte> Text(CborReader reader) => reader.PeekState() == CborReaderState.TextString
        ? reader.ReadDefiniteLengthTextStringBytes().Span
        : System.Text.Encoding.UTF8.GetBytes(reader.ReadTextString());
}
