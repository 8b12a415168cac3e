using Rivulet.Server;

if (args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine(CommandLine.Usage);
    return 0;
}

if (!CommandLine.TryParse(args, Environment.GetEnvironmentVariable, out var options, out var error))
{
    Console.Error.WriteLine($"rivulet: {error}");
    Console.Error.WriteLine(CommandLine.Usage);
    return 2;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    stop.Cancel();
});

RivuletServer server;
try
{
    server = await RivuletServer.StartAsync(options, Console.Out, stop.Token);
}
catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
{
    // A data directory in use or unreadable, a port taken: say what, not where in the code.
    Console.Error.WriteLine($"rivulet: cannot start: {exception.Message}");
    return 1;
}

await using var running = server;
Console.WriteLine(server.TlsEndpoint is { } tls
    ? $"rivulet listening on {server.Endpoint.ToString().TrimEnd('/')} and {tls.ToString().TrimEnd('/')}"
    : $"rivulet listening on {server.Endpoint.ToString().TrimEnd('/')}");
if (server.TlsCertificatePath is { } certificate)
{
    Console.WriteLine($"rivulet TLS certificate: {certificate}");
}

// Throttling and failures on purpose are said at start, so that nobody debugs them as the server's own.
if (options.Limits == LimitsMode.Aws)
{
    Console.WriteLine("rivulet limits: aws (AWS's throughput limits; a stream's rivulet:limits tag overrides)");
}

if (!options.Faults.IsEmpty)
{
    Console.WriteLine($"rivulet faults: {(options.Faults.FaultsText is { Length: > 0 } faults ? faults : "none")}; latency: {(options.Faults.LatencyText is { Length: > 0 } latency ? latency : "none")}");
}

await server.WaitForShutdownAsync(stop.Token);
Console.WriteLine("rivulet stopped");
return 0;
