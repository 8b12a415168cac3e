using Rivulet.Api.Resources;
using Rivulet.Api.Streams;
using Rivulet.Protocol.Model;

namespace Rivulet.Api.Operations;

/// <summary>
/// The stream's tags in key order (ordinal, as AWS sorts them), those after ExclusiveStartTagKey
/// (which need not be a key the stream has), at most Limit of them. Without a Limit every tag fits:
/// a stream holds at most 50, the largest Limit. Works in every stream status: tags given to
/// CreateStream are visible from CREATING on.
/// </summary>
internal sealed class ListTagsForStream : IOperation<ListTagsForStreamInput, ListTagsForStreamOutput>
{
    private const int MaxTagsPerCall = 50;

    private readonly StreamResolver _streams;

    public ListTagsForStream(StreamResolver streams) => _streams = streams;

    public async ValueTask<ListTagsForStreamOutput> ExecuteAsync(RequestContext context, ListTagsForStreamInput input, CancellationToken cancellationToken)
    {
        StreamTags.RequireOwnAccount(context, input.StreamARN, nameof(ListTagsForStream));
        var stream = await _streams.GetAsync(context, input.StreamName, input.StreamARN, cancellationToken).ConfigureAwait(false);
        var limit = input.Limit ?? MaxTagsPerCall;
        var tags = new List<Tag>();
        var hasMore = false;
        foreach (var (key, value) in stream.Tags)
        {
            if (input.ExclusiveStartTagKey is { } after && string.CompareOrdinal(key, after) <= 0)
            {
                continue;
            }

            if (tags.Count == limit)
            {
                hasMore = true;
                break;
            }

            tags.Add(new Tag { Key = key, Value = value });
        }

        return new ListTagsForStreamOutput { Tags = tags, HasMoreTags = hasMore };
    }
}
