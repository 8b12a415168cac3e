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

    // Resharding: SplitShard, MergeShards, UpdateShardCount (wire reference §3.5 "Reshard / updates").
    public static KinesisException ShardAlreadyClosed(string shardId, string streamName, string accountId) =>
        new(ResourceInUse, $"Shard {shardId} in stream {streamName} under account {accountId} has already been merged or split, and thus is not eligible for merging");

    public static KinesisException SplitHashKeyOutOfRange(string key, string shardId, string streamName, string accountId, UInt128 start, UInt128 end) =>
        new(InvalidArgument, string.Create(CultureInfo.InvariantCulture, $"NewStartingHashKey {key} used in SplitShard() on shard {shardId} in stream {streamName} under account {accountId} is not both greater than one plus the shard's StartingHashKey {start} and less than the shard's EndingHashKey {end}."));

    public static KinesisException NotAdjacentShards(string shardId, string adjacentShardId, string streamName, string accountId) =>
        new(InvalidArgument, $"Shards {shardId} and {adjacentShardId} in stream {streamName} under account {accountId} are not an adjacent pair of shards eligible for merging");

    public static KinesisException ReshardOnDemand(string operation, string streamName, string accountId) =>
        new(Validation, $"{operation} is not supported for stream {streamName} under account {accountId} because it is in ON_DEMAND mode.");

    public static KinesisException ScaleAboveDouble(int current, int target) =>
        new(LimitExceeded, string.Create(CultureInfo.InvariantCulture, $"UpdateShardCount cannot scale up over double your current open shard count. Current open shard count: {current} Target shard count: {target}"));

    public static KinesisException ScaleBelowHalf(int current, int target) =>
        new(LimitExceeded, string.Create(CultureInfo.InvariantCulture, $"UpdateShardCount cannot scale down below half your current open shard count. Current open shard count: {current} Target shard count: {target}"));

    public static KinesisException ScaleAboveStreamMaximum(int maximum, int current, int target) =>
        new(LimitExceeded, string.Create(CultureInfo.InvariantCulture, $"UpdateShardCount cannot scale a stream above {maximum} shards. Current open shard count: {current} Target shard count: {target}"));

    public static KinesisException TooManyShardCountUpdates(int allowed, string streamName, string accountId) =>
        new(LimitExceeded, string.Create(CultureInfo.InvariantCulture, $"Exceeded the limit of {allowed} UpdateShardCount calls in a rolling 24-hour period for stream {streamName} under account {accountId}."));

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

    /// <summary>A control-plane call over its rate per account.</summary>
    public static KinesisException AccountRateExceeded(string accountId) =>
        new(LimitExceeded, $"Rate exceeded for account {accountId}.");

    /// <summary>A control-plane call over its rate per stream.</summary>
    public static KinesisException StreamRateExceeded(string streamName, string accountId) =>
        new(LimitExceeded, $"Rate exceeded for stream {streamName} under account {accountId}.");

    /// <summary>A second SubscribeToShard of the same consumer and shard within a second.</summary>
    public static KinesisException SubscribeRateExceeded(string consumerArn, string shardId) =>
        new(LimitExceeded, $"Rate exceeded for consumer {consumerArn} and shard {shardId}.");

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

    public static KinesisException InternalServiceFailure() =>
        new("InternalFailureException", InternalServiceFailureMessage, 500);

    // Encryption, monitoring, modes, limits and account settings. AWS's texts for these are not
    // published; each is a sentence in AWS's style (see the wire reference §3.5: "unverified").

    public static KinesisException EncryptionTypeMustBeKms(string operation) =>
        new(InvalidArgument, $"EncryptionType NONE is not valid for {operation}. The only valid EncryptionType is KMS.");

    public static KinesisException InvalidKeyId(string keyId) =>
        new(InvalidArgument, $"KeyId {keyId} is not a valid KMS key. Specify a key ID, a key ARN, an alias name prefixed by \"alias/\" or an alias ARN.");

    public static KinesisException EncryptionChangeLimitExceeded(string operation, string streamName, string accountId, int limit) =>
        new(LimitExceeded, $"{operation} has been called successfully {limit} times for stream {streamName} under account {accountId} in the last 24 hours, the most allowed in a rolling 24-hour period.");

    public static KinesisException StreamModeUnchanged(string streamName, string accountId, string mode) =>
        new(InvalidArgument, $"Stream {streamName} under account {accountId} is already in {mode} mode.");

    public static KinesisException StreamModeChangeLimitExceeded(string streamName, string accountId, int limit) =>
        new(LimitExceeded, $"The capacity mode of stream {streamName} under account {accountId} has been switched {limit} times in the last 24 hours, the most allowed in a rolling 24-hour period.");

    public static KinesisException OnDemandStreamLimitExceeded(string accountId, string region, int current, int limit) =>
        new(LimitExceeded, $"This request would exceed the on-demand stream limit for the account {accountId} in {region}. Current on-demand stream count for the account: {current}. Limit: {limit}. Refer to the AWS Service Limits page (http://docs.aws.amazon.com/general/latest/gr/aws_service_limits.html) for current limits and how to request higher limits.");

    public static KinesisException StreamArnRequired() =>
        new(InvalidArgument, "StreamARN must be provided.");

    public static KinesisException WarmThroughputNeedsOnDemand(string streamName, string accountId) =>
        new(InvalidArgument, $"Warm throughput is only supported for streams in ON_DEMAND mode. Stream {streamName} under account {accountId} is in PROVISIONED mode.");

    public static KinesisException WarmThroughputNeedsOnDemandMode() =>
        new(InvalidArgument, "WarmThroughputMiBps can only be specified for streams in ON_DEMAND mode.");

    public static KinesisException WarmThroughputNeedsCommitment(string accountId) =>
        new(InvalidArgument, $"Warm throughput requires MinimumThroughputBillingCommitment to be ENABLED for account {accountId}. Enable it with UpdateAccountSettings.");

    public static KinesisException WarmThroughputTooHigh(int requested, int limit) =>
        new(LimitExceeded, $"Requested warm throughput ({requested} MiBps) exceeds the maximum warm throughput of {limit} MiBps for an on-demand stream.");

    public static KinesisException RecordDistributionNeedsOnDemand(string streamName, string accountId) =>
        new(InvalidArgument, $"RecordDistributionStrategy is only supported for streams in ON_DEMAND mode. Stream {streamName} under account {accountId} is in PROVISIONED mode.");

    public static KinesisException AutoDistributionNeedsOnDemand() =>
        new(InvalidArgument, "RecordDistributionStrategy AUTO is only supported for streams in ON_DEMAND mode.");

    // Java's Date.toString() as AWS prints it: "Thu Jan 22 01:22:02 UTC 2015".
    private static string JavaDate(DateTimeOffset time) =>
        time.UtcDateTime.ToString("ddd MMM dd HH:mm:ss 'UTC' yyyy", CultureInfo.InvariantCulture);

    // Tags and resource policies.
    // Verbatim AWS texts (kinesalite's tests against AWS): TagsHaveInvalidCharacters, TagsHaveIllegalCharacters,
    // TooManyTags (observed when the limit was 10; the number now follows the limit) and ConsumerNotActive
    // (reported from PutResourcePolicy). The others are unverified and written in AWS's manner.
    public const string AccessDenied = "AccessDeniedException";

    public static KinesisException TagsHaveInvalidCharacters() =>
        new(InvalidArgument, "Some tags contain invalid characters. Valid characters: Unicode letters, digits, white space, _ . / = + - % @.");

    /// <param name="failure">What the call was doing: "add tags to stream s under account a".</param>
    public static KinesisException TagsHaveIllegalCharacters(string failure) =>
        new(InvalidArgument, $"Failed to {failure} because some tags contained illegal characters. The allowed characters are Unicode letters, white-spaces, '_',',','/','=','+','-','@'.");

    public static KinesisException TagKeyReserved(string failure) =>
        new(InvalidArgument, $"Failed to {failure} because some tag keys start with 'aws:', a prefix reserved for use by AWS.");

    public static KinesisException TooManyTags(string failure, string kind) =>
        new(InvalidArgument, $"Failed to {failure} because a given {kind} cannot have more than 50 tags associated with it.");

    public static KinesisException NotAuthorized(string accountId, string action, string resourceArn) =>
        new(AccessDenied, $"User: arn:aws:iam::{accountId}:root is not authorized to perform: kinesis:{action} on resource: {resourceArn} because no resource-based policy allows the kinesis:{action} action");

    public static KinesisException InvalidResourceArn(string resourceArn) =>
        new(InvalidArgument, $"ResourceARN {resourceArn} is not the ARN of a stream, a consumer or a channel.");

    public static KinesisException ConsumerNotFound(string consumerName, long createdAtSeconds, string streamName, string accountId) =>
        new(ResourceNotFound, $"Consumer {consumerName} with creation timestamp {createdAtSeconds} under stream {streamName} and account {accountId} not found.");

    public static KinesisException ConsumerNotActive(string consumerName, long createdAtSeconds, string streamName, string accountId) =>
        new(ResourceInUse, $"Consumer {consumerName} with creation timestamp {createdAtSeconds} under stream {streamName} and account {accountId} is not in ACTIVE status.");

    // Consumers and SubscribeToShard. "Another active subscription exists for this consumer" is AWS's
    // (reported by client projects); the ARN after it, and the other texts here, are unverified and
    // written in AWS's manner.
    public static KinesisException ConsumerNameNotFound(string consumerName, string streamName, string accountId) =>
        new(ResourceNotFound, $"Consumer {consumerName} under stream {streamName} and account {accountId} not found.");

    public static KinesisException ConsumerAlreadyExists(string consumerName, string streamName, string accountId) =>
        new(ResourceInUse, $"Consumer {consumerName} under stream {streamName} and account {accountId} already exists.");

    public static KinesisException ConsumerLimitExceeded(string streamName, string accountId, int limit) =>
        new(LimitExceeded, $"Stream {streamName} under account {accountId} already has the maximum of {limit} registered consumers.");

    public static KinesisException TooManyConsumersCreating(string streamName, string accountId, int limit) =>
        new(LimitExceeded, $"Stream {streamName} under account {accountId} already has {limit} consumers in CREATING status; wait for one to become ACTIVE.");

    public static KinesisException ConsumerNotNamed() =>
        new(InvalidArgument, "Either ConsumerARN, or StreamARN and ConsumerName, must be provided.");

    public static KinesisException ConsumerArnInvalid(string consumerArn) =>
        new(InvalidArgument, $"ConsumerARN {consumerArn} is not a valid consumer ARN.");

    public static KinesisException ConsumerArnConflict(string consumerArn, string parameter, string value) =>
        new(InvalidArgument, $"ConsumerARN {consumerArn} does not agree with the {parameter} {value}.");

    public static KinesisException StreamCreationTimestampMismatch(string streamName, string accountId) =>
        new(ResourceNotFound, $"Stream {streamName} under account {accountId} with the given StreamCreationTimestamp not found.");

    public static KinesisException SubscriptionExists(string consumerArn) =>
        new(ResourceInUse, $"Another active subscription exists for this consumer: {consumerArn}");

    public static KinesisException SubscriptionTakenOver(string consumerArn, string shardId) =>
        new(ResourceInUse, $"Another subscription of consumer {consumerArn} to shard {shardId} took over this one.");

    public static KinesisException ChannelNotFound(string channelName, string accountId) =>
        new(ResourceNotFound, $"Channel {channelName} under account {accountId} not found.");

    public static KinesisException ChannelNotActive(string channelName, string accountId, string status) =>
        new(ResourceInUse, $"Channel {channelName} under account {accountId} not ACTIVE, instead in state {status}");

    public static KinesisException ResourcePolicyNotFound(string resourceArn) =>
        new(ResourceNotFound, $"No resource policy is attached to {resourceArn}.");

    public static KinesisException InvalidResourcePolicy(string reason) =>
        new(InvalidArgument, $"Invalid resource policy: {reason}.");

    public static KinesisException ResourcePolicyTooLarge(int bytes, int limitBytes) =>
        new(InvalidArgument, $"Invalid resource policy: the policy is {bytes} bytes long, more than the maximum of {limitBytes} bytes.");

    // Channels. AWS has published none of these texts; they follow the wording of the stream errors.
    public static KinesisException ChannelAlreadyExists(string channelName, string accountId) =>
        new(ResourceInUse, $"Channel {channelName} under account {accountId} already exists.");

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

    // Stream lifecycle limits; AWS's texts are unpublished, these follow its wording.
    public static KinesisException TooManyStreamsCreating(string accountId, string region, int limit) =>
        new(LimitExceeded, string.Create(CultureInfo.InvariantCulture, $"The account {accountId} in {region} already has {limit} streams in CREATING state, the most allowed at once. Wait for one of them to become ACTIVE."));

    public static KinesisException StreamHasConsumers(string streamName, string accountId) =>
        new(ResourceInUse, $"Stream {streamName} under account {accountId} has registered consumers. Deregister them first, or set EnforceConsumerDeletion to true.");
}
