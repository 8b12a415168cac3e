using System.Collections.Immutable;
using Rivulet.Api.Accounts;
using Rivulet.Api.Resources;
using Rivulet.Api.Streams;
using Rivulet.Api.Validation;
using Rivulet.Protocol.Model;
using Rivulet.Storage;

namespace Rivulet.Api.Operations;

internal sealed class CreateStream : IOperation<CreateStreamInput>
{
    // AWS gives a new on-demand stream 4 MB/s of write capacity, i.e. four shards' worth.
    private const int OnDemandInitialShards = 4;
    private const int DefaultMaxRecordSizeInKiB = 1024;

    // AWS: "You can have up to five streams in the CREATING state at any point in time" (CreateStream documentation).
    private const int MaxCreatingStreams = 5;

    private readonly IStreamStore _store;
    private readonly KinesisOptions _options;

    public CreateStream(IStreamStore store, KinesisOptions options)
    {
        _store = store;
        _options = options;
    }

    public async ValueTask ExecuteAsync(RequestContext context, CreateStreamInput input, CancellationToken cancellationToken)
    {
        var mode = input.StreamModeDetails?.StreamMode ?? "PROVISIONED";
        int shardCount;
        if (mode == "ON_DEMAND")
        {
            shardCount = input.ShardCount ?? OnDemandInitialShards;
        }
        else
        {
            shardCount = input.ShardCount ?? throw ApiErrors.ShardCountRequired();
        }

        var distribution = input.RecordDistributionStrategy ?? RecordDistribution.UserPartitionKey;
        if (distribution == RecordDistribution.Auto && mode != StreamModes.OnDemand)
        {
            throw ApiErrors.AutoDistributionNeedsOnDemand();
        }

        if (input.WarmThroughputMiBps is { } warm)
        {
            if (mode != StreamModes.OnDemand)
            {
                throw ApiErrors.WarmThroughputNeedsOnDemandMode();
            }

            await WarmThroughputRules.CheckAsync(_store, context, context.Account, warm, cancellationToken).ConfigureAwait(false);
        }

        var key = new StreamKey(context.AccountId, context.Region, input.StreamName!);
        if (input.Tags is { } tags)
        {
            // The model lets 200 tags through; a stream may carry 50, from its creation on.
            var failure = "create " + ResourceArn.DescribeStream(key.StreamName, key.AccountId);
            TagRules.CheckTags(tags, failure);
            TagRules.CheckCount(tags.Count, failure, "stream");
        }

        var existing = await AccountStreams.ListAsync(_store, context.Account, context.NowMs, cancellationToken).ConfigureAwait(false);
        var creating = existing.Count(stream => stream.Status == StreamStatus.Creating && stream.StatusSettlesAtMs > context.NowMs);
        if (creating >= MaxCreatingStreams)
        {
            throw ApiErrors.TooManyStreamsCreating(context.AccountId, context.Region, MaxCreatingStreams);
        }

        if (mode == StreamModes.OnDemand)
        {
            var onDemand = AccountStreams.OnDemand(existing, except: key);
            if (onDemand >= _options.OnDemandStreamLimit)
            {
                throw ApiErrors.OnDemandStreamLimitExceeded(context.AccountId, context.Region, onDemand, _options.OnDemandStreamLimit);
            }
        }

        var openShards = AccountStreams.OpenShards(existing);
        if ((long)openShards + shardCount > _options.ShardLimitIn(context.Region))
        {
            throw ApiErrors.ShardLimitExceeded(context.AccountId, context.Region, openShards, _options.ShardLimitIn(context.Region), shardCount);
        }

        var now = context.NowMs;
        var ranges = HashKeyRanges.Split(shardCount);
        var shards = ImmutableArray.CreateBuilder<ShardMetadata>(shardCount);
        for (var i = 0; i < shardCount; i++)
        {
            shards.Add(new ShardMetadata(i, ranges[i].Start, ranges[i].End, now));
        }

        var delay = (long)_options.CreateStreamDelay.TotalMilliseconds;
        var stream = new StreamMetadata
        {
            Key = key,
            CreatedAtMs = now,
            Status = delay > 0 ? StreamStatus.Creating : StreamStatus.Active,
            StatusSettlesAtMs = delay > 0 ? now + delay : null,
            StreamMode = mode,
            Shards = shards.MoveToImmutable(),
            RetentionPeriodHours = RetentionPeriod.MinimumHours,
            MaxRecordSizeInKiB = input.MaxRecordSizeInKiB ?? DefaultMaxRecordSizeInKiB,
            Tags = input.Tags is null
                ? ImmutableSortedDictionary<string, string>.Empty.WithComparers(StringComparer.Ordinal)
                : input.Tags.ToImmutableSortedDictionary(StringComparer.Ordinal),
            RecordDistributionStrategy = distribution,
            WarmThroughputTargetMiBps = input.WarmThroughputMiBps,
            WarmThroughputPreviousMiBps = input.WarmThroughputMiBps is null ? null : shardCount,
            WarmThroughputSettlesAtMs = input.WarmThroughputMiBps is null || delay <= 0 ? null : now + delay,
        };

        if (await _store.CreateStreamAsync(stream, cancellationToken).ConfigureAwait(false) == StreamStoreOutcome.AlreadyExists)
        {
            throw ApiErrors.StreamAlreadyExists(key.StreamName, key.AccountId);
        }
    }
}
