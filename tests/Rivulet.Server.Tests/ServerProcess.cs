using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Rivulet.Server.Tests;

/// <summary>The real server as a child process, so a test can kill it with SIGKILL and start it again.</summary>
internal sealed partial class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ServerProcess(Process process, Uri endpoint)
    {
        _process = process;
        Endpoint = endpoint;
    }

    public Uri Endpoint { get; }

    public static async Task<ServerProcess> StartAsync(params string[] arguments)
    {
        var server = Path.Combine(AppContext.BaseDirectory, "Rivulet.Server.dll");
        var start = new ProcessStartInfo("dotnet", [server, "serve", "--port", "0", .. arguments])
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
                // Keep draining output so the child never blocks on a full pipe.
                _ = process.StandardOutput.ReadToEndAsync();
                _ = process.StandardError.ReadToEndAsync();
                return new ServerProcess(process, new Uri(match.Groups[1].Value));
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

    [GeneratedRegex(@"listening on (http://\S+)")]
    private static partial Regex ListeningLine();
}
