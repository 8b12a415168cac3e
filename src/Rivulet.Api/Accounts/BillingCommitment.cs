using Rivulet.Protocol.Model;
using Rivulet.Storage;

namespace Rivulet.Api.Accounts;

/// <summary>
/// The account's minimum throughput billing commitment (MinimumThroughputBillingCommitmentInput
/// docs): once ENABLED it lasts at least 24 hours; a disable asked for sooner leaves it
/// ENABLED_UNTIL_EARLIEST_ALLOWED_END and takes effect at that time, unless an enable cancels it first.
/// The pending disable settles lazily, when the account is next read.
/// </summary>
internal static class BillingCommitment
{
    public const string Enabled = "ENABLED";
    public const string Disabled = "DISABLED";
    public const string EnabledUntilEarliestAllowedEnd = "ENABLED_UNTIL_EARLIEST_ALLOWED_END";

    public const long MinimumDurationMs = 24 * 3_600_000L;

    /// <summary>The account as it stands at <paramref name="nowMs"/>, with a pending disable whose time has come carried out.</summary>
    public static AccountMetadata Settled(AccountMetadata account, long nowMs) =>
        account.CommitmentStatus == EnabledUntilEarliestAllowedEnd && account.CommitmentEarliestEndAtMs is { } end && end <= nowMs
            ? account with { CommitmentStatus = Disabled, CommitmentEndedAtMs = end }
            : account;

    /// <summary>Whether the account has the commitment now (a pending disable still has it).</summary>
    public static bool IsActive(AccountMetadata settled) => settled.CommitmentStatus is Enabled or EnabledUntilEarliestAllowedEnd;

    public static async ValueTask<AccountMetadata> GetAsync(IStreamStore store, RequestContext context, CancellationToken cancellationToken)
    {
        var stored = await store.GetAccountAsync(context.Account, cancellationToken).ConfigureAwait(false) ?? AccountMetadata.New(context.Account);
        return Settled(stored, context.NowMs);
    }

    /// <summary>Asks for the commitment to be <paramref name="desired"/> (ENABLED or DISABLED); stores and returns the account after.</summary>
    public static async ValueTask<AccountMetadata> ChangeAsync(IStreamStore store, RequestContext context, string desired, CancellationToken cancellationToken)
    {
        while (true)
        {
            var stored = await store.GetAccountAsync(context.Account, cancellationToken).ConfigureAwait(false) ?? AccountMetadata.New(context.Account);
            var changed = Apply(Settled(stored, context.NowMs), desired, context.NowMs);
            if (ReferenceEquals(changed, stored))
            {
                return stored;
            }

            var outcome = await store.UpdateAccountAsync(changed, stored.Version, cancellationToken).ConfigureAwait(false);
            if (outcome == StreamStoreOutcome.Done)
            {
                return changed with { Version = stored.Version + 1 };
            }

            // VersionConflict: another server changed the account (its settings or its channels) meanwhile.
        }
    }

    public static MinimumThroughputBillingCommitmentOutput View(AccountMetadata settled) => new()
    {
        Status = settled.CommitmentStatus,
        StartedAt = At(settled.CommitmentStartedAtMs),
        EndedAt = settled.CommitmentStatus == Disabled ? At(settled.CommitmentEndedAtMs) : null,
        EarliestAllowedEndAt = IsActive(settled) ? At(settled.CommitmentEarliestEndAtMs) : null,
    };

    private static AccountMetadata Apply(AccountMetadata account, string desired, long nowMs)
    {
        if (desired == Enabled)
        {
            return account.CommitmentStatus switch
            {
                Enabled => account,

                // Enabling again before the earliest allowed end cancels the pending disable; the period runs on.
                EnabledUntilEarliestAllowedEnd => account with { CommitmentStatus = Enabled },
                _ => account with
                {
                    CommitmentStatus = Enabled,
                    CommitmentStartedAtMs = nowMs,
                    CommitmentEndedAtMs = null,
                    CommitmentEarliestEndAtMs = nowMs + MinimumDurationMs,
                },
            };
        }

        if (account.CommitmentStatus != Enabled)
        {
            return account;
        }

        return account.CommitmentEarliestEndAtMs is { } earliest && nowMs < earliest
            ? account with { CommitmentStatus = EnabledUntilEarliestAllowedEnd }
            : account with { CommitmentStatus = Disabled, CommitmentEndedAtMs = nowMs };
    }

    private static DateTimeOffset? At(long? epochMs) => epochMs is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
}
