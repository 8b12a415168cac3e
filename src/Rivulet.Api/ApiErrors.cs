using System.Globalization;
using Rivulet.Protocol.Validation;

namespace Rivulet.Api;

/// <summary>
/// Every AWS error Rivulet sends, with AWS's exact type, wording and status (wire reference §2,
/// §3.5). Operations call these factories and throw the result; nothing else formats an error.
/// </summary>
internal static class ApiErrors
{
    public const string ResourceNotFound = "ResourceNotFoundException";
    public const string ResourceInUse = "ResourceInUseException";
    public const string InvalidArgument = "InvalidArgumentException";
    public const string LimitExceeded = "LimitExceededException";
    public const string ExpiredIterator = "ExpiredIteratorException";
    public const string ExpiredNextToken = "ExpiredNextTokenException";
    public const string ProvisionedThroughputExceeded = "ProvisionedThroughputExceededException";
    public const string Validation = "ValidationException";
    public const string DryRunOperation = "DryRunOperationException";
    public const string InternalFailure = "InternalFailure";
    public const string InternalServiceFailureMessage = "Internal Service Failure";

    public static KinesisException StreamNotFound(string streamName, string accountId) =>
        new(ResourceNotFound, $"Stream {streamName} under account {accountId} not found.");

    public static KinesisException StreamAlreadyExists(string streamName, string accountId) =>
        new(ResourceInUse, $"Stream {streamName} under account {accountId} already exists.");

    public static KinesisException StreamNotActive(string streamName, string accountId, string status) =>
        new(ResourceInUse, $"Stream {streamName} under account {accountId} not ACTIVE, instead in state {status}");

    public static KinesisException ShardDoesNotExist(string shardId, string streamName, string accountId) =>
        new(ResourceNotFound, $"Shard {shardId} in stream {streamName} under account {accountId} does not exist");

    public static KinesisException CouldNotFindShard(string rawShardId, string streamName, string accountId) =>
        new(ResourceNotFound, $"Could not find shard {rawShardId} in stream {streamName} under account {accountId}.");

    /// <summary>The answer to a request that passed every check with DryRun set; the text is the model's description of the error.</summary>
    public static KinesisException DryRunSucceeded() =>
        new(DryRunOperation, "The request was rejected because the DryRun parameter was specified.");

    public static KinesisException ValidationFailed(ValidationErrors errors) =>
        new(Validation, errors.ToMessage());

    public static KinesisException StreamNameOrArnRequired() =>
        new(InvalidArgument, "Either StreamName or StreamARN must be provided.");

    public static KinesisException StreamNameArnMismatch(string streamName, string streamArn) =>
        new(InvalidArgument, $"StreamName {streamName} and StreamARN {streamArn} do not refer to the same stream.");

    public static KinesisException StreamArnWrongRegion(string streamArn, string region) =>
        new(InvalidArgument, $"StreamARN {streamArn} is not in region {region}.");

    public static KinesisException InvalidExplicitHashKey(string value) =>
        new(InvalidArgument, $"Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was {value}");

    public static KinesisException InvalidSequenceNumberForOrdering(string value, string streamName, string accountId) =>
        new(InvalidArgument, $"ExclusiveMinimumSequenceNumber {value} used in PutRecord on stream {streamName} under account {accountId} is invalid.");

    public static KinesisException RecordsTooLarge(long limitBytes) =>
        new(InvalidArgument, $"Records size exceeds {limitBytes / (1024 * 1024)} MB limit");

    public static KinesisException IteratorTypeNeedsSequenceNumber(string type) =>
        new(InvalidArgument, $"Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. Request specified {type} and no StartingSequenceNumber.");

    public static KinesisException IteratorTypeForbidsSequenceNumber(string type) =>
        new(InvalidArgument, $"Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. Request specified {type} and also a StartingSequenceNumber.");

    public static KinesisException TimestampRequired() =>
        new(InvalidArgument, "Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP. Current request has no timestamp parameter.");

    public static KinesisException TimestampInFuture(long timestampMs, long nowMs) =>
        new(InvalidArgument, $"The timestampInMillis parameter cannot be greater than the currentTimestampInMillis. timestampInMillis: {timestampMs}, currentTimestampInMillis: {nowMs}");

