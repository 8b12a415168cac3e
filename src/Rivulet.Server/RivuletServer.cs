using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Rivulet.Api;
using Rivulet.Api.Dispatch;
using Rivulet.Api.Faults;
using Rivulet.Api.Streams;
using Rivulet.Api.Throughput;
using Rivulet.Protocol.Auth;
using Rivulet.Storage;
using Rivulet.Storage.Local;
using Rivulet.Storage.Memory;

namespace Rivulet.Server;

/// <summary>
/// The embeddable server: Kestrel on one plain port serving HTTP/1.1 and HTTP/2 with prior
/// knowledge and, unless turned off, a TLS port serving both by ALPN, every request handed to
/// <see cref="KinesisService"/>. Program.cs and the tests both
/// start it through <see cref="StartAsync"/>.
/// </summary>
public sealed class RivuletServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly IStreamStore _store;
    private readonly string _http2Socket;
    private readonly CancellationTokenSource _sweeping;
    private readonly Task _sweeper;
    private readonly DescriptorReserve _reserve;
    private readonly TlsSetup? _tls;

    private RivuletServer(WebApplication app, IStreamStore store, Uri endpoint, KinesisService service, string http2Socket, CancellationTokenSource sweeping, Task sweeper, DescriptorReserve reserve, long? maxConnections, TlsSetup? tls)
    {
        _tls = tls;
        _reserve = reserve;
        MaxConnections = maxConnections;
        _sweeping = sweeping;
        _sweeper = sweeper;
        _http2Socket = http2Socket;
        _app = app;
        _store = store;
        Endpoint = endpoint;
        Service = service;
    }

    public Uri Endpoint { get; }

    /// <summary>The TLS endpoint (https://127.0.0.1:port); null when TLS is off.</summary>
    public Uri? TlsEndpoint { get; private init; }

    /// <summary>The PEM certificate the TLS port presents, for clients to trust; null when TLS is off.</summary>
    public string? TlsCertificatePath => _tls?.Path;

    public KinesisService Service { get; }

    /// <summary>What answers waiting for their readers may hold, for tests.</summary>
    internal ResponseBudget Budget { get; private init; } = null!;

    /// <summary>The connection cap in force; null when the descriptor limit is unknown and none was set.</summary>
    public long? MaxConnections { get; }

    public static async Task<RivuletServer> StartAsync(ServerOptions options, TextWriter log, CancellationToken cancellationToken)
    {
        var openFileLimit = ConnectionLimits.OpenFileLimit();
        var storeOpenFiles = options.InMemory ? 0 : ConnectionLimits.StoreOpenFiles(openFileLimit, ConnectionLimits.OpenDescriptors());
        IStreamStore store = options.InMemory
            ? new MemoryStreamStore()
            : await LocalStreamStore.OpenAsync(
                new LocalStoreOptions
                {
                    DataDirectory = options.DataDir,
                    FsyncPolicy = options.Fsync,
                    DefaultRegion = options.Region,
                    MaxOpenFiles = storeOpenFiles,
                    ErrorSink = line => log.WriteLine($"rivulet: {line}"),
                },
                cancellationToken).ConfigureAwait(false);

        TlsSetup? tls;
        SigV4Verifier? verifier;
        try
        {
            verifier = options.Auth == AuthMode.Verify ? new SigV4Verifier(CredentialsFile.Load(options.CredentialsPath!)) : null;
            tls = options.TlsPort is null ? null : TlsSetup.Prepare(options);
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var limits = new AwsThroughputLimits(options.Limits == LimitsMode.Aws);
        var faults = new FaultInjection(limits, options.Faults);
        var service = new KinesisService(store, new KinesisOptions
        {
            SignatureVerifier = verifier,
            Region = options.Region,
            ShardLimit = options.ShardLimit is { } shardLimit ? (int)shardLimit : null,
            DefaultAccountId = options.AccountId,
            CreateStreamDelay = options.CreateStreamDelay,
            UpdateStreamDelay = options.UpdateStreamDelay,
            DeleteStreamDelay = options.DeleteStreamDelay,
            ConsumerDelay = options.ConsumerDelay,
            SubscriptionLifetime = options.SubscriptionLifetime,
            SubscriptionHeartbeat = options.SubscriptionHeartbeat,
            TokenKey = options.InMemory ? RandomNumberGenerator.GetBytes(32) : TokenKeyFile.LoadOrCreate(options.DataDir),
        }, throughput: faults);
        service.OnUnexpectedError = (what, exception) => log.WriteLine($"rivulet: {what}: {exception}");

        await WarmFailurePathsAsync(service).ConfigureAwait(false);
        // Counted once the host's assemblies are loaded, so the descriptors they hold are in the count.
        var maxConnections = options.MaxConnections ?? ConnectionLimits.DefaultMaxConnections(
            openFileLimit, ConnectionLimits.OpenDescriptors(), storeOpenFiles, (store as LocalStreamStore)?.OpenSegmentFiles ?? 0);
        var reserve = new DescriptorReserve();

        // The private endpoint exists only so that Kestrel builds an HTTP/2 pipeline for the sniffer; nothing connects to it.
        var sniffer = new PriorKnowledgeSniffer();
        var http2Socket = Path.Combine(Path.GetTempPath(), $"rivulet-h2-{Environment.ProcessId}-{Guid.NewGuid():N}.sock");
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<IConnectionListenerFactory>(services => new BackoffListenerFactory(reserve, line => log.WriteLine($"rivulet: {line}"), services.GetRequiredService<ILoggerFactory>(), maxConnections));
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // HTTP/2's :scheme names what the client meant, not how the bytes came: a TLS proxy in
            // front of the plain port, or a client that skipped ALPN, may say either.
            kestrel.AllowAlternateSchemes = true;
            kestrel.Limits.MaxRequestBodySize = null; // the handler enforces the cap and answers 413 itself
            kestrel.Limits.Http2.MaxStreamsPerConnection = 1000;
            // The cap is the listener's (see BackoffConnectionListener); upgraded connections come under it too.
            kestrel.Limits.MaxConcurrentUpgradedConnections = maxConnections;
            kestrel.Listen(ParseAddress(options.Host), options.Port, listen =>
            {
                listen.Protocols = HttpProtocols.Http1;
                listen.Use(sniffer.Route);
            });
            if (tls is not null)
            {
                kestrel.Listen(ParseAddress(options.Host), options.TlsPort!.Value, listen =>
                {
                    listen.Protocols = HttpProtocols.Http1AndHttp2;
                    listen.UseHttps(new Microsoft.AspNetCore.Server.Kestrel.Https.HttpsConnectionAdapterOptions
                    {
                        ServerCertificate = tls.Certificate,
                        SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                        HandshakeTimeout = TimeSpan.FromSeconds(10),
                    });
                    listen.Use(sniffer.RouteTls);
                });
            }

            kestrel.ListenUnixSocket(http2Socket, listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                listen.Use(sniffer.CaptureHttp2);
            });
        });

        var app = builder.Build();
        var sweeping = new CancellationTokenSource();
        var sweeper = new RetentionSweeper(store, service.Options).RunAsync(options.RetentionSweepInterval, exception => log.WriteLine($"rivulet: retention sweep failed: {exception.Message}"), sweeping.Token);
        var budget = new ResponseBudget(options.ResponseBudgetBytes);
        var handler = new RequestHandler(service, budget, options.WriteTimeout, new AdminEndpoint(faults, limits, verifier));
        app.Run(handler.HandleAsync);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // Let go of the data directory's lock before reporting, so a retry on another port can open it.
            await sweeping.CancelAsync().ConfigureAwait(false);
            await sweeper.ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
            await store.DisposeAsync().ConfigureAwait(false);
            reserve.Dispose();
            tls?.Dispose();
            throw;
        }

        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        var address = addresses.First(a => a.StartsWith("http://", StringComparison.Ordinal) && !a.Contains("unix:", StringComparison.Ordinal));
        var endpoint = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
        var tlsAddress = addresses.FirstOrDefault(a => a.StartsWith("https://", StringComparison.Ordinal));
        await WarmConnectionPathsAsync(endpoint).ConfigureAwait(false);
        return new RivuletServer(app, store, endpoint, service, http2Socket, sweeping, sweeper, reserve, maxConnections, tls)
        {
            Budget = budget,
            TlsEndpoint = tlsAddress is null ? null : new Uri(tlsAddress.Replace("[::]", "127.0.0.1", StringComparison.Ordinal)),
        };
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
        Service.EndSubscriptions();
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            await _app.StopAsync(timeout.Token).ConfigureAwait(false);
        }

        await _app.DisposeAsync().ConfigureAwait(false);
        await _store.DisposeAsync().ConfigureAwait(false);
        File.Delete(_http2Socket);
        _reserve.Dispose();
        _tls?.Dispose();
    }

    /// <summary>
    /// The TLS port's certificate and where clients find it: the operator's pair, or the
    /// self-signed one kept in the data directory; an in-memory server keeps its self-signed one in
    /// a temporary directory of its own that goes when it stops.
    /// </summary>
    private sealed record TlsSetup(X509Certificate2 Certificate, string Path, string? ThrowAwayDirectory) : IDisposable
    {
        public static TlsSetup Prepare(ServerOptions options)
        {
            if (!string.IsNullOrEmpty(options.TlsCertificatePath))
            {
                var (given, path) = TlsCertificate.Load(options.TlsCertificatePath, options.TlsKeyPath!);
                return new TlsSetup(given, path, null);
            }

            var throwAway = options.InMemory ? Directory.CreateTempSubdirectory("rivulet-tls-").FullName : null;
            var (made, madePath) = TlsCertificate.LoadOrCreate(throwAway ?? System.IO.Path.Combine(options.DataDir, "tls"), DateTimeOffset.UtcNow);
            return new TlsSetup(made, madePath, throwAway);
        }

        public void Dispose()
        {
            Certificate.Dispose();
            if (ThrowAwayDirectory is not null)
            {
                Directory.Delete(ThrowAwayDirectory, recursive: true);
            }
        }
    }

    /// <summary>
    /// Runs the paths a failure takes once at start-up, so that the assemblies, resources and code
    /// they need are loaded while descriptors are plentiful: a process out of descriptors that
    /// first meets an error cannot open the files to report it, and the runtime gives up with
    /// "Out of memory.".
    /// </summary>
    private static async Task WarmFailurePathsAsync(KinesisService service)
    {
        _ = new SocketException((int)SocketError.TooManyOpenSockets).Message;
        _ = new IOException("warm-up", new OverflowException()).ToString();
        _ = new Microsoft.AspNetCore.Http.BadHttpRequestException("warm-up").ToString();
        _ = new OperationCanceledException().ToString();
        using var error = await service.HandleAsync(
            new ApiRequest { Method = "POST", Target = "Kinesis_20131202.DescribeStreamSummary", ContentType = "application/x-amz-json-1.1", Body = "{}"u8.ToArray() },
            CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>
    /// One HTTP/1.1 request that fails and one HTTP/2 handshake through the real listener, for the
    /// same reason as <see cref="WarmFailurePathsAsync"/>: the first connection loads the parsers.
    /// </summary>
    private static async Task WarmConnectionPathsAsync(Uri endpoint)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            using (var http1 = new Socket(SocketType.Stream, ProtocolType.Tcp))
            {
                await http1.ConnectAsync(endpoint.Host, endpoint.Port, timeout.Token).ConfigureAwait(false);
                await http1.SendAsync("POST / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}"u8.ToArray(), timeout.Token).ConfigureAwait(false);
                var buffer = new byte[4096];
                while (await http1.ReceiveAsync(buffer, timeout.Token).ConfigureAwait(false) > 0)
                {
                }
            }

            using var http2 = new Socket(SocketType.Stream, ProtocolType.Tcp);
            await http2.ConnectAsync(endpoint.Host, endpoint.Port, timeout.Token).ConfigureAwait(false);
            await http2.SendAsync("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\0\0\0\u0004\0\0\0\0\0"u8.ToArray(), timeout.Token).ConfigureAwait(false);
            await http2.ReceiveAsync(new byte[64], timeout.Token).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is SocketException or IOException or OperationCanceledException)
        {
            // Only a warm-up: serving does not depend on it.
        }
    }

    private static IPAddress ParseAddress(string host) =>
        host == "localhost" ? IPAddress.Loopback : IPAddress.Parse(host);
}
