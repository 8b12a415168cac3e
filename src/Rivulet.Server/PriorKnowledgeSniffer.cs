using System.Buffers;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;

namespace Rivulet.Server;

/// <summary>
/// Lets one cleartext port serve HTTP/1.1 and HTTP/2 with prior knowledge (RFC 9113 §3.3). Kestrel
/// picks HTTP/1.1 for a cleartext endpoint that allows both, and answers an HTTP/2 preface with
/// HTTP_1_1_REQUIRED; the JS SDK v3 and the KCL start with that preface. So the public endpoint
/// peeks at the first bytes and hands a connection that begins with the preface to an HTTP/2-only
/// pipeline, built by Kestrel for a private endpoint and captured here. On the TLS port ALPN
/// decides, and the same sniff serves clients that negotiate no protocol and start with the preface
/// (older Java SDK v2 async clients).
/// </summary>
internal sealed class PriorKnowledgeSniffer
{
    private static readonly byte[] Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.ToArray();

    private ConnectionDelegate? _http2;

    /// <summary>Middleware for the private HTTP/2-only endpoint: remembers its pipeline.</summary>
    public ConnectionDelegate CaptureHttp2(ConnectionDelegate next)
    {
        _http2 = next;
        return next;
    }

    /// <summary>Middleware for the public endpoint.</summary>
    public ConnectionDelegate Route(ConnectionDelegate http1) => async connection =>
    {
        if (_http2 is { } http2 && await StartsWithPrefaceAsync(connection).ConfigureAwait(false))
        {
            await http2(connection).ConfigureAwait(false);
            return;
        }

        await http1(connection).ConfigureAwait(false);
    };

    /// <summary>Middleware for the TLS endpoint, after the handshake: what ALPN chose stands; without ALPN, the preface decides.</summary>
    public ConnectionDelegate RouteTls(ConnectionDelegate negotiated) => async connection =>
    {
        var alpn = connection.Features.Get<ITlsApplicationProtocolFeature>()?.ApplicationProtocol ?? default;
        var http2 = _http2;
        if (alpn.IsEmpty && http2 is not null && await StartsWithPrefaceAsync(connection).ConfigureAwait(false))
        {
            // Kestrel refuses HTTP/2 over TLS that ALPN did not choose; the preface has chosen it here.
            connection.Features.Set<ITlsApplicationProtocolFeature>(ChosenByPreface.Instance);
            await http2(connection).ConfigureAwait(false);
            return;
        }

        await negotiated(connection).ConfigureAwait(false);
    };

    private static async Task<bool> StartsWithPrefaceAsync(ConnectionContext connection)
    {
        var input = connection.Transport.Input;
        while (true)
        {
            var result = await input.ReadAsync(connection.ConnectionClosed).ConfigureAwait(false);
            var buffer = result.Buffer;
            var compared = (int)Math.Min(buffer.Length, Preface.Length);
            var matches = Matches(buffer.Slice(0, compared));
            if (!matches || compared == Preface.Length || result.IsCompleted || result.IsCanceled)
            {
                // Consume nothing and examine nothing, so the protocol that takes over reads these bytes at once.
                input.AdvanceTo(buffer.Start);
                return matches && compared == Preface.Length;
            }

            input.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private static bool Matches(ReadOnlySequence<byte> start)
    {
        Span<byte> copy = stackalloc byte[Preface.Length];
        start.CopyTo(copy);
        return copy[..(int)start.Length].SequenceEqual(Preface.AsSpan(0, (int)start.Length));
    }

    private sealed class ChosenByPreface : ITlsApplicationProtocolFeature
    {
        public static readonly ChosenByPreface Instance = new();

        public ReadOnlyMemory<byte> ApplicationProtocol { get; } = "h2"u8.ToArray();
    }
}
