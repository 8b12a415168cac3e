using Rivulet.Api.Resources;
using Rivulet.Api.Validation;
using Rivulet.Protocol.Model;

namespace Rivulet.Api.Operations;

/// <summary>Adds tags to the stream, consumer or channel an ARN names, overwriting those with the same keys; at most 50 per resource.</summary>
internal sealed class TagResource : IOperation<TagResourceInput>
{
    private readonly KinesisResources _resources;

    public TagResource(KinesisResources resources) => _resources = resources;

    public async ValueTask ExecuteAsync(RequestContext context, TagResourceInput input, CancellationToken cancellationToken)
    {
        var tags = input.Tags!;
        var arn = KinesisResources.Parse(context, input.ResourceARN!, nameof(TagResource));
        var failure = "add tags to " + arn.Subject;
        await _resources.UpdateAsync(context, arn, () => TagRules.CheckTags(tags, failure), attributes =>
        {
            var merged = attributes.Tags.SetItems(tags);
            TagRules.CheckCount(merged.Count, failure, arn.KindName);
            return ReferenceEquals(merged, attributes.Tags) ? attributes : attributes with { Tags = merged };
        }, cancellationToken).ConfigureAwait(false);
    }
}
