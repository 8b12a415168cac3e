using System.Collections.Immutable;
using Rivulet.Api.Streams;
using Rivulet.Protocol.Auth;
using Rivulet.Protocol.Model;
using Rivulet.Storage;

namespace Rivulet.Api.Channels;

/// <summary>
/// The account's channels, kept in <see cref="AccountMetadata.Channels"/> ordered by name, read
/// settled (<see cref="ChannelLifecycle"/>) and changed compare-and-set on the account's version.
/// </summary>
internal sealed class ChannelRegistry
{
    private readonly IStreamStore _store;

    public ChannelRegistry(IStreamStore store) => _store = store;

    /// <summary>
    /// The channel an ARN names: its name, and the caller's context in the ARN's region, where the
    /// channel is (like every ARN, a channel's resolves in its own region).
    /// </summary>
    /// <exception cref="KinesisException">RNF for another account's channel or a region that cannot exist; IA for an ARN that names no channel.</exception>
    public static (RequestContext Owner, string Name) Identify(RequestContext context, string channelArn)
    {
        if (!ChannelArn.TryParse(channelArn, out var region, out var accountId, out var name))
        {
            throw ApiErrors.InvalidChannelArn(channelArn);
        }

        return accountId == context.AccountId && RegionName.IsValid(region)
            ? (context.For(new AccountKey(accountId, region)), name)
            : throw ApiErrors.ChannelNotFound(name, accountId);
    }

    public static ChannelMetadata? Find(ImmutableArray<ChannelMetadata> channels, string name)
    {
        var index = IndexOf(channels, name);
        return index >= 0 ? channels[index] : null;
    }

