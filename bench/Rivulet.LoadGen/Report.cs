using System.Globalization;
using System.Text.Json;

namespace Rivulet.LoadGen;

internal static class Report
{
    public static void WritePhaseTable(TextWriter output, IReadOnlyList<PhaseResult> phases)
    {
        output.WriteLine();
        output.WriteLine(Row("phase", "requests", "records", "records/s", "MB/s", "p50 ms", "p99 ms", "max ms", "errors", "failed rec"));
        foreach (var p in phases)
        {
            output.WriteLine(Row(
                p.Spec.Name,
                Integer(p.Requests),
                Integer(p.Records),
                Number(p.RecordsPerSecond, "F0"),
                Number(p.MegabytesPerSecond, "F2"),
                Number(p.Latency.P50Ms, "F2"),
                Number(p.Latency.P99Ms, "F2"),
                Number(p.Latency.MaxMs, "F2"),
                Integer(p.RequestErrors),
                Integer(p.FailedRecords)));
        }

        foreach (var p in phases)
        {
            if (p.FirstError is not null)
                output.WriteLine($"  {p.Spec.Name}: first error: {p.FirstError}");
        }
    }

    public static void WriteVerification(TextWriter output, VerificationResult v)
    {
        output.WriteLine();
        output.WriteLine($"verification: {(v.Passed ? "PASS" : "FAIL")} — {Integer(v.Matched)} of {Integer(v.Acknowledged)} acknowledged records " +
            $"read back intact from {v.Shards} shards ({Integer(v.Read)} records in {Integer(v.Pages)} GetRecords pages, {v.ElapsedSeconds.ToString("F1", CultureInfo.InvariantCulture)} s)");
        output.WriteLine($"  missing {v.Missing}, duplicates {v.Duplicates}, unknown {v.Unknown}, wrong shard {v.WrongShard}, " +
            $"wrong sequence number {v.WrongSequenceNumber}, wrong data {v.WrongData}, wrong partition key {v.WrongPartitionKey}, " +
            $"out of order {v.OutOfOrder}, failed-but-present {v.RejectedButPresent}");
        if (v.IndeterminatePresent + v.IndeterminateAbsent > 0)
            output.WriteLine($"  unknown-outcome puts (timeouts, 5xx; not failures): {v.IndeterminatePresent} present, {v.IndeterminateAbsent} absent");
        if (v.Error is not null)
            output.WriteLine($"  read-back incomplete: {v.Error}");
        foreach (var problem in v.Problems)
            output.WriteLine($"  - {problem}");
    }

    public static void WriteJson(string path, LoadGenOptions options, IReadOnlyList<PhaseResult> phases, VerificationResult? verification)
    {
        using var file = File.Create(path);
        using var w = new Utf8JsonWriter(file, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        w.WriteString("endpoint", options.Endpoint.ToString());
        w.WriteString("stream", options.StreamName);
        w.WriteString("protocol", options.Cbor ? "cbor" : "json");
        w.WriteNumber("shards", options.Shards);
        w.WriteNumber("clients", options.Clients);
        w.WriteNumber("durationSeconds", options.DurationSeconds);
        w.WriteNumber("maxRequests", options.MaxRequests);
        w.WriteStartArray("phases");
        foreach (var p in phases)
        {
            w.WriteStartObject();
            w.WriteString("name", p.Spec.Name);
            w.WriteString("operation", p.Spec.Operation.ToString());
            w.WriteNumber("recordSize", p.Spec.RecordSize);
            w.WriteNumber("recordsPerRequest", p.RecordsPerRequest);
            w.WriteNumber("elapsedSeconds", Math.Round(p.ElapsedSeconds, 3));
            w.WriteNumber("requests", p.Requests);
            w.WriteNumber("requestErrors", p.RequestErrors);
            w.WriteNumber("records", p.Records);
            w.WriteNumber("failedRecords", p.FailedRecords);
            w.WriteNumber("indeterminateRecords", p.IndeterminateRecords);
            w.WriteNumber("payloadBytes", p.PayloadBytes);
            w.WriteNumber("recordsPerSecond", Math.Round(p.RecordsPerSecond, 1));
            w.WriteNumber("megabytesPerSecond", Math.Round(p.MegabytesPerSecond, 3));
            w.WriteNumber("latencyP50Ms", Math.Round(p.Latency.P50Ms, 3));
            w.WriteNumber("latencyP99Ms", Math.Round(p.Latency.P99Ms, 3));
            w.WriteNumber("latencyMaxMs", Math.Round(p.Latency.MaxMs, 3));
            if (p.FirstError is not null)
                w.WriteString("firstError", p.FirstError);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        if (verification is null)
        {
            w.WriteNull("verification");
        }
        else
        {
            var v = verification;
            w.WriteStartObject("verification");
            w.WriteBoolean("passed", v.Passed);
            w.WriteNumber("shards", v.Shards);
            w.WriteNumber("pages", v.Pages);
            w.WriteNumber("acknowledged", v.Acknowledged);
            w.WriteNumber("read", v.Read);
            w.WriteNumber("matched", v.Matched);
            w.WriteNumber("missing", v.Missing);
            w.WriteNumber("duplicates", v.Duplicates);
            w.WriteNumber("unknown", v.Unknown);
            w.WriteNumber("wrongShard", v.WrongShard);
            w.WriteNumber("wrongSequenceNumber", v.WrongSequenceNumber);
            w.WriteNumber("wrongData", v.WrongData);
            w.WriteNumber("wrongPartitionKey", v.WrongPartitionKey);
            w.WriteNumber("outOfOrder", v.OutOfOrder);
            w.WriteNumber("failedButPresent", v.RejectedButPresent);
            w.WriteNumber("indeterminatePresent", v.IndeterminatePresent);
            w.WriteNumber("indeterminateAbsent", v.IndeterminateAbsent);
            w.WriteNumber("elapsedSeconds", Math.Round(v.ElapsedSeconds, 3));
            if (v.Error is not null)
                w.WriteString("error", v.Error);
            w.WriteStartArray("problems");
            foreach (var problem in v.Problems)
                w.WriteStringValue(problem);
            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndObject();
    }

    private static string Row(string phase, params string[] columns)
    {
        var line = phase.PadRight(16);
        foreach (var column in columns)
            line += column.PadLeft(11);
        return line;
    }

    private static string Integer(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Number(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
