using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Rivulet.Api.Dispatch;
using Rivulet.Protocol.Dispatch;
using Rivulet.Protocol.Errors;

namespace Rivulet.Server;

/// <summary>
/// HTTP in, <see cref="ApiRequest"/> across, HTTP out. Reads the body under the size cap (413 beyond
/// it); writes the answer in chunks under the <see cref="ResponseBudget"/>, dropping a connection
/// whose client stops reading for longer than the write timeout.
/// </summary>
internal sealed class RequestHandler
{
    /// <summary>
    /// Bodies up to this size are written at once and bypass the budget (every connection may
    /// hold one); larger ones go out a chunk at a time, so Kestrel's output pipe (64 KiB) applies
    /// backpressure and the write timeout measures the client's progress, not the whole body.
    /// </summary>
    internal const int ChunkBytes = 64 * 1024;

    /// <summary>The largest GetRecords answer: 10 MiB of data as base64 and 10,000 records' keys and sequence numbers.</summary>
    internal const long LargestAnswerBytes = 20L * 1024 * 1024;

    /// <summary>The response headers the AWS SDKs read, which a browser shows a script only when they are exposed.</summary>
    internal const string ExposedHeaders = "x-amzn-RequestId,x-amzn-ErrorType,x-amzn-ErrorMessage,x-amz-id-2,x-amz-request-id,Date";

    /// <summary>What a request body's buffer starts at, whatever length it declares.</summary>
    private const string TooLargeMessage = "Request body is larger than the server accepts.";

    internal const int InitialBodyBytes = 64 * 1024;

    private readonly KinesisService _service;
    private readonly long _maxBodyBytes;
    private readonly ResponseBudget _budget;
    private readonly TimeSpan _writeTimeout;

    private readonly AdminEndpoint? _admin;

    public RequestHandler(KinesisService service, ResponseBudget budget, TimeSpan writeTimeout, AdminEndpoint? admin = null)
    {
        _admin = admin;
        _service = service;
        _maxBodyBytes = service.Options.MaxRequestBodyBytes;
        _budget = budget;
        _writeTimeout = writeTimeout;
    }