    /// <summary>Where <paramref name="name"/> is, or the bitwise complement of where it would go.</summary>
    public static int IndexOf(ImmutableArray<ChannelMetadata> channels, string name)
    {
        int low = 0, high = channels.Length - 1;
        while (low <= high)
        {
            var middle = low + ((high - low) / 2);
            var order = string.CompareOrdinal(channels[middle].ChannelName, name);
            if (order == 0)
            {
                return middle;
            }

            if (order < 0)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return ~low;
    }

    /// <summary>The account's channels as they stand now, ordered by name.</summary>
    public async ValueTask<ImmutableArray<ChannelMetadata>> ListAsync(RequestContext context, CancellationToken cancellationToken)
    {
        var account = await ReadAsync(context.Account, cancellationToken).ConfigureAwait(false);
        return ChannelLifecycle.Settle(account.Channels, context.NowMs);
    }

    /// <exception cref="KinesisException">RNF when the ARN names no channel of the caller's.</exception>
    public async ValueTask<(RequestContext Owner, ChannelMetadata Channel)> GetAsync(RequestContext context, string channelArn, CancellationToken cancellationToken)
    {
        (context, var name) = Identify(context, channelArn);
        var channels = await ListAsync(context, cancellationToken).ConfigureAwait(false);
        return (context, Find(channels, name) ?? throw ApiErrors.ChannelNotFound(name, context.AccountId));
    }

    /// <summary>
    /// Runs <paramref name="change"/> on the account's settled channels and stores what it returns,
    /// starting again from what is stored whenever another writer got there first. A change that
    /// returns the array it was given writes nothing.
    /// </summary>
    public async ValueTask<T> ChangeAsync<T>(
        RequestContext context,
        Func<ImmutableArray<ChannelMetadata>, ValueTask<(ImmutableArray<ChannelMetadata> Channels, T Result)>> change,
        CancellationToken cancellationToken)
    {
        while (true)
        {
            var account = await ReadAsync(context.Account, cancellationToken).ConfigureAwait(false);
            var settled = ChannelLifecycle.Settle(account.Channels, context.NowMs);
            var (channels, result) = await change(settled).ConfigureAwait(false);
            if (channels == account.Channels)
            {
                return result;
            }

            StreamStoreOutcome outcome;
            try
            {
                outcome = await _store.UpdateAccountAsync(account with { Channels = channels }, account.Version, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException)
            {
                throw ApiErrors.InternalServiceFailure();
            }

            if (outcome == StreamStoreOutcome.Done)
            {
                return result;
            }
        }
    }

    /// <summary>
    /// The status to show: the stored one, except that a channel whose source stream is gone (a
    /// race with DeleteStream, which otherwise refuses while channels exist) has FAILED, and says why.
    /// </summary>
    public async ValueTask<(string Status, string? Reason)> StatusAsync(ChannelMetadata channel, ChannelDescription configuration, long nowMs, CancellationToken cancellationToken)
    {
        if (channel.Status == ChannelStatus.Deleting)
        {
            return (channel.Status, null);
        }

        foreach (var stream in ChannelConfiguration.Streams(configuration))
        {
            if (!await ExistsAsync(stream.Key, stream.CreatedAtMs, nowMs, cancellationToken).ConfigureAwait(false))
            {
                return (ChannelStatus.Failed, $"The source stream {stream.Arn} no longer exists.");
            }
        }

        return (channel.Status, null);
    }

    /// <summary>How many channels read this incarnation of the stream; null when the account's channels cannot be read.</summary>
    public async ValueTask<int?> CountReadingAsync(RequestContext context, StreamMetadata stream, CancellationToken cancellationToken)
    {
        ImmutableArray<ChannelMetadata> channels;
        try
        {
            channels = await ListAsync(context.For(stream.Key.Account), cancellationToken).ConfigureAwait(false);
        }
        catch (KinesisException)
        {
            return null;
        }

        var count = 0;
        foreach (var channel in channels)
        {
            count += ChannelConfiguration.Reads(ChannelConfiguration.Read(channel), stream.Key, stream.CreatedAtMs) ? 1 : 0;
        }

        return count;
    }

    /// <summary>
    /// Whether channels other than DELETING ones read this incarnation of the stream. False when
    /// the account's channels cannot be read: a damaged account file must not keep every stream of
    /// the account from being deleted.
    /// </summary>
    public async ValueTask<bool> HasActiveChannelsAsync(RequestContext context, StreamMetadata stream, CancellationToken cancellationToken)
    {
        ImmutableArray<ChannelMetadata> channels;
        try
        {
            channels = await ListAsync(context.For(stream.Key.Account), cancellationToken).ConfigureAwait(false);
        }
        catch (KinesisException)
        {
            return false;
        }

        foreach (var channel in channels)
        {
            if (channel.Status != ChannelStatus.Deleting && ChannelConfiguration.Reads(ChannelConfiguration.Read(channel), stream.Key, stream.CreatedAtMs))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The account's channels in any state until they are gone (DescribeLimits' ChannelCount).</summary>
    public async ValueTask<int> CountAsync(RequestContext context, CancellationToken cancellationToken) =>
        (await ListAsync(context, cancellationToken).ConfigureAwait(false)).Length;

    private async ValueTask<bool> ExistsAsync(StreamKey key, long createdAtMs, long nowMs, CancellationToken cancellationToken)
    {
        var stream = await _store.GetStreamAsync(key, cancellationToken).ConfigureAwait(false);
        return stream is not null
            && stream.CreatedAtMs == createdAtMs
            && !(stream.Status == StreamStatus.Deleting && stream.StatusSettlesAtMs is { } settlesAt && settlesAt <= nowMs);
    }

    private async ValueTask<AccountMetadata> ReadAsync(AccountKey account, CancellationToken cancellationToken)
    {
        try
        {
            return await _store.GetAccountAsync(account, cancellationToken).ConfigureAwait(false) ?? AccountMetadata.New(account);
        }
        catch (IOException)
        {
            // The account's file is damaged: its channels exist but cannot be served.
            throw ApiErrors.InternalServiceFailure();
        }
    }
}
