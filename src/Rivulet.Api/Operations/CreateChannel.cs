using System.Collections.Immutable;
using System.Security.Cryptography;
using Rivulet.Api.Channels;
using Rivulet.Api.Streams;
using Rivulet.Protocol.Model;
using Rivulet.Storage;

namespace Rivulet.Api.Operations;

internal sealed class CreateChannel : IOperation<CreateChannelInput, CreateChannelOutput>
{
    private const string IdAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    private const int IdLength = 20;

    private readonly StreamResolver _streams;
    private readonly ChannelRegistry _channels;
    private readonly KinesisOptions _options;

    public CreateChannel(StreamResolver streams, ChannelRegistry channels, KinesisOptions options)
    {
        _streams = streams;
        _channels = channels;
        _options = options;
    }

    public async ValueTask<CreateChannelOutput> ExecuteAsync(RequestContext context, CreateChannelInput input, CancellationToken cancellationToken)
    {
        ChannelRules.CheckCreate(input, context.AccountId);

        var sources = new List<ChannelStreamDescription>(input.StreamConfigurationList!.Count);
        foreach (var source in input.StreamConfigurationList)
        {
            var stream = await SourceAsync(context, source.StreamARN!, cancellationToken).ConfigureAwait(false);
            sources.Add(new ChannelStreamDescription
            {
                StreamARN = StreamArn.Format(stream.Key),
                StreamCreationTimestamp = DateTimeOffset.FromUnixTimeMilliseconds(stream.CreatedAtMs),
                RecordConfiguration = source.RecordConfiguration,
            });
        }

        var name = input.ChannelName!;
        var id = RandomNumberGenerator.GetString(IdAlphabet, IdLength);
        var configuration = new ChannelDescription
        {
            ServiceExecutionRoleARN = input.ServiceExecutionRoleARN,
            StreamConfigurationList = sources,
            S3DestinationConfiguration = S3Destination(input.S3DestinationConfiguration),
            S3TablesDestinationConfiguration = S3TablesDestination(input.S3TablesDestinationConfiguration),
            EncryptionConfiguration = input.EncryptionConfiguration,
            LoggingConfiguration = Logging(input.LoggingConfiguration?.CloudWatchLogs, name, id),
        };
        var destination = ChannelConfiguration.DestinationType(configuration);
        var created = ChannelLifecycle.Changing(
            new ChannelMetadata
            {
                ChannelName = name,
                ChannelId = id,
                CreatedAtMs = context.NowMs,
                Status = ChannelStatus.Creating,
                ConfigurationJson = ChannelConfiguration.Write(configuration),
                Tags = input.Tags is null
                    ? ImmutableSortedDictionary<string, string>.Empty.WithComparers(StringComparer.Ordinal)
                    : input.Tags.ToImmutableSortedDictionary(StringComparer.Ordinal),
            },
            ChannelStatus.Creating,
            _options.UpdateStreamDelay,
            context.NowMs);

        await _channels.ChangeAsync(context, channels => ValueTask.FromResult((Add(context, channels, created, destination, sources), true)), cancellationToken).ConfigureAwait(false);

        return new CreateChannelOutput { ChannelDescription = ChannelView.Describe(context, created, configuration, created.Status, null) };
    }

    // A channel reads an ON_DEMAND stream of the caller's own account and region, as it is now.
    private async ValueTask<StreamMetadata> SourceAsync(RequestContext context, string streamArn, CancellationToken cancellationToken)
    {
        var key = StreamResolver.Identify(context, null, streamArn);
        if (key.Account != context.Account)
        {
            throw ApiErrors.StreamNotFound(key.StreamName, key.AccountId);
        }

        var stream = await _streams.GetAsync(context, null, streamArn, cancellationToken).ConfigureAwait(false);
        if (stream.Status is StreamStatus.Creating or StreamStatus.Deleting)
        {
            throw ApiErrors.StreamNotActive(stream.Key.StreamName, stream.Key.AccountId, stream.Status);
        }

        return stream.StreamMode == "ON_DEMAND" ? stream : throw ApiErrors.ChannelNeedsOnDemandStream(stream.Key.StreamName, stream.Key.AccountId);
    }

