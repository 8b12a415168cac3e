using Rivulet.Api.Records;
using Rivulet.Api.Streams;
using Rivulet.Api.Throughput;
using Rivulet.Api.Validation;
using Rivulet.Protocol.Model;
using Rivulet.Protocol.Validation;
using Rivulet.Storage;

namespace Rivulet.Api.Operations;

internal sealed class PutRecord : IOperation<PutRecordInput, PutRecordOutput>
{
    private readonly IStreamStore _store;
    private readonly StreamResolver _streams;
    private readonly IThroughputGate _throughput;
    private readonly AutoPlacement _auto = new();

    public PutRecord(IStreamStore store, StreamResolver streams, IThroughputGate throughput)
    {
        _store = store;
        _streams = streams;
        _throughput = throughput;
    }

    public async ValueTask<PutRecordOutput> ExecuteAsync(RequestContext context, PutRecordInput input, CancellationToken cancellationToken)
    {
        var stream = await _streams.GetWritableAsync(context, input.StreamName, input.StreamARN, cancellationToken).ConfigureAwait(false);
        var errors = new ValidationErrors();
        var auto = RecordDistribution.IsAuto(stream);
        if (!auto)
        {
            RecordRules.RequirePartitionKey(input.PartitionKey, "partitionKey", errors);
        }

        var size = RecordRules.SizeOf(input.Data!, input.PartitionKey);
        if (size > RecordRules.MaxRecordBytes(stream))
        {
            errors.MaxLength("data", RecordRules.MaxRecordBytes(stream));
        }

        if (errors.HasErrors)
        {
            throw ApiErrors.ValidationFailed(errors);
        }

        // An AUTO stream ignores the partition key and ExplicitHashKey for placement, even a malformed one.
        var hashKey = auto ? default : RecordRules.HashKeyOf(input.PartitionKey!, input.ExplicitHashKey);
        if (input.SequenceNumberForOrdering is { } ordering &&
            (!SequenceNumber.TryParse(ordering, out var previous) || previous.ArrivalSeconds > (context.NowMs / 1000) + 1))
        {
            // Any later record on a shard gets a higher number, so a valid value needs no further action.
            throw ApiErrors.InvalidSequenceNumberForOrdering(ordering, stream.Key.StreamName, stream.Key.AccountId);
        }

        var shard = (auto ? _auto.Next(stream) : ShardView.OpenShardFor(stream, hashKey)) ?? throw ApiErrors.InternalServiceFailure();
        if (input.DryRun == true)
        {
            throw ApiErrors.DryRunSucceeded();
        }

        if (!_throughput.TryAdmit(context, stream, shard, size))
        {
            throw ApiErrors.ThroughputExceeded(ShardIds.Format(shard.Index), stream.Key.StreamName, stream.Key.AccountId);
        }

        var pending = new[] { new PendingRecord(input.PartitionKey ?? RecordDistribution.NoPartitionKey, input.Data!) };
        AppendResult appended;
        for (var placement = 1; ; placement++)
        {
            var log = _store.GetShardLog(stream.Key, stream.CreatedAtMs, shard.Index);
            appended = await log.AppendAsync(pending, cancellationToken).ConfigureAwait(false);
            if (appended.Status != AppendStatus.Sealed || placement == RecordRules.MaxPlacements)
            {
                break;
            }

            // A reshard closed the shard after the stream was resolved: the record goes where the shards in force now send it.
            stream = await _streams.GetWritableAsync(context, input.StreamName, input.StreamARN, cancellationToken).ConfigureAwait(false);
            shard = (auto ? _auto.Next(stream) : ShardView.OpenShardFor(stream, hashKey)) ?? throw ApiErrors.InternalServiceFailure();
        }

        switch (appended.Status)
        {
            case AppendStatus.StreamDeleted:
                // Resolved before a DeleteStream that won the race: answer as AWS would had the delete come first.
                throw ApiErrors.StreamNotFound(stream.Key.StreamName, stream.Key.AccountId);
            case not AppendStatus.Appended:
                throw ApiErrors.InternalServiceFailure();
        }

        return new PutRecordOutput
        {
            ShardId = ShardIds.Format(shard.Index),
            SequenceNumber = ShardView.SequenceNumberOf(shard, appended.FirstPosition, appended.ArrivalMs).ToString(),
            EncryptionType = stream.EncryptionType,
        };
    }
}
