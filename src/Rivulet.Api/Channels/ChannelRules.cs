using Rivulet.Protocol.Model;

namespace Rivulet.Api.Channels;

/// <summary>
/// What AWS requires of a channel's configuration beyond the model's constraints (which have
/// already been checked): the API reference, the model's documentation and the developer guide's
/// delivery quotas page.
/// </summary>
internal static class ChannelRules
{
    // "You can configure data freshness between 300 and 900 seconds (5 to 15 minutes). The default value is 300 seconds."
    public const int DefaultDataFreshnessInSeconds = 300;
    public const int MinimumDataFreshnessInSeconds = 300;
    public const int MaximumDataFreshnessInSeconds = 900;

    // Stream tags allow 50 per resource; the model's TagMap allows 200, so the tighter limit is AWS's own check.
    public const int MaxTags = 50;

    public const string DefaultLogStreamName = "DestinationDelivery";

    private const string ReservedTagPrefix = "aws:";

    public static string DefaultLogGroupName(string channelName, string channelId) => $"/aws/kinesis/{channelName}/{channelId}";

    /// <exception cref="KinesisException">InvalidArgument naming the first rule the request breaks.</exception>
    public static void CheckCreate(CreateChannelInput input, string accountId)
    {
        if ((input.S3DestinationConfiguration is null) == (input.S3TablesDestinationConfiguration is null))
        {
            throw ApiErrors.ChannelNeedsOneDestination();
        }

        // "Currently, one stream is supported per channel"; "Currently, one table is supported per channel."
        if (input.StreamConfigurationList!.Count != 1)
        {
            throw ApiErrors.ChannelStreamCount(input.StreamConfigurationList.Count);
        }

        var tables = input.S3TablesDestinationConfiguration;
        if (tables is not null && tables.S3TablesConfigurationList!.Count != 1)
        {
            throw ApiErrors.ChannelTableCount(tables.S3TablesConfigurationList.Count);
        }

        var destination = tables is null ? ChannelConfiguration.S3 : ChannelConfiguration.S3Tables;
        foreach (var stream in input.StreamConfigurationList)
        {
            CheckRecordConfiguration(stream.RecordConfiguration!, destination);
        }

        CheckDataFreshness(input.S3DestinationConfiguration?.DataFreshnessInSeconds ?? tables?.DataFreshnessInSeconds);

        // "You cannot use the Amazon Kinesis Data Streams service key (aws/kinesis)."
        if (input.EncryptionConfiguration?.KeyId is "alias/aws/kinesis" or "aws/kinesis")
        {
            throw ApiErrors.ChannelServiceKey();
        }

        CheckTags(input.Tags, input.ChannelName!, accountId);
    }

    public static void CheckDataFreshness(int? seconds)
    {
        if (seconds is { } value && value is < MinimumDataFreshnessInSeconds or > MaximumDataFreshnessInSeconds)
        {
            throw ApiErrors.DataFreshnessOutOfRange(value);
        }
    }

    // RecordFormatType's documentation: GSR_JSON only for streaming tables, STRING and BYTE_ARRAY only for
    // general purpose buckets, JSON for both; GSRSchemaARN is required for a streaming table fed plain JSON
    // (GSR_JSON records carry their schema ID).
    private static void CheckRecordConfiguration(RecordConfiguration record, string destination)
    {
        var format = record.RecordFormatType!;
        var supported = destination == ChannelConfiguration.S3Tables
            ? format is "GSR_JSON" or "JSON"
            : format is "JSON" or "STRING" or "BYTE_ARRAY";
        if (!supported)
        {
            throw ApiErrors.RecordFormatNotSupported(format, destination);
        }

        if (destination == ChannelConfiguration.S3Tables && format == "JSON" && record.GSRSchemaARN is null)
        {
            throw ApiErrors.GsrSchemaRequired();
        }
    }

    private static void CheckTags(Dictionary<string, string>? tags, string channelName, string accountId)
    {
        if (tags is null)
        {
            return;
        }

        if (tags.Count > MaxTags)
        {
            throw ApiErrors.ChannelTooManyTags(channelName, accountId);
        }

        foreach (var key in tags.Keys)
        {
            if (key.StartsWith(ReservedTagPrefix, StringComparison.OrdinalIgnoreCase))
            {
                throw ApiErrors.ReservedTagKey(key);
            }
        }
    }
}