    public static KinesisException SequenceNumberForOtherShard(string encodedShardId, string shardId) =>
        new(InvalidArgument, $"Invalid StartingSequenceNumber. It encodes {encodedShardId}, while it was used in a call to a shard with {shardId}");

    public static KinesisException InvalidStartingSequenceNumber(string value, string shardId, string streamName, string accountId) =>
        new(InvalidArgument, $"StartingSequenceNumber {value} used in GetShardIterator on shard {shardId} in stream {streamName} under account {accountId} is invalid.");

    public static KinesisException StartingSequenceNumberFromOtherStream(string value, string shardId, string streamName, string accountId) =>
        new(InvalidArgument, $"StartingSequenceNumber {value} used in GetShardIterator on shard {shardId} in stream {streamName} under account {accountId} is invalid because it did not come from this stream.");

    public static KinesisException InvalidShardIterator() =>
        new(InvalidArgument, "Invalid ShardIterator.");

    public static KinesisException IteratorExpired(DateTimeOffset createdAt, DateTimeOffset now) =>
        new(ExpiredIterator, $"Iterator expired. The iterator was created at time {JavaDate(createdAt)} while right now it is {JavaDate(now)} which is further in the future than the tolerated delay of 300000 milliseconds.");

    public static KinesisException ShardLimitExceeded(string accountId, string region, int current, int limit, int additional) =>
        new(LimitExceeded, $"This request would exceed the shard limit for the account {accountId} in {region}. Current shard count for the account: {current}. Limit: {limit}. Number of additional shards that would have resulted from this request: {additional}. Refer to the AWS Service Limits page (http://docs.aws.amazon.com/general/latest/gr/aws_service_limits.html) for current limits and how to request higher limits.");

    public static KinesisException ListShardsNeedsNextTokenOrStream() =>
        new(InvalidArgument, "Either NextToken or StreamName should be provided.");

    public static KinesisException ListShardsNextTokenWithStream() =>
        new(InvalidArgument, "NextToken and StreamName cannot be provided together.");

    public static KinesisException ListShardsNextTokenWithParameter(string parameter) =>
        new(InvalidArgument, $"NextToken and {parameter} cannot be provided together.");

    public static KinesisException InvalidNextToken() =>
        new(InvalidArgument, "Invalid NextToken.");

    public static KinesisException NextTokenExpired() =>
        new(ExpiredNextToken, "The requested token has expired.");

    public static KinesisException ShardFilterNeedsShardId(string type) =>
        new(InvalidArgument, $"ShardId must be specified with the {type} filter type.");

    public static KinesisException ShardFilterNeedsTimestamp(string type) =>
        new(InvalidArgument, $"Timestamp must be specified with the {type} filter type.");

    public static KinesisException ShardCountRequired() =>
        new(Validation, "1 validation error detected: Value at 'shardCount' failed to satisfy constraint: Member must not be null.");

    public static KinesisException ShardCountWithOnDemand() =>
        new(Validation, "ShardCount must not be specified for streams in ON_DEMAND mode.");

    public static KinesisException ThroughputExceeded(string shardId, string streamName, string accountId) =>
        new(ProvisionedThroughputExceeded, ThroughputExceededMessage(shardId, streamName, accountId));

    public static string ThroughputExceededMessage(string shardId, string streamName, string accountId) =>
        $"Rate exceeded for shard {shardId} in stream {streamName} under account {accountId}.";

    public static KinesisException RetentionTooShort(int hours) =>
        new(InvalidArgument, $"Minimum allowed retention period is 24 hours. Requested retention period ({hours} hours) is too short.");

    public static KinesisException RetentionTooLong(int hours) =>
        new(InvalidArgument, $"Maximum allowed retention period is 8760 hours. Requested retention period ({hours} hours) is too long.");

    public static KinesisException RetentionNotLonger(int hours, string streamName, int current) =>
        new(InvalidArgument, $"Requested retention period ({hours} hours) for stream {streamName} can not be shorter than existing retention period ({current} hours). Use DecreaseRetentionPeriod API.");

    public static KinesisException RetentionNotShorter(int hours, string streamName, int current) =>
        new(InvalidArgument, $"Requested retention period ({hours} hours) for stream {streamName} can not be longer than existing retention period ({current} hours). Use IncreaseRetentionPeriod API.");

    public static KinesisException StorageFailure() =>
        new("InternalFailureException", InternalServiceFailureMessage, 500);

