namespace Rivulet.Storage;

/// <summary>
/// An enhanced fan-out consumer registered on a stream. Its ARN is derived, not stored: the stream's
/// ARN, <c>/consumer/</c>, the name, <c>:</c> and the creation time in epoch seconds, as AWS forms it.
/// </summary>
public sealed record ConsumerMetadata(
    string ConsumerName,
    long CreatedAtMs,
    string Status,
    long? StatusSettlesAtMs = null);
