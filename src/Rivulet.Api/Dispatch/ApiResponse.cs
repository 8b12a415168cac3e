using Rivulet.Protocol.Buffers;

namespace Rivulet.Api.Dispatch;

/// <summary>What to send back: status, content type, extra headers and a pooled body the host copies out, then disposes.</summary>
public sealed class ApiResponse : IDisposable
{
    public ApiResponse(string requestId, int statusCode, string? contentType, PooledBufferWriter? body)
    {
        RequestId = requestId;
        StatusCode = statusCode;
        ContentType = contentType;
        Body = body;
    }

    public string RequestId { get; }

    public int StatusCode { get; }

    public string? ContentType { get; }

    public PooledBufferWriter? Body { get; }

    /// <summary>A body sent as it is produced instead of <see cref="Body"/>; the host runs it after the headers.</summary>
    public IEventStreamBody? EventStream { get; init; }

    public List<KeyValuePair<string, string>> Headers { get; } = [];

    public ReadOnlyMemory<byte> BodyBytes => Body?.WrittenMemory ?? ReadOnlyMemory<byte>.Empty;

    public void Dispose() => Body?.Dispose();
}
