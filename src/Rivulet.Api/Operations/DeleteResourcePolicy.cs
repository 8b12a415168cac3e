using Rivulet.Api.Resources;
using Rivulet.Protocol.Model;

namespace Rivulet.Api.Operations;

/// <summary>Removes the policy attached to the stream, consumer or channel an ARN names; a resource without one is ResourceNotFound.</summary>
internal sealed class DeleteResourcePolicy : IOperation<DeleteResourcePolicyInput>
{
    private readonly KinesisResources _resources;

    public DeleteResourcePolicy(KinesisResources resources) => _resources = resources;

    public async ValueTask ExecuteAsync(RequestContext context, DeleteResourcePolicyInput input, CancellationToken cancellationToken)
    {
        var arn = KinesisResources.Parse(context, input.ResourceARN!, nameof(DeleteResourcePolicy));
        await _resources.UpdateAsync(context, arn, static () => { }, attributes =>
            attributes.Policy is null ? throw ApiErrors.ResourcePolicyNotFound(arn.Arn) : attributes with { Policy = null }, cancellationToken).ConfigureAwait(false);
    }
}