    // Java's Date.toString() as AWS prints it: "Thu Jan 22 01:22:02 UTC 2015".
    private static string JavaDate(DateTimeOffset time) =>
        time.UtcDateTime.ToString("ddd MMM dd HH:mm:ss 'UTC' yyyy", CultureInfo.InvariantCulture);

    // Channels. AWS has published none of these texts; they follow the wording of the stream errors.
    public static KinesisException ChannelNotFound(string channelName, string accountId) =>
        new(ResourceNotFound, $"Channel {channelName} under account {accountId} not found.");

    public static KinesisException ChannelAlreadyExists(string channelName, string accountId) =>
        new(ResourceInUse, $"Channel {channelName} under account {accountId} already exists.");

    public static KinesisException ChannelNotActive(string channelName, string accountId, string status) =>
        new(ResourceInUse, $"Channel {channelName} under account {accountId} not ACTIVE, instead in state {status}");

    public static KinesisException InvalidChannelArn(string channelArn) =>
        new(InvalidArgument, $"ChannelARN {channelArn} does not name a channel.");

    public static KinesisException ChannelNeedsOneDestination() =>
        new(InvalidArgument, "Exactly one of S3DestinationConfiguration or S3TablesDestinationConfiguration must be specified.");

    public static KinesisException ChannelStreamCount(int count) =>
        new(InvalidArgument, $"A channel reads exactly one stream; StreamConfigurationList has {count} entries.");

    public static KinesisException ChannelTableCount(int count) =>
        new(InvalidArgument, $"A channel writes exactly one table; S3TablesConfigurationList has {count} entries.");

    public static KinesisException RecordFormatNotSupported(string format, string destinationType) =>
        new(InvalidArgument, $"RecordFormatType {format} is not supported for channels with destination type {destinationType}.");

    public static KinesisException GsrSchemaRequired() =>
        new(InvalidArgument, "GSRSchemaARN must be specified when RecordFormatType is JSON and the destination is S3 Tables.");

    public static KinesisException DataFreshnessOutOfRange(int seconds) =>
        new(InvalidArgument, $"DataFreshnessInSeconds must be between 300 and 900. Requested value: {seconds}.");

    public static KinesisException ChannelServiceKey() =>
        new(InvalidArgument, "The Kinesis Data Streams service key (alias/aws/kinesis) cannot encrypt channel data. Specify a customer managed KMS key.");

    public static KinesisException ChannelTooManyTags(string channelName, string accountId) =>
        new(InvalidArgument, $"Failed to create channel {channelName} under account {accountId} because a given channel cannot have more than 50 tags associated with it.");

    public static KinesisException ReservedTagKey(string key) =>
        new(InvalidArgument, $"Tag key {key} uses the prefix aws:, which is reserved for AWS use.");

    public static KinesisException ChannelNeedsOnDemandStream(string streamName, string accountId) =>
        new(InvalidArgument, $"Stream {streamName} under account {accountId} is not in ON_DEMAND mode. Channels are supported only for streams in the on-demand capacity mode.");

    public static KinesisException ChannelLimitExceeded(string accountId, string region, int current, int limit) =>
        new(LimitExceeded, $"This request would exceed the channel limit for the account {accountId} in {region}. Current channel count for the account: {current}. Limit: {limit}.");

    public static KinesisException StreamChannelLimitExceeded(string streamName, string accountId, string destinationType) =>
        new(LimitExceeded, $"Stream {streamName} under account {accountId} already has a channel with destination type {destinationType}.");

    public static KinesisException UpdateChannelNothingToUpdate() =>
        new(InvalidArgument, "At least one of S3DestinationConfiguration, S3TablesDestinationConfiguration or LoggingConfiguration must be specified.");

    public static KinesisException UpdateChannelBothDestinations() =>
        new(InvalidArgument, "S3DestinationConfiguration and S3TablesDestinationConfiguration cannot be specified together.");

    public static KinesisException UpdateChannelWrongDestination(string channelName, string member, string destinationType) =>
        new(InvalidArgument, $"Channel {channelName} has destination type {destinationType}; {member} cannot be specified.");

    public static KinesisException StreamHasChannels(string streamName, string accountId) =>
        new(ResourceInUse, $"Stream {streamName} under account {accountId} has channels. Delete its channels before deleting the stream.");
}
