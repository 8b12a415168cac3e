using System.Buffers;
using System.IO.Pipelines;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Rivulet.Api.Dispatch;

namespace Rivulet.Server;

/// <summary>HTTP in, <see cref="ApiRequest"/> across, HTTP out. Reads the body under the size cap (413 beyond it).</summary>
internal sealed class RequestHandler
{
    private readonly KinesisService _service;
    private readonly long _maxBodyBytes;

    public RequestHandler(KinesisService service)
    {
        _service = service;
        _maxBodyBytes = service.Options.MaxRequestBodyBytes;
    }

    public async Task HandleAsync(HttpContext http)
    {
        var request = http.Request;
        var response = http.Response;
        if (request.ContentLength > _maxBodyBytes)
        {
            await RejectTooLargeAsync(response).ConfigureAwait(false);
            return;
        }

        var (body, length) = await ReadBodyAsync(request.BodyReader, request.ContentLength, http.RequestAborted).ConfigureAwait(false);
        if (length < 0)
        {
            ArrayPool<byte>.Shared.Return(body);
            await RejectTooLargeAsync(response).ConfigureAwait(false);
            return;
        }

        try
        {
            var headers = request.Headers;
            var query = request.Query;
            var apiRequest = new ApiRequest
            {
                Method = request.Method,
                Target = headers["X-Amz-Target"].FirstOrDefault(),
                ContentType = request.ContentType,
                Body = body.AsMemory(0, length),
                Authorization = headers.Authorization.FirstOrDefault(),
                HasDateHeader = headers.ContainsKey("X-Amz-Date") || headers.ContainsKey("Date"),
                QueryParameter = name => query.TryGetValue(name, out var value) ? value.FirstOrDefault() : null,
                Origin = headers.Origin.FirstOrDefault(),
            };

            using var result = await _service.HandleAsync(apiRequest, http.RequestAborted).ConfigureAwait(false);
            response.StatusCode = result.StatusCode;
            response.Headers["x-amzn-RequestId"] = result.RequestId;
            response.Headers["x-amz-id-2"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(72));
            if (result.ContentType is not null)
            {
                response.ContentType = result.ContentType;
            }

            foreach (var (name, value) in result.Headers)
            {
                response.Headers[name] = value;
            }

            var bytes = result.BodyBytes;
            response.ContentLength = bytes.Length;
            if (bytes.Length > 0)
            {
                await response.BodyWriter.WriteAsync(bytes, http.RequestAborted).ConfigureAwait(false);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(body);
        }
    }

    /// <summary>Reads the whole body into a pooled array; length −1 when it exceeds the cap.</summary>
    private async Task<(byte[] Buffer, int Length)> ReadBodyAsync(PipeReader reader, long? contentLength, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Clamp(contentLength ?? 4096, 1, _maxBodyBytes));
        var length = 0;
        while (true)
        {
            var read = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var data = read.Buffer;
            if (length + data.Length > _maxBodyBytes)
            {
                reader.AdvanceTo(data.End);
                return (buffer, -1);
            }

            if (length + data.Length > buffer.Length)
            {
                var grown = ArrayPool<byte>.Shared.Rent((int)Math.Min(Math.Max(buffer.Length * 2L, length + data.Length), _maxBodyBytes));
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

    private static Task RejectTooLargeAsync(HttpResponse response)
    {
        response.StatusCode = StatusCodes.Status413PayloadTooLarge;
        response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
        response.ContentType = "application/x-amz-json-1.1";
        return response.WriteAsync("""{"__type":"SerializationException","Message":"Request body is larger than the server accepts."}""");
    }
}
