using Rivulet.Api.Streams;

namespace Rivulet.Api.Resources;

/// <summary>What the stream-named tag operations (AddTagsToStream, RemoveTagsFromStream, ListTagsForStream) share with the ARN-named ones.</summary>
internal static class StreamTags
{
    /// <summary>A StreamARN of another account is AccessDenied, as the ResourceARN operations answer it.</summary>
    public static void RequireOwnAccount(RequestContext context, string? streamArn, string action)
    {
        if (streamArn is not null && StreamArn.TryParse(streamArn, out _, out var accountId, out _))
        {
            KinesisResources.RequireOwnAccount(context, accountId, action, streamArn);
        }
    }
}
