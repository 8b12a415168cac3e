using Rivulet.Api.Streams;
using Rivulet.Protocol.Auth;
using Rivulet.Storage;

namespace Rivulet.Api.Resources;

/// <summary>
/// Finds and changes the stream, consumer or channel a ResourceARN names, for the tagging and
/// resource-policy operations. Streams and their consumers change through the stream's metadata,
/// channels through the account's, both compare-and-set and retried when another writer got there
/// first. Only the owner's account reaches its resources here: AWS lets no other account manage a
/// resource's tags or policy (PutResourcePolicy: the caller must "belong to the owner's account"),
/// so a foreign ARN is AccessDenied whether or not the resource exists.
/// </summary>
internal sealed class KinesisResources
{
    private readonly IStreamStore _store;
    private readonly StreamResolver _streams;

    public KinesisResources(IStreamStore store, StreamResolver streams)
    {
        _store = store;
        _streams = streams;
    }

    /// <param name="action">The operation, for AccessDenied's message: "TagResource".</param>
    public static ResourceArn Parse(RequestContext context, string resourceArn, string action)
    {
        if (!ResourceArn.TryParse(resourceArn, out var arn))
        {
            throw ApiErrors.InvalidResourceArn(resourceArn);
        }

        RequireOwnAccount(context, arn.AccountId, action, resourceArn);
        return arn;
    }

    public static void RequireOwnAccount(RequestContext context, string accountId, string action, string resourceArn)
    {
        if (accountId != context.AccountId)
        {
            throw ApiErrors.NotAuthorized(context.AccountId, action, resourceArn);
        }
    }

    public async ValueTask<ResourceAttributes> GetAsync(RequestContext context, ResourceArn arn, CancellationToken cancellationToken)
    {
        switch (arn.Kind)
        {
            case ResourceKind.Stream:
                var stream = await _streams.GetAsync(context, null, arn.Arn, cancellationToken).ConfigureAwait(false);
                return new ResourceAttributes(stream.Tags, stream.ResourcePolicy);
            case ResourceKind.Consumer:
                var consumer = FindConsumer(context, await GetConsumerStreamAsync(context, arn, cancellationToken).ConfigureAwait(false), arn, out _).Consumer;
                return new ResourceAttributes(consumer.Tags, consumer.ResourcePolicy);
            default:
                var (channel, _) = FindChannel(context, await GetAccountAsync(arn, cancellationToken).ConfigureAwait(false), arn, out _);
                return new ResourceAttributes(channel.Tags, channel.ResourcePolicy);
        }
    }

    /// <summary>
    /// Applies <paramref name="change"/> to the resource's current tags and policy. Once the resource
    /// is found, <paramref name="validate"/> checks the request's arguments; then the resource must be
    /// ACTIVE, as AWS requires of every change. A change that returns its argument writes nothing.
    /// </summary>
    public async ValueTask UpdateAsync(RequestContext context, ResourceArn arn, Action validate, Func<ResourceAttributes, ResourceAttributes> change, CancellationToken cancellationToken)
    {
        switch (arn.Kind)
        {
            case ResourceKind.Stream:
                await _streams.UpdateAsync(context, null, arn.Arn, stream =>
                {
                    validate();
                    StreamChange.RequireActive(stream);
                    var before = new ResourceAttributes(stream.Tags, stream.ResourcePolicy);
                    var after = change(before);
                    return ReferenceEquals(after, before) ? stream : stream with { Tags = after.Tags, ResourcePolicy = after.Policy };
                }, cancellationToken).ConfigureAwait(false);
                break;
            case ResourceKind.Consumer:
                RequireRegion(arn);
                await _streams.UpdateAsync(context, null, StreamArn.Format(arn.Region, arn.AccountId, arn.Name), stream =>
                {
                    var (consumer, index) = FindConsumer(context, stream, arn, out var status);
                    validate();
                    if (status != StreamStatus.Active)
                    {
                        throw ApiErrors.ConsumerNotActive(arn.ConsumerName, arn.ConsumerCreatedAtSeconds, arn.Name, arn.AccountId);
                    }

                    var before = new ResourceAttributes(consumer.Tags, consumer.ResourcePolicy);
                    var after = change(before);
                    return ReferenceEquals(after, before)
                        ? stream
                        : stream with { Consumers = stream.Consumers.SetItem(index, consumer with { Tags = after.Tags, ResourcePolicy = after.Policy }) };
                }, cancellationToken).ConfigureAwait(false);
                break;
            default:
                await UpdateChannelAsync(context, arn, validate, change, cancellationToken).ConfigureAwait(false);
                break;
        }
    }

