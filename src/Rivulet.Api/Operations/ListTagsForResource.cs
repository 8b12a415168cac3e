using Rivulet.Api.Resources;
using Rivulet.Protocol.Model;

namespace Rivulet.Api.Operations;

/// <summary>Every tag of the stream, consumer or channel an ARN names, in key order (ordinal); no paging, as a resource holds at most 50.</summary>
internal sealed class ListTagsForResource : IOperation<ListTagsForResourceInput, ListTagsForResourceOutput>
{
    private readonly KinesisResources _resources;

    public ListTagsForResource(KinesisResources resources) => _resources = resources;

    public async ValueTask<ListTagsForResourceOutput> ExecuteAsync(RequestContext context, ListTagsForResourceInput input, CancellationToken cancellationToken)
    {
        var arn = KinesisResources.Parse(context, input.ResourceARN!, nameof(ListTagsForResource));
        var attributes = await _resources.GetAsync(context, arn, cancellationToken).ConfigureAwait(false);
        var tags = new List<Tag>(attributes.Tags.Count);
        foreach (var (key, value) in attributes.Tags)
        {
            tags.Add(new Tag { Key = key, Value = value });
        }

        return new ListTagsForResourceOutput { Tags = tags };
    }
}
