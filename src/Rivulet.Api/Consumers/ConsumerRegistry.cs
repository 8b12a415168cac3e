using System.Collections.Immutable;
using Rivulet.Api.Streams;
using Rivulet.Protocol.Auth;
using Rivulet.Storage;

namespace Rivulet.Api.Consumers;

/// <summary>
/// The enhanced fan-out consumers of streams, kept in each stream's metadata and changed through it
/// (compare-and-set, retried). CREATING → ACTIVE and DELETING → gone settle from the clock whenever
/// a consumer is read, like streams and channels, so no timer owns a consumer.
/// </summary>
internal sealed class ConsumerRegistry
{
    /// <summary>Consumers one stream may have registered at once (AWS: 20 on provisioned and On-demand Standard streams).</summary>
    public const int MaxConsumers = 20;

    /// <summary>On-demand Advantage: an on-demand stream in an account with the minimum throughput billing commitment.</summary>
    public const int MaxConsumersOnDemandAdvantage = 50;

    /// <summary>"You cannot have more than 5 consumers in a CREATING status at the same time."</summary>
    public const int MaxCreating = 5;

    private readonly StreamResolver _streams;

    public ConsumerRegistry(StreamResolver streams) => _streams = streams;

    /// <summary>
    /// Which consumer a request names: by its ARN, or by its stream's ARN and its name, or by all
    /// three when they agree (DescribeStreamConsumer's and DeregisterStreamConsumer's rule).
    /// </summary>
    public static ConsumerReference Identify(RequestContext context, string? consumerArn, string? streamArn, string? consumerName)
    {
        if (consumerArn is null)
        {
            if (streamArn is null || consumerName is null)
            {
                throw ApiErrors.ConsumerNotNamed();
            }

            return new ConsumerReference(StreamResolver.Identify(context, null, streamArn), consumerName, null);
        }

        if (!ConsumerArn.TryParse(consumerArn, out var region, out var accountId, out var streamName, out var name, out var seconds))
        {
            throw ApiErrors.ConsumerArnInvalid(consumerArn);
        }

        var key = new StreamKey(accountId, region, streamName);
        if (streamArn is not null && streamArn != StreamArn.Format(key))
        {
            throw ApiErrors.ConsumerArnConflict(consumerArn, "StreamARN", streamArn);
        }

        if (consumerName is not null && consumerName != name)
        {
            throw ApiErrors.ConsumerArnConflict(consumerArn, "ConsumerName", consumerName);
        }

        var reference = new ConsumerReference(key, name, seconds) { Grant = new ConsumerGrant(consumerArn, name, seconds) };
        return RegionName.IsValid(region) ? reference : throw reference.NotFound();
    }

    /// <summary>The consumer as it stands now, with its stream; ResourceNotFound when either is gone.</summary>
    public async ValueTask<(StreamMetadata Stream, ConsumerMetadata Consumer)> GetAsync(RequestContext context, ConsumerReference reference, CancellationToken cancellationToken)
    {
        var stream = await _streams.FindAsync(context, reference.Stream, cancellationToken, reference.Grant).ConfigureAwait(false);
        if (stream is null)
        {
            throw reference.CreatedAtSeconds is null ? ApiErrors.StreamNotFound(reference.Stream.StreamName, reference.Stream.AccountId) : reference.NotFound();
        }

        return (stream, Find(Settle(stream.Consumers, context.NowMs), reference) ?? throw reference.NotFound());
    }

    /// <summary>
    /// Changes the stream's consumers: <paramref name="change"/> gets them settled as of now and
    /// returns the new list (the same array for no change).
    /// </summary>
    public ValueTask<StreamMetadata> UpdateAsync(RequestContext context, StreamKey key, Func<StreamMetadata, ImmutableArray<ConsumerMetadata>, ImmutableArray<ConsumerMetadata>> change, CancellationToken cancellationToken) =>
        _streams.UpdateAsync(context, null, StreamArn.Format(key), stream =>
        {
            var settled = Settle(stream.Consumers, context.NowMs);
            var changed = change(stream, settled);
            return changed == stream.Consumers ? stream : stream with { Consumers = changed };
        }, cancellationToken);

    public static ConsumerMetadata? Find(ImmutableArray<ConsumerMetadata> consumers, ConsumerReference reference)
    {
        foreach (var consumer in consumers)
        {
            if (consumer.ConsumerName == reference.Name && (reference.CreatedAtSeconds is not { } seconds || consumer.CreatedAtMs / 1000 == seconds))
            {
                return consumer;
            }
        }

        return null;
    }

    /// <summary>The consumer as it stands at <paramref name="nowMs"/>; null once its deregistration has finished.</summary>
    public static ConsumerMetadata? Settle(ConsumerMetadata consumer, long nowMs)
    {
        if (consumer.StatusSettlesAtMs is not { } settlesAt || settlesAt > nowMs)
        {
            return consumer;
        }

        return consumer.Status == StreamStatus.Deleting ? null : consumer with { Status = StreamStatus.Active, StatusSettlesAtMs = null };
    }

    /// <summary>The consumers at <paramref name="nowMs"/>; the same array when nothing settled, so callers can tell.</summary>
    public static ImmutableArray<ConsumerMetadata> Settle(ImmutableArray<ConsumerMetadata> consumers, long nowMs)
    {
        var changed = false;
        var settled = ImmutableArray.CreateBuilder<ConsumerMetadata>(consumers.Length);
        foreach (var consumer in consumers)
        {
            var now = Settle(consumer, nowMs);
            changed |= !ReferenceEquals(now, consumer);
            if (now is not null)
            {
                settled.Add(now);
            }
        }

        return changed ? settled.ToImmutable() : consumers;
    }
}

/// <summary>A consumer as a request names it; the creation time is known only when it came by ARN.</summary>
internal readonly record struct ConsumerReference(StreamKey Stream, string Name, long? CreatedAtSeconds)
{
    /// <summary>Set when the consumer was named by its ARN: its own policy may then let another account in.</summary>
    public ConsumerGrant? Grant { get; init; }

    public KinesisException NotFound() =>
        CreatedAtSeconds is { } seconds
            ? ApiErrors.ConsumerNotFound(Name, seconds, Stream.StreamName, Stream.AccountId)
            : ApiErrors.ConsumerNameNotFound(Name, Stream.StreamName, Stream.AccountId);
}
