namespace Rivulet.Protocol.Dispatch;

/// <summary>The request content types Kinesis understands (wire reference §1.1); parameters are ignored.</summary>
public enum WireContentType
{
    Unsupported,
    AwsJson11,
    AwsCbor11,
    LegacyJson,
}

public static class ContentTypes
{
    public const string AwsJson11 = "application/x-amz-json-1.1";
    public const string AwsCbor11 = "application/x-amz-cbor-1.1";
    public const string LegacyJson = "application/json";

    public static WireContentType Parse(string? contentType)
    {
        if (contentType is null)
        {
            return WireContentType.Unsupported;
        }

        var mediaType = contentType.AsSpan();
        var semicolon = mediaType.IndexOf(';');
        if (semicolon >= 0)
        {
            mediaType = mediaType[..semicolon];
        }

        mediaType = mediaType.Trim();
        if (mediaType.Equals(AwsJson11, StringComparison.OrdinalIgnoreCase))
        {
            return WireContentType.AwsJson11;
        }

        if (mediaType.Equals(AwsCbor11, StringComparison.OrdinalIgnoreCase))
        {
            return WireContentType.AwsCbor11;
        }

        return mediaType.Equals(LegacyJson, StringComparison.OrdinalIgnoreCase) ? WireContentType.LegacyJson : WireContentType.Unsupported;
    }
}
