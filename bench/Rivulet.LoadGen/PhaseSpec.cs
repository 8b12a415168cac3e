using System.Globalization;

namespace Rivulet.LoadGen;

internal enum PutOperation
{
    PutRecords,
    PutRecord,
}

// One load phase, e.g. "putrecords-1k": the operation and the size of each record's data in bytes.
internal sealed record PhaseSpec(string Name, PutOperation Operation, int RecordSize)
{
    public const int DefaultRecordSize = 100;

    // Kinesis' default per-record cap (data + partition key) is 1 MiB; keep room for the key.
    public const int MaxRecordSize = 1024 * 1024 - 256;

    public static bool TryParse(string text, out PhaseSpec? spec, out string? error)
    {
        spec = null;
        var name = text.Trim().ToLowerInvariant();
        PutOperation operation;
        string rest;
        if (name.StartsWith("putrecords", StringComparison.Ordinal))
        {
            operation = PutOperation.PutRecords;
            rest = name["putrecords".Length..];
        }
        else if (name.StartsWith("putrecord", StringComparison.Ordinal))
        {
            operation = PutOperation.PutRecord;
            rest = name["putrecord".Length..];
        }
        else
        {
            error = $"unknown phase '{text}' (expected putrecords[-<size>] or putrecord[-<size>])";
            return false;
        }

        var size = DefaultRecordSize;
        if (rest.Length > 0 && (rest[0] != '-' || !TryParseSize(rest[1..], out size)))
        {
            error = $"bad record size in phase '{text}' (expected e.g. 100, 1k, 64k)";
            return false;
        }

        if (size < RecordFactory.HeaderSize || size > MaxRecordSize)
        {
            error = $"record size in phase '{text}' must be between {RecordFactory.HeaderSize} and {MaxRecordSize} bytes";
            return false;
        }

        spec = new PhaseSpec(name, operation, size);
        error = null;
        return true;
    }

    private static bool TryParseSize(string text, out int size)
    {
        var multiplier = 1;
        if (text.EndsWith('k'))
        {
            multiplier = 1024;
            text = text[..^1];
        }
        else if (text.EndsWith('m'))
        {
            multiplier = 1024 * 1024;
            text = text[..^1];
        }

        size = 0;
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value > int.MaxValue / multiplier)
            return false;
        size = value * multiplier;
        return true;
    }
}
