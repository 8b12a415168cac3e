using System.Text.Json;

namespace Rivulet.LoadGen;

// Reads PutRecords / PutRecord answers with Utf8JsonReader and records each entry's outcome in the client's table.
// A false return means the answer could not be understood; the caller then treats the whole batch as indeterminate.
internal static class PutResponseReader
{
    public readonly record struct Outcome(int Acknowledged, int Failed);

    // {"FailedRecordCount":n,"Records":[{"SequenceNumber":"…","ShardId":"…"} | {"ErrorCode":"…","ErrorMessage":"…"}, …]}
    // Entries come back in request order (kinesis-wire.md §5.2), so entry i belongs to counter first + i.
    public static bool TryReadPutRecords(ReadOnlySpan<byte> json, AckTable table, int first, int count, out Outcome outcome)
    {
        outcome = default;
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                return false;
            var seen = -1;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (!reader.ValueTextEquals("Records"u8))
                {
                    reader.Skip();
                    continue;
                }

                if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
                    return false;
                seen = 0;
                int acknowledged = 0, failed = 0;
                while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
                {
                    if (seen == count || !TryReadEntry(ref reader, table, first + seen, out var ok))
                        return false;
                    seen++;
                    if (ok)
                        acknowledged++;
                    else
                        failed++;
                }

                outcome = new Outcome(acknowledged, failed);
            }

            return seen == count;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    // {"SequenceNumber":"…","ShardId":"…"}
    public static bool TryReadPutRecord(ReadOnlySpan<byte> json, AckTable table, int counter, out Outcome outcome)
    {
        outcome = new Outcome(1, 0);
        try
        {
            var reader = new Utf8JsonReader(json);
            return reader.Read() && reader.TokenType == JsonTokenType.StartObject && TryReadEntry(ref reader, table, counter, out var ok) && ok;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    // Reads one entry object (the reader is on its StartObject) and records it. ok is false for an ErrorCode entry.
    private static bool TryReadEntry(ref Utf8JsonReader reader, AckTable table, int counter, out bool ok)
    {
        ok = false;
        Span<byte> sequenceNumber = stackalloc byte[WireValues.MaxSequenceNumberLength];
        var sequenceLength = -1;
        var shardIndex = -1;
        var error = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("SequenceNumber"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.String || reader.ValueSpan.Length > sequenceNumber.Length)
                    return false;
                sequenceLength = reader.CopyString(sequenceNumber);
            }
            else if (reader.ValueTextEquals("ShardId"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.String || !WireValues.TryParseShardIndex(reader.ValueSpan, out shardIndex))
                    return false;
            }
            else if (reader.ValueTextEquals("ErrorCode"u8))
            {
                reader.Read();
                error = reader.TokenType == JsonTokenType.String;
            }
            else
            {
                reader.Skip();
            }
        }

        if (reader.TokenType != JsonTokenType.EndObject)
            return false;
        if (error)
        {
            table.Reject(counter);
            return true;
        }

        ok = sequenceLength > 0 && shardIndex >= 0 && table.TryAcknowledge(counter, shardIndex, sequenceNumber[..sequenceLength]);
        return ok;
    }
}
