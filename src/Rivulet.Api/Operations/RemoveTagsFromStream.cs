using Rivulet.Api.Resources;
using Rivulet.Api.Streams;
using Rivulet.Api.Validation;
using Rivulet.Protocol.Model;

namespace Rivulet.Api.Operations;

/// <summary>Removes the named tags from a stream; keys it does not carry are ignored.</summary>
internal sealed class RemoveTagsFromStream : IOperation<RemoveTagsFromStreamInput>
{
    private readonly StreamResolver _streams;

    public RemoveTagsFromStream(StreamResolver streams) => _streams = streams;

    public async ValueTask ExecuteAsync(RequestContext context, RemoveTagsFromStreamInput input, CancellationToken cancellationToken)
    {
        var keys = input.TagKeys!;
        StreamTags.RequireOwnAccount(context, input.StreamARN, nameof(RemoveTagsFromStream));
        await _streams.UpdateAsync(context, input.StreamName, input.StreamARN, stream =>
        {
            TagRules.CheckKeys(keys, "remove tags from " + ResourceArn.DescribeStream(stream.Key.StreamName, stream.Key.AccountId));
            StreamChange.RequireActive(stream);
            var remaining = stream.Tags.RemoveRange(keys);
            return ReferenceEquals(remaining, stream.Tags) ? stream : stream with { Tags = remaining };
        }, cancellationToken).ConfigureAwait(false);
    }
}
