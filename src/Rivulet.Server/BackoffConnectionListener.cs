using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;

namespace Rivulet.Server;

/// <summary>
/// Accepts connections; when accept fails for want of descriptors or memory (EMFILE, ENFILE,
/// ENOBUFS, ENOMEM) it lets go of the <see cref="DescriptorReserve"/>, waits (10 ms, doubling up
/// to 1 s) and accepts again only once the reserve is back, writing one line per run of failures.
/// At the connection cap it does not accept at all until a connection closes: the ones beyond it
/// wait in the kernel's backlog, holding no descriptor of ours. (Kestrel's own
/// MaxConcurrentConnections accepts and then closes them, which under a flood takes descriptors
/// faster than they are given back, until the runtime cannot start a thread and exits with
/// "Out of memory.".)
/// </summary>
internal sealed class BackoffConnectionListener : IConnectionListener
{
    public static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(10);
    public static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(1);

    private readonly Func<CancellationToken, ValueTask<Socket>> _accept;
    private readonly Func<Socket, ConnectionContext> _wrap;
    private readonly Func<TimeSpan, CancellationToken, Task> _delay;
    private readonly DescriptorReserve _reserve;
    private readonly Action<string> _log;
    private readonly Action _close;
    private readonly SemaphoreSlim? _slots;
    private readonly CancellationTokenSource _unbinding = new();
    private int _closed;

    public BackoffConnectionListener(
        EndPoint endpoint,
        Func<CancellationToken, ValueTask<Socket>> accept,
        Func<Socket, ConnectionContext> wrap,
        Func<TimeSpan, CancellationToken, Task> delay,
        DescriptorReserve reserve,
        Action<string> log,
        Action close,
        SemaphoreSlim? slots = null)
    {
        _slots = slots;
        EndPoint = endpoint;
        _accept = accept;
        _wrap = wrap;
        _delay = delay;
        _reserve = reserve;
        _log = log;
        _close = close;
    }

    public EndPoint EndPoint { get; }

    public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _unbinding.Token);
        if (_slots is not null)
        {
            try
            {
                await _slots.WaitAsync(stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return null;
            }
        }

        var accepted = await AcceptUnderBackoffAsync(stop.Token).ConfigureAwait(false);
        if (accepted is null)
        {
            _slots?.Release();
            return null;
        }

        ConnectionContext connection;
        try
        {
            connection = _wrap(accepted);
        }
        catch
        {
            accepted.Dispose();
            _slots?.Release();
            throw;
        }

        return _slots is null ? connection : new CountedConnection(connection, () => _slots.Release());
    }

    private async ValueTask<Socket?> AcceptUnderBackoffAsync(CancellationToken cancellationToken)
    {
        var delay = TimeSpan.Zero;
        var failures = 0;
        while (true)
        {
            if (delay > TimeSpan.Zero)
            {
                try
                {
                    await _delay(delay, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return null;
                }

                delay = delay * 2 > MaxDelay ? MaxDelay : delay * 2;
                if (!_reserve.TryRestore())
                {
                    continue;
                }
            }

            Socket accepted;
            try
            {
                accepted = await _accept(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is ObjectDisposedException or OperationCanceledException
                || exception is SocketException { SocketErrorCode: SocketError.OperationAborted })
            {
                return null;
            }
            catch (SocketException exception) when (IsOutOfResources(exception))
            {
                _reserve.Release();
                if (failures++ == 0)
                {
                    _log($"accepting connections on {EndPoint} failed ({exception.Message}); backing off until it succeeds again");
                }

                delay = delay == TimeSpan.Zero ? FirstDelay : delay;
                continue;
            }
            catch (SocketException)
            {
                // Reset while still in the backlog: nothing to wait for, as Kestrel's listener does.
                continue;
            }

            if (failures > 0)
            {
                _log($"accepting connections on {EndPoint} again after {failures} failed attempts");
            }

            return accepted;
        }
    }

    /// <summary>Out of descriptors (EMFILE, ENFILE) or of buffer memory (ENOBUFS, ENOMEM).</summary>
    internal static bool IsOutOfResources(SocketException exception) =>
        exception.SocketErrorCode is SocketError.TooManyOpenSockets or SocketError.NoBufferSpaceAvailable
        || exception.NativeErrorCode is 23 or 24 or 105 or 12; // Linux ENFILE, EMFILE, ENOBUFS, ENOMEM

    public ValueTask UnbindAsync(CancellationToken cancellationToken = default)
    {
        _unbinding.Cancel();
        Close();
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        Close();
        _unbinding.Dispose();
        return ValueTask.CompletedTask;
    }

    private void Close()
    {
        if (Interlocked.Exchange(ref _closed, 1) == 0)
        {
            _close();
        }
    }
}