    public async Task HandleAsync(HttpContext http)
    {
        var request = http.Request;
        var response = http.Response;
        if (_admin is not null && AdminEndpoint.Serves(request))
        {
            await _admin.HandleAsync(http).ConfigureAwait(false);
            return;
        }

        if (request.ContentLength > _maxBodyBytes)
        {
            await RejectTooLargeAsync(request, response).ConfigureAwait(false);
            return;
        }

        var (body, length) = await ReadBodyAsync(request.BodyReader, request.ContentLength, _maxBodyBytes, http.RequestAborted).ConfigureAwait(false);
        if (length < 0)
        {
            ArrayPool<byte>.Shared.Return(body);
            await RejectTooLargeAsync(request, response).ConfigureAwait(false);
            return;
        }

        var headers = request.Headers;
        var target = headers["X-Amz-Target"].FirstOrDefault();
        ResponseBudget.Lease? reserved = null;
        if (MayAnswerLarge(target))
        {
            // Reserved before the answer is built, so that answers waiting for slow readers never
            // hold more than the budget, built ones included; what the answer does not need goes back at once.
            reserved = await ReserveAsync(http, LargestAnswerBytes).ConfigureAwait(false);
            if (reserved is null)
            {
                ArrayPool<byte>.Shared.Return(body);
                return;
            }
        }

        using var reservation = reserved;
        ApiResponse result;
        try
        {
            var query = request.Query;
            var apiRequest = new ApiRequest
            {
                Method = request.Method,
                Target = target,
                RawTarget = http.Features.Get<IHttpRequestFeature>()?.RawTarget ?? "/",
                Headers = name => headers.TryGetValue(name, out var values) ? (IReadOnlyList<string?>)values : null,
                ContentType = request.ContentType,
                Body = body.AsMemory(0, length),
                Authorization = headers.Authorization.FirstOrDefault(),
                HasDateHeader = headers.ContainsKey("X-Amz-Date") || headers.ContainsKey("Date"),
                QueryParameter = name => query.TryGetValue(name, out var value) ? value.FirstOrDefault() : null,
                Origin = headers.Origin.FirstOrDefault(),
                AccessControlRequestMethod = headers.AccessControlRequestMethod.FirstOrDefault(),
                AccessControlRequestHeaders = headers.AccessControlRequestHeaders.FirstOrDefault(),
            };

            result = await _service.HandleAsync(apiRequest, http.RequestAborted).ConfigureAwait(false);
        }
        finally
        {
            // The request is done with before the answer goes out: a slow reader holds only the answer.
            ArrayPool<byte>.Shared.Return(body);
        }

        using (result)
        {
            response.StatusCode = result.StatusCode;
            response.Headers["x-amzn-RequestId"] = result.RequestId;
            response.Headers["x-amz-id-2"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(72));
            AddCorsHeaders(response);
            if (result.ContentType is not null)
            {
                response.ContentType = result.ContentType;
            }

            foreach (var (name, value) in result.Headers)
            {
                response.Headers[name] = value;
            }

            if (result.EventStream is { } events)
            {
                reserved?.ShrinkTo(0);
                await SendEventStreamAsync(http, events).ConfigureAwait(false);
                return;
            }

            var bytes = result.BodyBytes;
            reserved?.ShrinkTo(bytes.Length > ChunkBytes ? bytes.Length : 0);
            response.ContentLength = bytes.Length;
            if (bytes.Length > 0)
            {
                await WriteBodyAsync(http, bytes, reserved).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Kestrel's MinResponseDataRate does not help here: it allows each write length ÷ 240 B/s,
    /// some 15 hours for one write of a 13 MB GetRecords page, and until then the page and its copy
    /// in the output pipe stay in memory. So large bodies wait for the budget, go out a chunk at a
    /// time, and the connection is aborted when waiting or one chunk takes longer than the write
    /// timeout; the body's pooled buffer goes back when this returns or throws.
    /// </summary>
    private async Task WriteBodyAsync(HttpContext http, ReadOnlyMemory<byte> bytes, ResponseBudget.Lease? reserved)
    {
        var writer = http.Response.BodyWriter;
        if (bytes.Length <= ChunkBytes)
        {
            // Fits Kestrel's output pipe, so the write does not wait for the client: no timer needed.
            await writer.WriteAsync(bytes, http.RequestAborted).ConfigureAwait(false);
            return;
        }

        var lease = reserved ?? await ReserveAsync(http, bytes.Length).ConfigureAwait(false);
        if (lease is null)
        {
            return;
        }

        using (reserved is null ? lease : null)
        {
            for (var offset = 0; offset < bytes.Length && !http.RequestAborted.IsCancellationRequested; offset += ChunkBytes)
            {
                if (!await WriteWithTimeoutAsync(http, writer, bytes.Slice(offset, Math.Min(ChunkBytes, bytes.Length - offset))).ConfigureAwait(false))
                {
                    return;
                }
            }
        }
    }

    /// <summary>
    /// Sends an event stream with no length (HTTP/1.1 chunks it, HTTP/2 ends the stream after it).
    /// Each message waits until Kestrel's output buffer has room, which with HTTP/2 waits for the
    /// client's flow-control window: a slow reader slows its own stream and nothing else.
    /// </summary>
    private static async Task SendEventStreamAsync(HttpContext http, IEventStreamBody events)
    {
        var sink = new ResponseSink(http);

        // Events go out one after another with nothing coming back in between, which is when
        // Nagle's algorithm holds a write until the client acknowledges the previous one (up to
        // its 40 ms delayed ACK). Request and answer traffic does not meet that case, and keeps it.
        if (http.Features.Get<IConnectionSocketFeature>()?.Socket is { ProtocolType: ProtocolType.Tcp } socket)
        {
            socket.NoDelay = true;
        }

        try
        {
            // The body starts the response with its first message, and owns what it holds (the
            // subscription's claim on its consumer and shard) from here on, whatever happens.
            await events.RunAsync(sink, http.RequestAborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested || sink.Abandoned)
        {
        }
        catch (IOException)
        {
            // The connection failed under the stream: nothing more can reach the reader.
            http.Abort();
            return;
        }

        if (sink.Abandoned && !http.RequestAborted.IsCancellationRequested)
        {
            // A send the subscription gave up on (its time ran out while the reader read nothing)
            // leaves part of a message behind: the stream is reset rather than ended mid-message.
            http.Abort();
        }
    }

    private sealed class ResponseSink(HttpContext http) : IEventSink
    {
        public bool Abandoned { get; private set; }

        public async ValueTask SendAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
        {
            FlushResult flushed;
            try
            {
                if (!http.Response.HasStarted)
                {
                    await http.Response.StartAsync(cancellationToken).ConfigureAwait(false);
                }

                flushed = await http.Response.BodyWriter.WriteAsync(message, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                Abandoned = true;
                throw;
            }

            if (flushed.IsCompleted || flushed.IsCanceled)
            {
                // The client is gone (or the response was aborted): nothing more can reach it.
                throw new OperationCanceledException(http.RequestAborted);
            }
        }
    }

    /// <summary>Waits up to the write timeout for <paramref name="bytes"/> of the budget; null (and the connection aborted) when they did not come.</summary>
    private async Task<ResponseBudget.Lease?> ReserveAsync(HttpContext http, long bytes)
    {
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        waiting.CancelAfter(_writeTimeout);
        try
        {
            return await _budget.AcquireAsync(bytes, waiting.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            http.Abort();
            return null;
        }
    }

    /// <summary>GetRecords answers up to 10 MiB of data, a third more in base64, with keys and sequence numbers besides.</summary>
    private static bool MayAnswerLarge(string? target) =>
        target is not null && target.EndsWith(".GetRecords", StringComparison.Ordinal);

    /// <summary>Writes and flushes one piece; false (and the connection aborted) when the client did not take it in time.</summary>
    private async Task<bool> WriteWithTimeoutAsync(HttpContext http, PipeWriter writer, ReadOnlyMemory<byte> piece)
    {
        using var writing = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        writing.CancelAfter(_writeTimeout);
        try
        {
            var flushed = await writer.WriteAsync(piece, writing.Token).ConfigureAwait(false);
            if (!flushed.IsCanceled)
            {
                return !flushed.IsCompleted;
            }
        }
        catch (OperationCanceledException) when (!http.RequestAborted.IsCancellationRequested)
        {
        }

        if (!http.RequestAborted.IsCancellationRequested)
        {
            http.Abort();
        }

        return false;
    }

    /// <summary>Reads the whole body into a pooled array; length −1 when it exceeds the cap.</summary>
    internal static async Task<(byte[] Buffer, int Length)> ReadBodyAsync(PipeReader reader, long? contentLength, long maxBodyBytes, CancellationToken cancellationToken)
    {
        // Grown as bytes arrive, never sized by the declared length alone: a client that declares
        // megabytes and sends nothing holds no more than a small buffer.
        var expected = Math.Clamp(contentLength ?? 0, 0, maxBodyBytes);
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Clamp(expected, 1, InitialBodyBytes));
        var length = 0;
        try
        {
            while (true)
            {
                var read = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                var data = read.Buffer;
                if (length + data.Length > maxBodyBytes)
                {
                    reader.AdvanceTo(data.End);
                    return (buffer, -1);
                }

                if (length + data.Length > buffer.Length)
                {
                    var size = Math.Min(Math.Max(buffer.Length * 2L, length + data.Length), maxBodyBytes);
                    var grown = ArrayPool<byte>.Shared.Rent((int)(expected >= length + data.Length ? Math.Min(size, expected) : size));
                    buffer.AsSpan(0, length).CopyTo(grown);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = grown;
                }

                data.CopyTo(buffer.AsSpan(length));
                length += (int)data.Length;
                reader.AdvanceTo(data.End);
                if (read.IsCompleted)
                {
                    return (buffer, length);
                }
            }
        }
        catch (IOException exception) when (exception.InnerException is OverflowException)
        {
            // Kestrel reports a chunk size of 2^31 or more as an IOException around an overflow
            // rather than as the BadHttpRequestException of every other malformed chunk; rethrown
            // as one, Kestrel answers 400 and closes the connection, as for the others.
            ArrayPool<byte>.Shared.Return(buffer);
            throw new BadHttpRequestException(exception.Message, StatusCodes.Status400BadRequest, exception);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    /// <summary>
    /// On every answer, as AWS sends them: a page on any origin may read the answer and the headers
    /// the SDKs read from it (request ids, error type), which browsers otherwise hide from scripts.
    /// </summary>
    private static void AddCorsHeaders(HttpResponse response)
    {
        response.Headers.AccessControlAllowOrigin = "*";
        response.Headers.AccessControlExposeHeaders = ExposedHeaders;
    }

    private static Task RejectTooLargeAsync(HttpRequest request, HttpResponse response)
    {
        response.StatusCode = StatusCodes.Status413PayloadTooLarge;
        response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
        AddCorsHeaders(response);
        var body = new ArrayBufferWriter<byte>(128);
        if (ContentTypes.Parse(request.ContentType) == WireContentType.AwsCbor11)
        {
            response.ContentType = ContentTypes.AwsCbor11;
            ErrorBody.WriteCbor(body, "SerializationException", TooLargeMessage);
        }
        else
        {
            response.ContentType = ContentTypes.AwsJson11;
            ErrorBody.WriteJson(body, "SerializationException", TooLargeMessage);
        }

        response.ContentLength = body.WrittenCount;
        return response.Body.WriteAsync(body.WrittenMemory).AsTask();
    }
}
