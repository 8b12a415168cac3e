using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging;

namespace Rivulet.Server;

/// <summary>
/// Kestrel's socket transport with an accept loop that backs off when the process is out of
/// descriptors or memory. Kestrel's own listener catches every <see cref="SocketException"/> from
/// accept and tries again at once, so EMFILE spins a core for as long as it lasts and leaves
/// nothing for the rest of the process; a decorator around it never sees the failure, hence a
/// listener of our own over Kestrel's public <see cref="SocketConnectionContextFactory"/>.
/// </summary>
internal sealed class BackoffListenerFactory : IConnectionListenerFactory, IConnectionListenerFactorySelector
{
    private readonly DescriptorReserve _reserve;
    private readonly Action<string> _log;
    private readonly ILoggerFactory _loggerFactory;
    private readonly SemaphoreSlim? _slots;

    /// <param name="maxConnections">The cap on connections open at once over all listeners; null for none.</param>
    public BackoffListenerFactory(DescriptorReserve reserve, Action<string> log, ILoggerFactory loggerFactory, long? maxConnections)
    {
        _slots = maxConnections is { } cap ? new SemaphoreSlim((int)Math.Min(cap, int.MaxValue)) : null;
        _reserve = reserve;
        _log = log;
        _loggerFactory = loggerFactory;
    }

    public bool CanBind(EndPoint endpoint) => endpoint is IPEndPoint or UnixDomainSocketEndPoint;

    public ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        var socket = SocketTransportOptions.CreateDefaultBoundListenSocket(endpoint);
        try
        {
            socket.Listen(512);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        // A port of 0 was chosen by the OS; Kestrel reports the listener's endpoint as the address.
        var bound = endpoint is IPEndPoint ? socket.LocalEndPoint! : endpoint;
        var connections = new SocketConnectionContextFactory(new SocketConnectionFactoryOptions(), _loggerFactory.CreateLogger("Rivulet.Server.Connections"));
        var listener = new BackoffConnectionListener(
            bound,
            token => socket.AcceptAsync(token),
            accepted => connections.Create(accepted),
            Task.Delay,
            _reserve,
            _log,
            () =>
            {
                socket.Dispose();
                connections.Dispose();
            },
            _slots);
        return ValueTask.FromResult<IConnectionListener>(listener);
    }
}
