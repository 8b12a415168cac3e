using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Rivulet.Api;
using Rivulet.Api.Dispatch;
using Rivulet.Api.Streams;
using Rivulet.Storage;
using Rivulet.Storage.Local;
using Rivulet.Storage.Memory;

namespace Rivulet.Server;

/// <summary>
/// The embeddable server: Kestrel on one plain port serving HTTP/1.1 and HTTP/2 with prior
/// knowledge, every request handed to <see cref="KinesisService"/>. Program.cs and the tests both
/// start it through <see cref="StartAsync"/>.
/// </summary>
public sealed class RivuletServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly IStreamStore _store;
    private readonly string _http2Socket;
    private readonly CancellationTokenSource _sweeping;
    private readonly Task _sweeper;

    private RivuletServer(WebApplication app, IStreamStore store, Uri endpoint, KinesisService service, string http2Socket, CancellationTokenSource sweeping, Task sweeper)
    {
        _sweeping = sweeping;
        _sweeper = sweeper;
        _http2Socket = http2Socket;
        _app = app;
        _store = store;
        Endpoint = endpoint;
        Service = service;
    }

    public Uri Endpoint { get; }

    public KinesisService Service { get; }

    public static async Task<RivuletServer> StartAsync(ServerOptions options, TextWriter log, CancellationToken cancellationToken)
    {
        IStreamStore store = options.InMemory
            ? new MemoryStreamStore()
            : await LocalStreamStore.OpenAsync(
                new LocalStoreOptions
                {
                    DataDirectory = options.DataDir,
                    FsyncPolicy = options.Fsync,
                    ErrorSink = line => log.WriteLine($"rivulet: {line}"),
                },
                cancellationToken).ConfigureAwait(false);

        var service = new KinesisService(store, new KinesisOptions
        {
            Region = options.Region,
            DefaultAccountId = options.AccountId,
            StreamTransitionDelay = options.StreamTransitionDelay,
            TokenKey = options.InMemory ? RandomNumberGenerator.GetBytes(32) : TokenKeyFile.LoadOrCreate(options.DataDir),
        });
        service.OnUnexpectedError = (what, exception) => log.WriteLine($"rivulet: {what}: {exception}");

        // The private endpoint exists only so that Kestrel builds an HTTP/2 pipeline for the sniffer; nothing connects to it.
        var sniffer = new PriorKnowledgeSniffer();
        var http2Socket = Path.Combine(Path.GetTempPath(), $"rivulet-h2-{Environment.ProcessId}-{Guid.NewGuid():N}.sock");
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = null; // the handler enforces the cap and answers 413 itself
            kestrel.Limits.Http2.MaxStreamsPerConnection = 1000;
            kestrel.Listen(ParseAddress(options.Host), options.Port, listen =>
            {
                listen.Protocols = HttpProtocols.Http1;
                listen.Use(sniffer.Route);
            });
            kestrel.ListenUnixSocket(http2Socket, listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                listen.Use(sniffer.CaptureHttp2);
            });
        });

        var app = builder.Build();
        var sweeping = new CancellationTokenSource();
        var sweeper = new RetentionSweeper(store, service.Options).RunAsync(options.RetentionSweepInterval, exception => log.WriteLine($"rivulet: retention sweep failed: {exception.Message}"), sweeping.Token);
        var handler = new RequestHandler(service);
        app.Run(handler.HandleAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First(a => a.StartsWith("http://", StringComparison.Ordinal) && !a.Contains("unix:", StringComparison.Ordinal));
        var endpoint = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
        return new RivuletServer(app, store, endpoint, service, http2Socket, sweeping, sweeper);
    }

    public async Task WaitForShutdownAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _sweeping.CancelAsync().ConfigureAwait(false);
        await _sweeper.ConfigureAwait(false);
        _sweeping.Dispose();
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            await _app.StopAsync(timeout.Token).ConfigureAwait(false);
        }

        await _app.DisposeAsync().ConfigureAwait(false);
        await _store.DisposeAsync().ConfigureAwait(false);
        File.Delete(_http2Socket);
    }

    private static IPAddress ParseAddress(string host) =>
        host == "localhost" ? IPAddress.Loopback : IPAddress.Parse(host);
}
