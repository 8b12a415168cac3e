using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Rivulet.Server.Tests;

/// <summary>The real server as a child process, so a test can kill it with SIGKILL and start it again.</summary>
internal sealed partial class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ServerProcess(Process process, Uri endpoint, Uri? tlsEndpoint, string? certificatePath)
    {
        _process = process;
        Endpoint = endpoint;
        TlsEndpoint = tlsEndpoint;
        CertificatePath = certificatePath;
    }

    public Uri Endpoint { get; }

    /// <summary>The TLS port's endpoint; null when started with <c>--tls-port off</c>.</summary>
    public Uri? TlsEndpoint { get; }

    /// <summary>The certificate the TLS port presents, as the server printed it.</summary>
    public string? CertificatePath { get; }

    public static async Task<ServerProcess> StartAsync(params string[] arguments)
    {
        var server = Path.Combine(AppContext.BaseDirectory, "Rivulet.Server.dll");
        var start = new ProcessStartInfo("dotnet", [server, "serve", "--port", "0", "--tls-port", "0", .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var line = await process.StandardOutput.ReadLineAsync(timeout.Token);
            if (line is null)
            {
                var errors = await process.StandardError.ReadToEndAsync(timeout.Token);
                throw new InvalidOperationException($"server exited before listening: {errors}");
            }

            if (ListeningLine().Match(line) is { Success: true } match)
            {
                Uri? tls = null;
                string? certificate = null;
                if (match.Groups[2].Success)
                {
                    tls = new Uri(match.Groups[2].Value);
                    var next = await process.StandardOutput.ReadLineAsync(timeout.Token);
                    certificate = next is not null && CertificateLine().Match(next) is { Success: true } named ? named.Groups[1].Value : null;
                }

                // Keep draining output so the child never blocks on a full pipe.
                _ = process.StandardOutput.ReadToEndAsync();
                _ = process.StandardError.ReadToEndAsync();
                return new ServerProcess(process, new Uri(match.Groups[1].Value), tls, certificate);
            }
        }
    }

    /// <summary>SIGKILL: no shutdown code runs, exactly like a crash or power cut for the process.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await KillAsync();
        }

        _process.Dispose();
    }

    [GeneratedRegex(@"listening on (http://\S+)(?: and (https://\S+))?")]
    private static partial Regex ListeningLine();

    [GeneratedRegex(@"TLS certificate: (.+)$")]
    private static partial Regex CertificateLine();
}
