using Rivulet.Api.Accounts;
using Rivulet.Protocol.Model;
using Rivulet.Storage;

namespace Rivulet.Api.Operations;

internal sealed class DescribeAccountSettings : IOperation<DescribeAccountSettingsInput, DescribeAccountSettingsOutput>
{
    private readonly IStreamStore _store;

    public DescribeAccountSettings(IStreamStore store) => _store = store;

    public async ValueTask<DescribeAccountSettingsOutput> ExecuteAsync(RequestContext context, DescribeAccountSettingsInput input, CancellationToken cancellationToken)
    {
        var account = await BillingCommitment.GetAsync(_store, context, cancellationToken).ConfigureAwait(false);
        return new DescribeAccountSettingsOutput { MinimumThroughputBillingCommitment = BillingCommitment.View(account) };
    }
}
