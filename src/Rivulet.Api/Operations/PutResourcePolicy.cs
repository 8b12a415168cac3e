using Rivulet.Api.Resources;
using Rivulet.Api.Validation;
using Rivulet.Protocol.Model;

namespace Rivulet.Api.Operations;

/// <summary>
/// Attaches a resource-based policy to the stream, consumer or channel an ARN names, replacing any
/// earlier one. The document is checked (<see cref="ResourcePolicyRules"/>) and kept exactly as
/// sent; it is not yet evaluated when other requests arrive.
/// </summary>
internal sealed class PutResourcePolicy : IOperation<PutResourcePolicyInput>
{
    private readonly KinesisResources _resources;

    public PutResourcePolicy(KinesisResources resources) => _resources = resources;

    public async ValueTask ExecuteAsync(RequestContext context, PutResourcePolicyInput input, CancellationToken cancellationToken)
    {
        var policy = input.Policy!;
        var arn = KinesisResources.Parse(context, input.ResourceARN!, nameof(PutResourcePolicy));
        await _resources.UpdateAsync(context, arn, () => ResourcePolicyRules.Check(policy), attributes =>
            attributes.Policy == policy ? attributes : attributes with { Policy = policy }, cancellationToken).ConfigureAwait(false);
    }
}
