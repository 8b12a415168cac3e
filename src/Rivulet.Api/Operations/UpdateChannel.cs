using Rivulet.Api.Channels;
using Rivulet.Protocol.Model;

namespace Rivulet.Api.Operations;

/// <summary>Changes a channel's data freshness or CloudWatch Logs settings, the only two things AWS lets change.</summary>
internal sealed class UpdateChannel : IOperation<UpdateChannelInput, UpdateChannelOutput>
{
    private readonly ChannelRegistry _channels;
    private readonly KinesisOptions _options;

    public UpdateChannel(ChannelRegistry channels, KinesisOptions options)
    {
        _channels = channels;
        _options = options;
    }

    public async ValueTask<UpdateChannelOutput> ExecuteAsync(RequestContext context, UpdateChannelInput input, CancellationToken cancellationToken)
    {
        // From here on the context is the channel's region, which its ARN names.
        (context, var name) = ChannelRegistry.Identify(context, input.ChannelARN!);
        if (input.S3DestinationConfiguration is not null && input.S3TablesDestinationConfiguration is not null)
        {
            throw ApiErrors.UpdateChannelBothDestinations();
        }

        if (input.S3DestinationConfiguration is null && input.S3TablesDestinationConfiguration is null && input.LoggingConfiguration is null)
        {
            throw ApiErrors.UpdateChannelNothingToUpdate();
        }

        var freshness = input.S3DestinationConfiguration?.DataFreshnessInSeconds ?? input.S3TablesDestinationConfiguration?.DataFreshnessInSeconds;
        ChannelRules.CheckDataFreshness(freshness);

        var (updated, configuration) = await _channels.ChangeAsync(
            context,
            async channels =>
            {
                var index = ChannelRegistry.IndexOf(channels, name);
                var channel = index >= 0 ? channels[index] : throw ApiErrors.ChannelNotFound(name, context.AccountId);
                var configuration = ChannelConfiguration.Read(channel);
                var (status, _) = await _channels.StatusAsync(channel, configuration, context.NowMs, cancellationToken).ConfigureAwait(false);
                if (status != ChannelStatus.Active)
                {
                    throw ApiErrors.ChannelNotActive(name, context.AccountId, status);
                }

                Apply(input, configuration, name);
                var updated = ChannelLifecycle.Changing(
                    channel with { ConfigurationJson = ChannelConfiguration.Write(configuration) },
                    ChannelStatus.Updating,
                    _options.UpdateStreamDelay,
                    context.NowMs);
                return (channels.SetItem(index, updated), (updated, configuration));
            },
            cancellationToken).ConfigureAwait(false);

        return new UpdateChannelOutput { ChannelDescription = ChannelView.Describe(context, updated, configuration, updated.Status, null) };
    }

    private static void Apply(UpdateChannelInput input, ChannelDescription configuration, string name)
    {
        var destination = ChannelConfiguration.DestinationType(configuration);
        if (input.S3DestinationConfiguration is { } s3)
        {
            var description = configuration.S3DestinationConfiguration ?? throw ApiErrors.UpdateChannelWrongDestination(name, "S3DestinationConfiguration", destination);
            description.DataFreshnessInSeconds = s3.DataFreshnessInSeconds;
        }

        if (input.S3TablesDestinationConfiguration is { } tables)
        {
            var description = configuration.S3TablesDestinationConfiguration ?? throw ApiErrors.UpdateChannelWrongDestination(name, "S3TablesDestinationConfiguration", destination);
            description.DataFreshnessInSeconds = tables.DataFreshnessInSeconds;
        }

        if (input.LoggingConfiguration?.CloudWatchLogs is { } logs)
        {
            // Names not given stay what they were (the documented defaults unless set at creation).
            var current = configuration.LoggingConfiguration?.CloudWatchLogs;
            configuration.LoggingConfiguration = new ChannelLoggingConfiguration
            {
                CloudWatchLogs = new CloudWatchLogs
                {
                    Enabled = logs.Enabled,
                    LogGroupName = logs.LogGroupName ?? current?.LogGroupName,
                    LogStreamName = logs.LogStreamName ?? current?.LogStreamName,
                },
            };
        }
    }
}
