using System.Globalization;

namespace Rivulet.LoadGen;

// The whole run: create the stream, run the phases, verify, report, delete the stream.
internal static class LoadRun
{
    public static async Task<int> ExecuteAsync(LoadGenOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        var runId = (uint)Random.Shared.Next() ^ (uint)Environment.TickCount;
        output.WriteLine($"endpoint {options.Endpoint} ({(options.Cbor ? "CBOR" : "JSON")}) · stream {options.StreamName} · {options.Shards} shards · {options.Clients} clients · " +
            $"{options.DurationSeconds.ToString(CultureInfo.InvariantCulture)} s / ≤ {options.MaxRequests} requests per phase");

        var connections = new KinesisConnection[options.Clients];
        for (var c = 0; c < connections.Length; c++)
            connections[c] = new KinesisConnection(options, options.Cbor);
        using var controlConnection = new KinesisConnection(options);
        var control = new ControlPlane(controlConnection, options.StreamName);
        // Only a stream this run created is ever deleted: a name clash must not remove someone else's stream.
        var created = false;
        try
        {
            try
            {
                await control.CreateStreamAsync(options.Shards, cancellationToken).ConfigureAwait(false);
                created = true;
                await control.WaitUntilActiveAsync(options.ActiveTimeoutSeconds, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is EndpointException or HttpRequestException or OperationCanceledException or
                System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException)
            {
                output.WriteLine($"cannot create stream {options.StreamName}: {e.Message}");
                return cancellationToken.IsCancellationRequested ? 130 : 3;
            }

            var factories = new RecordFactory[options.Phases.Count];
            var tables = new AckTable[options.Phases.Count][];
            var results = new List<PhaseResult>();
            var runner = new PhaseRunner(options, connections);
            for (var phase = 0; phase < options.Phases.Count && !cancellationToken.IsCancellationRequested; phase++)
            {
                var spec = options.Phases[phase];
                factories[phase] = new RecordFactory(runId, phase, spec.RecordSize);
                tables[phase] = new AckTable[options.Clients];
                for (var c = 0; c < options.Clients; c++)
                    tables[phase][c] = new AckTable();
                output.WriteLine($"phase {spec.Name}: {spec.Operation}, {spec.RecordSize} B records …");
                results.Add(await runner.RunAsync(spec, factories[phase], tables[phase], cancellationToken).ConfigureAwait(false));
            }

            Report.WritePhaseTable(output, results);
            if (cancellationToken.IsCancellationRequested)
            {
                output.WriteLine("interrupted: verification skipped");
                return 130;
            }

            VerificationResult? verification = null;
            if (options.Verify)
            {
                // Phases that did not run (interrupted) have no tables; the verifier only knows phases that ran.
                var verifier = new Verifier(control, runId, factories[..results.Count], tables[..results.Count],
                    TimeSpan.FromSeconds(options.VerifyTimeoutSeconds));
                verification = await verifier.VerifyAsync(cancellationToken).ConfigureAwait(false);
                Report.WriteVerification(output, verification);
            }

            if (options.JsonOut is not null)
                Report.WriteJson(options.JsonOut, options, results, verification);
            return verification is null || verification.Passed ? 0 : 1;
        }
        finally
        {
            if (created && !options.KeepStream)
                await DeleteQuietlyAsync(control, output).ConfigureAwait(false);
            foreach (var connection in connections)
                connection.Dispose();
        }
    }

    // Cleanup runs even after Ctrl+C, so it gets its own short bound instead of the run's token.
    private static async Task DeleteQuietlyAsync(ControlPlane control, TextWriter output)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await control.DeleteStreamAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is EndpointException or HttpRequestException or OperationCanceledException)
        {
            output.WriteLine($"could not delete the stream: {e.Message}");
        }
    }
}
