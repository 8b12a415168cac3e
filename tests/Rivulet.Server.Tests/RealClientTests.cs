using System.Diagnostics;

namespace Rivulet.Server.Tests;

/// <summary>
/// The real AWS clients (boto3, the AWS CLI, the JS SDK v3 over HTTP/2) run their suites in
/// tests/clients against this collection's server. `tests/clients/setup.sh`, run by test.sh,
/// installs them.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class RealClientTests
{
    private static readonly TimeSpan Budget = TimeSpan.FromMinutes(3);
    private readonly ServerFixture _server;

    public RealClientTests(ServerFixture server) => _server = server;

    [Fact]
    public Task Boto3_and_the_AWS_CLI_pass_their_suite() => RunAsync("run-python.sh");

    [Fact]
    public Task The_JavaScript_SDK_v3_passes_its_suite() => RunAsync("run-js.sh");

    private async Task RunAsync(string script)
    {
        var path = Path.Combine(RepositoryRoot(), "tests", "clients", script);
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
            Assert.Fail($"{script} did not finish within {Budget}");
        }

        var text = await output + await errors;
        TestContext.Current.TestOutputHelper?.WriteLine(text);
        Assert.True(process.ExitCode == 0, $"{script} exited with {process.ExitCode}:\n{text}");
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
