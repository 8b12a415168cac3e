namespace Rivulet.Api.Streams;

/// <summary>A StreamCreationTimestamp a caller sends back, compared with the stream's own creation time.</summary>
internal static class CreationTimestamp
{
    /// <summary>
    /// boto3 sends timestamps as whole epoch seconds, so a creation time copied from a response
    /// (milliseconds) arrives truncated; a whole-second value names the stream created in that second.
    /// </summary>
    public static bool Names(long givenMs, long createdAtMs) =>
        givenMs == createdAtMs || (givenMs % 1000 == 0 && givenMs == createdAtMs - (createdAtMs % 1000));
}
