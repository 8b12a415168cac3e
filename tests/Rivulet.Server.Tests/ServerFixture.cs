namespace Rivulet.Server.Tests;

/// <summary>
/// One real server per test collection, on a free loopback port, with the default durable store in
/// a temporary directory; tests isolate themselves with unique stream names.
/// </summary>
public sealed class ServerFixture : IAsyncLifetime
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "rivulet-tests-" + Guid.NewGuid().ToString("N"));
    private RivuletServer? _server;

    public Uri Endpoint => _server?.Endpoint ?? throw new InvalidOperationException("server not started");

    public Uri TlsEndpoint => _server?.TlsEndpoint ?? throw new InvalidOperationException("server not started");

    public string CertificatePath => _server?.TlsCertificatePath ?? throw new InvalidOperationException("server not started");

    public async ValueTask InitializeAsync() =>
        _server = await RivuletServer.StartAsync(new ServerOptions { Port = 0, TlsPort = 0, DataDir = _dataDir }, TextWriter.Null, default);

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        if (Directory.Exists(_dataDir))
        {
            Directory.Delete(_dataDir, recursive: true);
        }
    }

    public static string UniqueStreamName(string prefix = "t") => $"{prefix}-{Guid.NewGuid():N}";
}

[CollectionDefinition(Name)]
public sealed class ServerCollection : ICollectionFixture<ServerFixture>
{
    public const string Name = "server";
}
