using Rivulet.Api.Resources;
using Rivulet.Protocol.Auth;
using Rivulet.Storage;

namespace Rivulet.Api.Streams;

/// <summary>
/// Finds the stream a request names by StreamName, StreamARN or both, and settles transitional
/// states whose time has come: a CREATING or UPDATING stream past its settle time is ACTIVE, a
/// DELETING one is gone. Settling is lazy so that no timer has to own the stream.
/// </summary>
internal sealed class StreamResolver
{
    private readonly IStreamStore _store;

    public StreamResolver(IStreamStore store) => _store = store;

    /// <summary>
    /// The stream's key and the name to use in error messages. A name is the caller's account's in
    /// the caller's region; an ARN names its own account and region. Another account's stream is
    /// reached only as its resource policy allows (<see cref="RequireAccess"/>).
    /// </summary>
    public static StreamKey Identify(RequestContext context, string? streamName, string? streamArn)
    {
        if (streamArn is null)
        {
            return streamName is null ? throw ApiErrors.StreamNameOrArnRequired() : new StreamKey(context.AccountId, context.Region, streamName);
        }

        if (!StreamArn.TryParse(streamArn, out var region, out var accountId, out var arnName))
        {
            throw ApiErrors.StreamNameOrArnRequired();
        }

        if (streamName is not null && streamName != arnName)
        {
            throw ApiErrors.StreamNameArnMismatch(streamName, streamArn);
        }

        // No stream can live in a region of another shape (nor could the store name its directory).
        if (!RegionName.IsValid(region))
        {
            throw ApiErrors.StreamNotFound(arnName, accountId);
        }

        return new StreamKey(accountId, region, arnName);
    }

    public async ValueTask<StreamMetadata> GetAsync(RequestContext context, string? streamName, string? streamArn, CancellationToken cancellationToken)
    {
        var key = Identify(context, streamName, streamArn);
        return await FindAsync(context, key, cancellationToken).ConfigureAwait(false) ?? throw ApiErrors.StreamNotFound(key.StreamName, key.AccountId);
    }

    /// <summary>The stream as it stands now, or null when there is none.</summary>
    /// <exception cref="KinesisException">
    /// InternalFailure: the stream exists but the store cannot read it (<see cref="StreamMetadata.Damage"/>).
    /// AWS has no error for that; a stream that is there but cannot be served is AWS's own internal
    /// failure, so data and describe calls answer 500 while the name stays listed and taken.
    /// </exception>
    /// <param name="consumer">
    /// For a call that names a consumer by its ARN: another account may also be let in by that
    /// consumer's own resource policy, which is how AWS shares a consumer across accounts.
    /// </param>
    public async ValueTask<StreamMetadata?> FindAsync(RequestContext context, StreamKey key, CancellationToken cancellationToken, ConsumerGrant? consumer = null)
    {
        var stream = await FindEvenDamagedAsync(context, key, cancellationToken, consumer).ConfigureAwait(false);
        return stream?.Damage is null ? stream : throw ApiErrors.InternalServiceFailure();
    }

    /// <summary>The stream to delete: unlike every other call, DeleteStream also takes a damaged stream (the only way to be rid of it).</summary>
    public async ValueTask<StreamMetadata> GetForDeletionAsync(RequestContext context, string? streamName, string? streamArn, CancellationToken cancellationToken)
    {
        var key = Identify(context, streamName, streamArn);
        return await FindEvenDamagedAsync(context, key, cancellationToken).ConfigureAwait(false) ?? throw ApiErrors.StreamNotFound(key.StreamName, key.AccountId);
    }

    /// <summary>
    /// For a call that resolved <paramref name="stream"/> and then found its log empty or closed:
    /// the stream was deleted meanwhile (maybe created again) if it is no longer the incarnation
    /// stored, and the call answers as it would have had the delete come first.
    /// </summary>
    public async ValueTask EnsureStillThereAsync(StreamMetadata stream, CancellationToken cancellationToken)
    {
        var current = await _store.GetStreamAsync(stream.Key, cancellationToken).ConfigureAwait(false);
        if (current is null || current.CreatedAtMs != stream.CreatedAtMs)
        {
            throw ApiErrors.StreamNotFound(stream.Key.StreamName, stream.Key.AccountId);
        }
    }