    private async ValueTask UpdateChannelAsync(RequestContext context, ResourceArn arn, Action validate, Func<ResourceAttributes, ResourceAttributes> change, CancellationToken cancellationToken)
    {
        while (true)
        {
            var account = await GetAccountAsync(arn, cancellationToken).ConfigureAwait(false);
            var (channel, index) = FindChannel(context, account, arn, out var status);
            validate();
            if (status != StreamStatus.Active)
            {
                throw ApiErrors.ChannelNotActive(arn.Name, arn.AccountId, status);
            }

            var before = new ResourceAttributes(channel.Tags, channel.ResourcePolicy);
            var after = change(before);
            if (ReferenceEquals(after, before))
            {
                return;
            }

            var updated = account with { Channels = account.Channels.SetItem(index, channel with { Tags = after.Tags, ResourcePolicy = after.Policy }) };
            if (await _store.UpdateAccountAsync(updated, account.Version, cancellationToken).ConfigureAwait(false) == StreamStoreOutcome.Done)
            {
                return;
            }
        }
    }

    private async ValueTask<StreamMetadata> GetConsumerStreamAsync(RequestContext context, ResourceArn arn, CancellationToken cancellationToken)
    {
        RequireRegion(arn);
        var stream = await _streams.FindAsync(context, new StreamKey(arn.AccountId, arn.Region, arn.Name), cancellationToken).ConfigureAwait(false);
        return stream ?? throw ConsumerNotFound(arn);
    }

    private async ValueTask<AccountMetadata> GetAccountAsync(ResourceArn arn, CancellationToken cancellationToken)
    {
        RequireRegion(arn);
        var account = new AccountKey(arn.AccountId, arn.Region);
        return await _store.GetAccountAsync(account, cancellationToken).ConfigureAwait(false) ?? AccountMetadata.New(account);
    }

    // Every ARN resolves in its own region; one of a shape no region has names nothing.
    private static void RequireRegion(ResourceArn arn)
    {
        if (!RegionName.IsValid(arn.Region))
        {
            throw arn.Kind switch
            {
                ResourceKind.Stream => ApiErrors.StreamNotFound(arn.Name, arn.AccountId),
                ResourceKind.Consumer => ConsumerNotFound(arn),
                _ => ApiErrors.ChannelNotFound(arn.Name, arn.AccountId),
            };
        }
    }

    // The ARN's creation time tells a consumer from an earlier one of the same name.
    private static (ConsumerMetadata Consumer, int Index) FindConsumer(RequestContext context, StreamMetadata stream, ResourceArn arn, out string status)
    {
        var consumers = stream.Consumers;
        for (var i = 0; i < consumers.Length; i++)
        {
            var consumer = consumers[i];
            if (consumer.ConsumerName == arn.ConsumerName && consumer.CreatedAtMs / 1000 == arn.ConsumerCreatedAtSeconds
                && Settled(consumer.Status, consumer.StatusSettlesAtMs, context) is { } current)
            {
                status = current;
                return (consumer, i);
            }
        }

        throw ConsumerNotFound(arn);
    }

    private static (ChannelMetadata Channel, int Index) FindChannel(RequestContext context, AccountMetadata account, ResourceArn arn, out string status)
    {
        var channels = account.Channels;
        for (var i = 0; i < channels.Length; i++)
        {
            var channel = channels[i];
            if (channel.ChannelName == arn.Name && Settled(channel.Status, channel.StatusSettlesAtMs, context) is { } current)
            {
                status = current;
                return (channel, i);
            }
        }

        throw ApiErrors.ChannelNotFound(arn.Name, arn.AccountId);
    }

    /// <summary>
    /// The status as of now: a transition whose time has come has ended (ACTIVE, or gone when it was
    /// DELETING). Only read here; the operations that own consumers and channels store the settled state.
    /// </summary>
    private static string? Settled(string status, long? settlesAtMs, RequestContext context) =>
        settlesAtMs is { } at && at <= context.NowMs
            ? status == StreamStatus.Deleting ? null : StreamStatus.Active
            : status;

    private static KinesisException ConsumerNotFound(ResourceArn arn) =>
        ApiErrors.ConsumerNotFound(arn.ConsumerName, arn.ConsumerCreatedAtSeconds, arn.Name, arn.AccountId);
}
