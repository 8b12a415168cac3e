using Rivulet.Api.Streams;
using Rivulet.Storage;

namespace Rivulet.Api.Accounts;

/// <summary>Warm throughput needs the account's minimum throughput billing commitment and stays within AWS's 10 GiB/s.</summary>
internal static class WarmThroughputRules
{
    public static async ValueTask CheckAsync(IStreamStore store, RequestContext context, AccountKey owner, int requestedMiBps, CancellationToken cancellationToken)
    {
        var account = await BillingCommitment.GetAsync(store, context.For(owner), cancellationToken).ConfigureAwait(false);
        if (!BillingCommitment.IsActive(account))
        {
            throw ApiErrors.WarmThroughputNeedsCommitment(owner.AccountId);
        }

        if (requestedMiBps > WarmThroughput.MaximumMiBps)
        {
            throw ApiErrors.WarmThroughputTooHigh(requestedMiBps, WarmThroughput.MaximumMiBps);
        }
    }
}
