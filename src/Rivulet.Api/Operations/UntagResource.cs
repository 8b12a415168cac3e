using Rivulet.Api.Resources;
using Rivulet.Api.Validation;
using Rivulet.Protocol.Model;

namespace Rivulet.Api.Operations;

/// <summary>Removes the named tags from the stream, consumer or channel an ARN names; keys it does not carry are ignored.</summary>
internal sealed class UntagResource : IOperation<UntagResourceInput>
{
    private readonly KinesisResources _resources;

    public UntagResource(KinesisResources resources) => _resources = resources;

    public async ValueTask ExecuteAsync(RequestContext context, UntagResourceInput input, CancellationToken cancellationToken)
    {
        var keys = input.TagKeys!;
        var arn = KinesisResources.Parse(context, input.ResourceARN!, nameof(UntagResource));
        await _resources.UpdateAsync(context, arn, () => TagRules.CheckKeys(keys, "remove tags from " + arn.Subject), attributes =>
        {
            var remaining = attributes.Tags.RemoveRange(keys);
            return ReferenceEquals(remaining, attributes.Tags) ? attributes : attributes with { Tags = remaining };
        }, cancellationToken).ConfigureAwait(false);
    }
}
