using Rivulet.Api.Accounts;
using Rivulet.Protocol.Model;
using Rivulet.Storage;

namespace Rivulet.Api.Operations;

/// <summary>Enables or disables the minimum throughput billing commitment; synchronous, answering with the settings after.</summary>
internal sealed class UpdateAccountSettings : IOperation<UpdateAccountSettingsInput, UpdateAccountSettingsOutput>
{
    private readonly IStreamStore _store;

    public UpdateAccountSettings(IStreamStore store) => _store = store;

    public async ValueTask<UpdateAccountSettingsOutput> ExecuteAsync(RequestContext context, UpdateAccountSettingsInput input, CancellationToken cancellationToken)
    {
        var account = await BillingCommitment.ChangeAsync(_store, context, input.MinimumThroughputBillingCommitment!.Status!, cancellationToken).ConfigureAwait(false);
        return new UpdateAccountSettingsOutput { MinimumThroughputBillingCommitment = BillingCommitment.View(account) };
    }
}
