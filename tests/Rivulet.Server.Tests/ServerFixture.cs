namespace Rivulet.Server.Tests;

/// <summary>One real server per test collection, on a free loopback port; tests isolate themselves with unique stream names.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    private RivuletServer? _server;

    public Uri Endpoint => _server?.Endpoint ?? throw new InvalidOperationException("server not started");

    public async ValueTask InitializeAsync() =>
        _server = await RivuletServer.StartAsync(new ServerOptions { Port = 0, InMemory = true }, TextWriter.Null, default);

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    public static string UniqueStreamName(string prefix = "t") => $"{prefix}-{Guid.NewGuid():N}";
}

[CollectionDefinition(Name)]
public sealed class ServerCollection : ICollectionFixture<ServerFixture>
{
    public const string Name = "server";
}