    private ImmutableArray<ChannelMetadata> Add(RequestContext context, ImmutableArray<ChannelMetadata> channels, ChannelMetadata created, string destination, List<ChannelStreamDescription> sources)
    {
        var index = ChannelRegistry.IndexOf(channels, created.ChannelName);
        if (index >= 0)
        {
            throw ApiErrors.ChannelAlreadyExists(created.ChannelName, context.AccountId);
        }

        if (channels.Length >= _options.ChannelCountLimit)
        {
            throw ApiErrors.ChannelLimitExceeded(context.AccountId, context.Region, channels.Length, _options.ChannelCountLimit);
        }

        // "Deliveries per stream: 2. One delivery to streaming tables on Apache Iceberg and one delivery to a
        // general purpose Amazon S3 bucket." (developer guide, delivery quotas)
        foreach (var channel in channels)
        {
            var existing = ChannelConfiguration.Read(channel);
            if (ChannelConfiguration.DestinationType(existing) != destination)
            {
                continue;
            }

            foreach (var source in sources)
            {
                if (StreamArn.TryParse(source.StreamARN!, out var region, out var accountId, out var streamName)
                    && ChannelConfiguration.Reads(existing, new StreamKey(accountId, region, streamName), source.StreamCreationTimestamp!.Value.ToUnixTimeMilliseconds()))
                {
                    throw ApiErrors.StreamChannelLimitExceeded(streamName, accountId, destination);
                }
            }
        }

        return channels.Insert(~index, created);
    }

    private static S3DestinationDescription? S3Destination(S3DestinationConfiguration? given)
    {
        if (given is null)
        {
            return null;
        }

        var storage = given.StorageConfiguration!;
        return new S3DestinationDescription
        {
            DataFreshnessInSeconds = given.DataFreshnessInSeconds ?? ChannelRules.DefaultDataFreshnessInSeconds,

            // "If not specified, it defaults to the destination bucket with an error prefix."
            DeadLetterQueueS3Configuration = given.DeadLetterQueueS3Configuration ?? new DeadLetterQueueS3Configuration
            {
                BucketARN = storage.BucketARN,
                ExpectedBucketOwner = storage.ExpectedBucketOwner,
            },
            StorageConfiguration = new S3StorageConfiguration
            {
                BucketARN = storage.BucketARN,
                ExpectedBucketOwner = storage.ExpectedBucketOwner,
                OutputKeyTemplate = storage.OutputKeyTemplate,

                // "STANDARD - The default storage class."
                StorageClass = storage.StorageClass ?? "STANDARD",
                CompressionType = storage.CompressionType,
            },
        };
    }

    private static S3TablesDestinationDescription? S3TablesDestination(S3TablesDestinationConfiguration? given) => given is null
        ? null
        : new S3TablesDestinationDescription
        {
            DataFreshnessInSeconds = given.DataFreshnessInSeconds ?? ChannelRules.DefaultDataFreshnessInSeconds,
            DeadLetterQueueS3Configuration = given.DeadLetterQueueS3Configuration,
            S3TablesConfigurationList = given.S3TablesConfigurationList,
        };

    // LoggingConfiguration is required in a description; the log group and stream have documented defaults.
    private static ChannelLoggingConfiguration Logging(CloudWatchLogs? given, string channelName, string channelId) => new()
    {
        CloudWatchLogs = new CloudWatchLogs
        {
            Enabled = given?.Enabled ?? false,
            LogGroupName = given?.LogGroupName ?? ChannelRules.DefaultLogGroupName(channelName, channelId),
            LogStreamName = given?.LogStreamName ?? ChannelRules.DefaultLogStreamName,
        },
    };
}
