using System.Diagnostics;

namespace Rivulet.Server.Tests;

/// <summary>
/// A real browser calls this collection's server: headless Chromium loads a page from another
/// loopback origin that uses the browser build of the JS SDK v3, so every call goes through CORS
/// (tests/clients/run-browser.sh; `tests/clients/setup.sh`, run by test.sh, installs Chromium).
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class BrowserClientTests
{
    private static readonly TimeSpan Budget = TimeSpan.FromMinutes(2);
    private readonly ServerFixture _server;

    public BrowserClientTests(ServerFixture server) => _server = server;

    [Fact]
    public async Task A_page_on_another_origin_calls_Rivulet_through_the_browser_SDK()
    {
        var path = Path.Combine(RepositoryRoot(), "tests", "clients", "run-browser.sh");
        Assert.True(File.Exists(path), $"{path} is missing");
        var start = new ProcessStartInfo("bash", [path])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(path)!,
        };
        start.Environment["RIVULET_ENDPOINT"] = _server.Endpoint.ToString().TrimEnd('/');
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Budget);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"run-browser.sh did not finish within {Budget}");
        }

        var text = await output + await errors;
        TestContext.Current.TestOutputHelper?.WriteLine(text);
        Assert.True(process.ExitCode == 0, $"run-browser.sh exited with {process.ExitCode}:\n{text}");
        Assert.Matches(@"(?m)^[1-9][0-9]* passed, 0 failed$", await output);
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Rivulet.slnx")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Rivulet.slnx not found above " + AppContext.BaseDirectory);
    }
}
