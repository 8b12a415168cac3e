using System.Diagnostics;
using System.Text;

namespace Rivulet.LoadGen;

// Runs one put phase: every client loops send → parse → record until the phase's time or request bound is hit.
internal sealed class PhaseRunner
{
    private readonly LoadGenOptions _options;
    private readonly IReadOnlyList<KinesisConnection> _connections;
    private long _issued;

    public PhaseRunner(LoadGenOptions options, IReadOnlyList<KinesisConnection> connections)
    {
        _options = options;
        _connections = connections;
    }

    public async Task<PhaseResult> RunAsync(PhaseSpec spec, RecordFactory records, AckTable[] tables, CancellationToken cancellationToken)
    {
        _issued = 0;
        var perRequest = spec.Operation == PutOperation.PutRecords ? _options.RecordsPerRequest : 1;
        var target = KinesisConnection.TargetPrefix + spec.Operation;
        var clients = new ClientStats[_connections.Count];
        var started = Stopwatch.GetTimestamp();
        var deadline = started + (long)(_options.DurationSeconds * Stopwatch.Frequency);
        var tasks = new Task[clients.Length];
        for (var c = 0; c < clients.Length; c++)
        {
            clients[c] = new ClientStats();
            var writer = new PutBodyWriter(_options.StreamName, records, spec.Operation, c, perRequest, _options.Cbor);
            tasks[c] = RunClientAsync(_connections[c], writer, spec.Operation, target, perRequest, tables[c], clients[c], deadline, cancellationToken);
        }

        await Task.WhenAll(tasks).ConfigureAwait(false);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;

        long requests = 0, errors = 0, acknowledged = 0, failed = 0, indeterminate = 0, latencyCount = 0;
        string? firstError = null;
        foreach (var client in clients)
        {
            requests += client.Requests;
            errors += client.Errors;
            acknowledged += client.Acknowledged;
            failed += client.Failed;
            indeterminate += client.Indeterminate;
            latencyCount += client.Latencies.Count;
            firstError ??= client.FirstError;
        }

        var latencies = new long[latencyCount];
        var at = 0;
        foreach (var client in clients)
        {
            client.Latencies.CopyTo(latencies, at);
            at += client.Latencies.Count;
        }

        return new PhaseResult(spec, perRequest, elapsed, requests, errors, acknowledged, failed, indeterminate,
            acknowledged * spec.RecordSize, LatencySummary.From(latencies), firstError);
    }

    private async Task RunClientAsync(
        KinesisConnection connection, PutBodyWriter writer, PutOperation operation, string target, int perRequest, AckTable table,
        ClientStats stats, long deadline, CancellationToken cancellationToken)
    {
        // Yield first so all clients start together instead of the first one running its loop synchronously.
        await Task.Yield();
        while (Stopwatch.GetTimestamp() < deadline && Interlocked.Increment(ref _issued) <= _options.MaxRequests && !cancellationToken.IsCancellationRequested)
        {
            var first = table.Reserve(perRequest);
            var body = writer.Build(first, perRequest);
            stats.Requests++;
            var sent = Stopwatch.GetTimestamp();
            KinesisResponse response;
            try
            {
                response = await connection.SendAsync(target, body, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
            {
                table.MarkIndeterminate(first, perRequest);
                stats.Fail(perRequest, indeterminate: true, $"{e.GetType().Name}: {e.GetBaseException().Message}");
                // A refused or reset connection fails instantly; pause so a dead endpoint is not spun on.
                await Task.Delay(50, CancellationToken.None).ConfigureAwait(false);
                continue;
            }

            var latency = Stopwatch.GetTimestamp() - sent;
            if (!response.IsSuccess)
            {
                if (response.IsRejection)
                {
                    for (var i = 0; i < perRequest; i++)
                        table.Reject(first + i);
                }
                else
                {
                    table.MarkIndeterminate(first, perRequest);
                }

                stats.Fail(perRequest, !response.IsRejection, $"HTTP {response.StatusCode}: {Snippet(response.Body.Span)}");
                continue;
            }

            PutResponseReader.Outcome outcome;
            var understood = (_options.Cbor, operation) switch
            {
                (false, PutOperation.PutRecords) => PutResponseReader.TryReadPutRecords(response.Body.Span, table, first, perRequest, out outcome),
                (false, _) => PutResponseReader.TryReadPutRecord(response.Body.Span, table, first, out outcome),
                (true, PutOperation.PutRecords) => CborPutResponseReader.TryReadPutRecords(response.Body, table, first, perRequest, out outcome),
                (true, _) => CborPutResponseReader.TryReadPutRecord(response.Body, table, first, out outcome),
            };
            if (!understood)
            {
                table.MarkIndeterminate(first, perRequest);
                stats.Fail(perRequest, indeterminate: true, $"unreadable answer: {Snippet(response.Body.Span)}");
                continue;
            }

            stats.Latencies.Add(latency);
            stats.Acknowledged += outcome.Acknowledged;
            stats.Failed += outcome.Failed;
        }
    }

    private static string Snippet(ReadOnlySpan<byte> body) => Encoding.UTF8.GetString(body[..Math.Min(body.Length, 300)]);

    private sealed class ClientStats
    {
        public long Requests;
        public long Errors;
        public long Acknowledged;
        public long Failed;
        public long Indeterminate;
        public string? FirstError;
        public readonly List<long> Latencies = new(4096);

        public void Fail(int records, bool indeterminate, string error)
        {
            Errors++;
            if (indeterminate)
                Indeterminate += records;
            else
                Failed += records;
            FirstError ??= error;
        }
    }
}