    private async ValueTask<StreamMetadata?> FindEvenDamagedAsync(RequestContext context, StreamKey key, CancellationToken cancellationToken, ConsumerGrant? consumer = null)
    {
        var stream = await _store.GetStreamAsync(key, cancellationToken).ConfigureAwait(false);
        RequireAccess(context, key, stream, consumer);
        if (stream?.StatusSettlesAtMs is not { } settlesAt || settlesAt > context.NowMs)
        {
            return stream;
        }

        if (stream.Status == StreamStatus.Deleting)
        {
            await _store.DeleteStreamAsync(key, stream.CreatedAtMs, cancellationToken).ConfigureAwait(false);
            return null;
        }

        // A reshard waiting for the stream to settle takes over now.
        var settled = stream with { Status = StreamStatus.Active, StatusSettlesAtMs = null, Shards = stream.EventualShards, PendingShards = [] };
        var outcome = await _store.UpdateStreamAsync(settled, stream.Version, cancellationToken).ConfigureAwait(false);
        if (outcome != StreamStoreOutcome.Done)
        {
            return await FindEvenDamagedAsync(context, key, cancellationToken, consumer).ConfigureAwait(false);
        }

        settled = settled with { Version = stream.Version + 1 };
        await ReshardCommit.SealClosedAsync(_store, stream.Shards, settled).ConfigureAwait(false);
        return settled;
    }

    /// <summary>
    /// Another account's stream is reached only where its resource policy allows the caller's
    /// account the operation, as on AWS; otherwise AccessDenied, whether or not the stream exists,
    /// so that a stranger learns nothing of it. A call naming a consumer by ARN is also let in by
    /// that consumer's policy, and is refused naming the consumer.
    /// </summary>
    private static void RequireAccess(RequestContext context, StreamKey key, StreamMetadata? stream, ConsumerGrant? consumer)
    {
        if (key.AccountId == context.AccountId)
        {
            return;
        }

        var action = "kinesis:" + context.Operation;
        var arn = StreamArn.Format(key);
        if (stream is not null && ResourcePolicyEvaluation.Allows(stream.ResourcePolicy, context.AccountId, action, arn))
        {
            return;
        }

        if (stream is not null && consumer is { } grant
            && stream.Consumers.FirstOrDefault(c => c.ConsumerName == grant.ConsumerName && c.CreatedAtMs / 1000 == grant.CreatedAtSeconds) is { } named
            && ResourcePolicyEvaluation.Allows(named.ResourcePolicy, context.AccountId, action, grant.ConsumerArn))
        {
            return;
        }

        throw ApiErrors.NotAuthorized(context.AccountId, context.Operation, consumer?.ConsumerArn ?? arn);
    }

    /// <summary>
    /// Applies <paramref name="change"/> to the stream's current metadata and stores it, starting
    /// again from what is stored whenever another writer got there first.
    /// </summary>
    public async ValueTask<StreamMetadata> UpdateAsync(RequestContext context, string? streamName, string? streamArn, Func<StreamMetadata, StreamMetadata> change, CancellationToken cancellationToken)
    {
        while (true)
        {
            var current = await GetAsync(context, streamName, streamArn, cancellationToken).ConfigureAwait(false);
            var updated = change(current);
            if (ReferenceEquals(updated, current))
            {
                return current;
            }

            switch (await _store.UpdateStreamAsync(updated, current.Version, cancellationToken).ConfigureAwait(false))
            {
                case StreamStoreOutcome.Done:
                    return updated with { Version = current.Version + 1 };
                case StreamStoreOutcome.NotFound:
                    throw ApiErrors.StreamNotFound(current.Key.StreamName, current.Key.AccountId);
            }
        }
    }

    /// <summary>A stream that takes records: ACTIVE or UPDATING. AWS answers others as if they did not exist.</summary>
    public async ValueTask<StreamMetadata> GetWritableAsync(RequestContext context, string? streamName, string? streamArn, CancellationToken cancellationToken)
    {
        var stream = await GetAsync(context, streamName, streamArn, cancellationToken).ConfigureAwait(false);
        return stream.Status is StreamStatus.Active or StreamStatus.Updating
            ? stream
            : throw ApiErrors.StreamNotFound(stream.Key.StreamName, stream.Key.AccountId);
    }
}

/// <summary>A consumer named by its ARN, whose resource policy may let another account reach it.</summary>
internal sealed record ConsumerGrant(string ConsumerArn, string ConsumerName, long CreatedAtSeconds);
