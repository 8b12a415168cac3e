using System.Buffers;
using Microsoft.AspNetCore.Connections;

namespace Rivulet.Server;

/// <summary>
/// Lets one cleartext port serve HTTP/1.1 and HTTP/2 with prior knowledge (RFC 9113 §3.3). Kestrel
/// picks HTTP/1.1 for a cleartext endpoint that allows both, and answers an HTTP/2 preface with
/// HTTP_1_1_REQUIRED; the JS SDK v3 and the KCL start with that preface. So the public endpoint
/// peeks at the first bytes and hands a connection that begins with the preface to an HTTP/2-only
/// pipeline, built by Kestrel for a private endpoint and captured here.
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
}
