using System.Collections.Immutable;
using Rivulet.Api.Accounts;
using Rivulet.Api.Consumers;
using Rivulet.Api.Resources;
using Rivulet.Api.Streams;
using Rivulet.Api.Validation;
using Rivulet.Protocol.Model;
using Rivulet.Storage;

namespace Rivulet.Api.Operations;

/// <summary>
/// Registers a consumer on a stream. It starts CREATING, as AWS's always does, and is ACTIVE once
/// the consumer delay has passed; its ARN carries its creation time, so registering the name again
/// after deregistering gives a new ARN. A stream takes 20 consumers, 50 when it is On-demand
/// Advantage (on demand, in an account with the minimum throughput billing commitment).
/// </summary>
internal sealed class RegisterStreamConsumer : IOperation<RegisterStreamConsumerInput, RegisterStreamConsumerOutput>
{
    private readonly IStreamStore _store;
    private readonly ConsumerRegistry _consumers;
    private readonly KinesisOptions _options;

    public RegisterStreamConsumer(IStreamStore store, ConsumerRegistry consumers, KinesisOptions options)
    {
        _store = store;
        _consumers = consumers;
        _options = options;
    }

    public async ValueTask<RegisterStreamConsumerOutput> ExecuteAsync(RequestContext context, RegisterStreamConsumerInput input, CancellationToken cancellationToken)
    {
        var key = StreamResolver.Identify(context, null, input.StreamARN);
        var name = input.ConsumerName!;
        var tags = input.Tags is { } given ? given.ToImmutableSortedDictionary(StringComparer.Ordinal) : ImmutableSortedDictionary<string, string>.Empty.WithComparers(StringComparer.Ordinal);
        if (tags.Count > 0)
        {
            var failure = $"register consumer {name} under stream {key.StreamName} and account {key.AccountId}";
            TagRules.CheckTags(tags, failure);
            TagRules.CheckCount(tags.Count, failure, "consumer");
        }

        var account = await BillingCommitment.GetAsync(_store, context.For(key.Account), cancellationToken).ConfigureAwait(false);
        var advantage = BillingCommitment.IsActive(account);
        var created = new ConsumerMetadata(name, context.NowMs, StreamStatus.Creating, context.NowMs + (long)_options.ConsumerDelay.TotalMilliseconds) { Tags = tags };
        var stream = await _consumers.UpdateAsync(context, key, (stream, consumers) =>
        {
            if (stream.Status is not (StreamStatus.Active or StreamStatus.Updating))
            {
                throw ApiErrors.StreamNotActive(key.StreamName, key.AccountId, stream.Status);
            }

            if (consumers.Any(consumer => consumer.ConsumerName == name))
            {
                throw ApiErrors.ConsumerAlreadyExists(name, key.StreamName, key.AccountId);
            }

            var limit = advantage && stream.StreamMode == StreamModes.OnDemand ? ConsumerRegistry.MaxConsumersOnDemandAdvantage : ConsumerRegistry.MaxConsumers;
            if (consumers.Length >= limit)
            {
                throw ApiErrors.ConsumerLimitExceeded(key.StreamName, key.AccountId, limit);
            }

            if (consumers.Count(consumer => consumer.Status == StreamStatus.Creating) >= ConsumerRegistry.MaxCreating)
            {
                throw ApiErrors.TooManyConsumersCreating(key.StreamName, key.AccountId, ConsumerRegistry.MaxCreating);
            }

            return consumers.Add(created);
        }, cancellationToken).ConfigureAwait(false);

        return new RegisterStreamConsumerOutput { Consumer = ConsumerView.ToConsumer(stream.Key, created) };
    }
}
