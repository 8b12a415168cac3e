using Rivulet.Api.Resources;
using Rivulet.Api.Streams;
using Rivulet.Api.Validation;
using Rivulet.Protocol.Model;

namespace Rivulet.Api.Operations;

/// <summary>Adds tags to a stream or overwrites those with the same keys; the stream may then hold at most 50.</summary>
internal sealed class AddTagsToStream : IOperation<AddTagsToStreamInput>
{
    private readonly StreamResolver _streams;

    public AddTagsToStream(StreamResolver streams) => _streams = streams;

    public async ValueTask ExecuteAsync(RequestContext context, AddTagsToStreamInput input, CancellationToken cancellationToken)
    {
        var tags = input.Tags!;
        StreamTags.RequireOwnAccount(context, input.StreamARN, nameof(AddTagsToStream));
        await _streams.UpdateAsync(context, input.StreamName, input.StreamARN, stream =>
        {
            var failure = "add tags to " + ResourceArn.DescribeStream(stream.Key.StreamName, stream.Key.AccountId);
            TagRules.CheckTags(tags, failure);
            StreamChange.RequireActive(stream);
            var merged = stream.Tags.SetItems(tags);
            TagRules.CheckCount(merged.Count, failure, "stream");
            return ReferenceEquals(merged, stream.Tags) ? stream : stream with { Tags = merged };
        }, cancellationToken).ConfigureAwait(false);
    }
}
