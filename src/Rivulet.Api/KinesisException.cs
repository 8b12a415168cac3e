namespace Rivulet.Api;

/// <summary>
/// An AWS-visible error: its <c>__type</c>, message and HTTP status. Built only by
/// <see cref="ApiErrors"/> so that every wording lives in one place.
/// </summary>
public sealed class KinesisException : Exception
{
    internal KinesisException(string errorType, string? awsMessage, int statusCode = 400)
        : base(awsMessage ?? errorType)
    {
        ErrorType = errorType;
        AwsMessage = awsMessage;
        StatusCode = statusCode;
    }

    public string ErrorType { get; }

    /// <summary>The text sent as <c>message</c>; null for errors AWS sends without one.</summary>
    public string? AwsMessage { get; }

    public int StatusCode { get; }
}
