using Rivulet.Api.Resources;
using Rivulet.Protocol.Model;

namespace Rivulet.Api.Operations;

/// <summary>The policy attached to the stream, consumer or channel an ARN names, as it was put; <c>{}</c> when there is none (what AWS answers).</summary>
internal sealed class GetResourcePolicy : IOperation<GetResourcePolicyInput, GetResourcePolicyOutput>
{
    private const string NoPolicy = "{}";

    private readonly KinesisResources _resources;

    public GetResourcePolicy(KinesisResources resources) => _resources = resources;

    public async ValueTask<GetResourcePolicyOutput> ExecuteAsync(RequestContext context, GetResourcePolicyInput input, CancellationToken cancellationToken)
    {
        var arn = KinesisResources.Parse(context, input.ResourceARN!, nameof(GetResourcePolicy));
        var attributes = await _resources.GetAsync(context, arn, cancellationToken).ConfigureAwait(false);
        return new GetResourcePolicyOutput { Policy = attributes.Policy ?? NoPolicy };
    }
}
