using Rivulet.Api.Channels;
using Rivulet.Api.Consumers;
using Rivulet.Api.Streams;
using Rivulet.Protocol.Model;
using Rivulet.Storage;

namespace Rivulet.Api.Operations;

internal sealed class DeleteStream : IOperation<DeleteStreamInput>
{
    private readonly IStreamStore _store;
    private readonly StreamResolver _streams;
    private readonly ChannelRegistry _channels;
    private readonly KinesisOptions _options;
    private readonly Subscriptions _subscriptions;

    public DeleteStream(IStreamStore store, StreamResolver streams, ChannelRegistry channels, KinesisOptions options, Subscriptions subscriptions)
    {
        _store = store;
        _streams = streams;
        _channels = channels;
        _options = options;
        _subscriptions = subscriptions;
    }

    public async ValueTask ExecuteAsync(RequestContext context, DeleteStreamInput input, CancellationToken cancellationToken)
    {
        var deleted = await DeleteAsync(context, input, cancellationToken).ConfigureAwait(false);

        // The stream's readers learn at once, as a deregistered consumer's do, not at their next heartbeat.
        _subscriptions.EndStream(StreamArn.Format(deleted));
    }

    private async ValueTask<StreamKey> DeleteAsync(RequestContext context, DeleteStreamInput input, CancellationToken cancellationToken)
    {
        var stream = await _streams.GetForDeletionAsync(context, input.StreamName, input.StreamARN, cancellationToken).ConfigureAwait(false);
        if (stream.Damage is not null)
        {
            // Straight away, without the DELETING transition: that would write its placeholder metadata over the damaged file.
            await _store.DeleteStreamAsync(stream.Key, stream.CreatedAtMs, cancellationToken).ConfigureAwait(false);
            return stream.Key;
        }

        if (stream.Status == StreamStatus.Creating)
        {
            throw ApiErrors.StreamNotActive(stream.Key.StreamName, stream.Key.AccountId, stream.Status);
        }

        if (stream.Status == StreamStatus.Deleting)
        {
            return stream.Key;
        }

        if (input.EnforceConsumerDeletion != true && stream.Consumers.Any(consumer => consumer.Status != StreamStatus.Deleting))
        {
            throw ApiErrors.StreamHasConsumers(stream.Key.StreamName, stream.Key.AccountId);
        }

        // "A stream cannot be deleted while it has active channels" (DeleteChannel's documentation).
        if (await _channels.HasActiveChannelsAsync(context, stream, cancellationToken).ConfigureAwait(false))
        {
            throw ApiErrors.StreamHasChannels(stream.Key.StreamName, stream.Key.AccountId);
        }

        var delay = (long)_options.DeleteStreamDelay.TotalMilliseconds;
        if (delay <= 0)
        {
            await _store.DeleteStreamAsync(stream.Key, stream.CreatedAtMs, cancellationToken).ConfigureAwait(false);
            return stream.Key;
        }

        var deleting = stream with { Status = StreamStatus.Deleting, StatusSettlesAtMs = context.NowMs + delay };
        var outcome = await _store.UpdateStreamAsync(deleting, stream.Version, cancellationToken).ConfigureAwait(false);
        if (outcome == StreamStoreOutcome.NotFound)
        {
            throw ApiErrors.StreamNotFound(stream.Key.StreamName, stream.Key.AccountId);
        }

        if (outcome == StreamStoreOutcome.VersionConflict)
        {
            // Someone changed the stream meanwhile; try again against what is there now.
            return await DeleteAsync(context, input, cancellationToken).ConfigureAwait(false);
        }

        return stream.Key;
    }
}
