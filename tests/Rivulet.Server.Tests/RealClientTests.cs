using System.Diagnostics;

namespace Rivulet.Server.Tests;

/// <summary>
/// The real AWS clients (boto3, the AWS CLI, the JS SDK v3 over HTTP/2, the Go SDKs v1 and v2) run
/// their suites in tests/clients against this collection's server, over cleartext and over TLS
/// trusting the certificate the server printed, and their signature-verification tests against a
/// server with <c>--auth verify</c>. `tests/clients/setup.sh`, run by test.sh, installs them.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class RealClientTests : IClassFixture<RealClientTests.VerifyingServer>, IClassFixture<RealClientTests.AdminServer>
{
    private static readonly TimeSpan Budget = TimeSpan.FromMinutes(3);
    private readonly ServerFixture _server;
    private readonly VerifyingServer _verifying;
    private readonly AdminServer _admin;

    public RealClientTests(ServerFixture server, VerifyingServer verifying, AdminServer admin)
    {
        _server = server;
        _verifying = verifying;
        _admin = admin;
    }

    [Fact]
    public Task Boto3_and_the_AWS_CLI_pass_their_suite() => RunAsync("run-python.sh", Plain());

    [Fact]
    public Task The_JavaScript_SDK_v3_passes_its_suite() => RunAsync("run-js.sh", Plain());

    [Fact]
    public Task Boto3_and_the_AWS_CLI_pass_their_suite_over_TLS() => RunAsync("run-python.sh", Tls());

    [Fact]
    public Task The_JavaScript_SDK_v3_passes_its_suite_over_TLS() => RunAsync("run-js.sh", Tls());

    [Fact]
    public Task The_Go_SDKs_v1_and_v2_pass_their_suite_over_TLS() => RunAsync("run-go.sh", new(Tls()) { ["RIVULET_ADMIN_ENDPOINT"] = _admin.Endpoint });

    [Fact]
    public Task Boto3_and_the_AWS_CLI_meet_signature_verification() => RunAsync("run-python.sh", _verifying.Environment());

    [Fact]
    public Task The_JavaScript_SDK_v3_meets_signature_verification() => RunAsync("run-js.sh", _verifying.Environment());

    [Fact]
    public Task The_Go_SDKs_v1_and_v2_meet_signature_verification() => RunAsync("run-go.sh", _verifying.Environment());

    // The suites' tests of faults and limits switched server-wide use a server of their own, so that nothing else sees them.
    private Dictionary<string, string> Plain() => new()
    {
        ["RIVULET_ENDPOINT"] = _server.Endpoint.ToString().TrimEnd('/'),
        ["RIVULET_ADMIN_ENDPOINT"] = _admin.Endpoint,
    };

    private Dictionary<string, string> Tls() => new()
    {
        ["RIVULET_ENDPOINT"] = _server.TlsEndpoint.ToString().TrimEnd('/'),
        ["RIVULET_CA_FILE"] = _server.CertificatePath,
    };

    private static async Task RunAsync(string script, Dictionary<string, string> environment)
    {
        var path = Path.Combine(RepositoryRoot(), "tests", "clients", script);
        Assert.True(File.Exists(path), $"{path} is missing");
        var start = new ProcessStartInfo("bash", [path])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(path)!,
        };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

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

    internal static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Rivulet.slnx")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Rivulet.slnx not found above " + AppContext.BaseDirectory);
    }

    /// <summary>
    /// An in-memory server whose faults, latency and limits the suites change through its admin
    /// endpoint; the suites run one at a time (one collection), and each file that uses it runs its
    /// tests in order.
    /// </summary>
    public sealed class AdminServer : IAsyncLifetime
    {
        private RivuletServer? _server;

        public string Endpoint => _server!.Endpoint.ToString().TrimEnd('/');

        public async ValueTask InitializeAsync() =>
            _server = await RivuletServer.StartAsync(new ServerOptions { Port = 0, TlsPort = null, InMemory = true }, TextWriter.Null, default);

        public async ValueTask DisposeAsync()
        {
            if (_server is not null)
            {
                await _server.DisposeAsync();
            }
        }
    }

    /// <summary>An in-memory server with <c>--auth verify</c> over tests/clients/auth-credentials.ini, reached over TLS.</summary>
    public sealed class VerifyingServer : IAsyncLifetime
    {
        private readonly string _credentials = Path.Combine(RepositoryRoot(), "tests", "clients", "auth-credentials.ini");
        private RivuletServer? _server;

        public Dictionary<string, string> Environment() => new()
        {
            ["RIVULET_ENDPOINT"] = _server!.TlsEndpoint!.ToString().TrimEnd('/'),
            ["RIVULET_CA_FILE"] = _server.TlsCertificatePath!,
            ["RIVULET_AUTH_VERIFY"] = "1",
            ["RIVULET_CREDENTIALS_FILE"] = _credentials,
        };

        public async ValueTask InitializeAsync() =>
            _server = await RivuletServer.StartAsync(new ServerOptions { Port = 0, TlsPort = 0, InMemory = true, Auth = AuthMode.Verify, CredentialsPath = _credentials }, TextWriter.Null, default);

        public async ValueTask DisposeAsync()
        {
            if (_server is not null)
            {
                await _server.DisposeAsync();
            }
        }
    }
}
