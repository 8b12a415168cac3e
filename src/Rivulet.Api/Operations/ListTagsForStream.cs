using Rivulet.Api.Streams;
using Rivulet.Protocol.Model;

namespace Rivulet.Api.Operations;

/// <summary>The stream's tags in key order, at most 50 per call (AWS's default and maximum page).</summary>
internal sealed class ListTagsForStream : IOperation<ListTagsForStreamInput, ListTagsForStreamOutput>
{
    private const int MaxTagsPerCall = 50;

    private readonly StreamResolver _streams;

    public ListTagsForStream(StreamResolver streams) => _streams = streams;

    public async ValueTask<ListTagsForStreamOutput> ExecuteAsync(RequestContext context, ListTagsForStreamInput input, CancellationToken cancellationToken)
    {
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
