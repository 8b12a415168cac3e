using System.Buffers;
using System.Globalization;
using Rivulet.Api.Streams;
using Rivulet.Api.Throughput;
using Rivulet.Api.Validation;
using Rivulet.Protocol.Model;
using Rivulet.Protocol.Validation;
using Rivulet.Storage;

namespace Rivulet.Api.Operations;

/// <summary>
/// Writes up to 500 records in one call. Each entry succeeds or fails on its own; the response
/// answers every entry in request order. Entries bound for one shard are appended together, in
/// request order, so a shard's sequence numbers follow the order of the request.
/// </summary>
internal sealed class PutRecords : IOperation<PutRecordsInput, PutRecordsOutput>
{
    // Markers in the entry-to-shard table: answered, or refused by a sealed shard and to be placed again.
    private const int Done = -1;
    private const int PlaceAgain = -2;

    private readonly IStreamStore _store;
    private readonly StreamResolver _streams;
    private readonly IThroughputGate _throughput;
    private readonly AutoPlacement _auto = new();

    public PutRecords(IStreamStore store, StreamResolver streams, IThroughputGate throughput)
    {
        _store = store;
        _streams = streams;
        _throughput = throughput;
    }

    public async ValueTask<PutRecordsOutput> ExecuteAsync(RequestContext context, PutRecordsInput input, CancellationToken cancellationToken)
    {
        var stream = await _streams.GetWritableAsync(context, input.StreamName, input.StreamARN, cancellationToken).ConfigureAwait(false);
        var entries = input.Records!;
        var count = entries.Count;

        var errors = new ValidationErrors();
        var maxRecordBytes = RecordRules.MaxRecordBytes(stream);
        var auto = RecordDistribution.IsAuto(stream);
        long totalBytes = 0;
        var sizes = ArrayPool<int>.Shared.Rent(count);
        var shardOf = ArrayPool<int>.Shared.Rent(count);
        try
        {
            for (var i = 0; i < count; i++)
            {
                var entry = entries[i];
                if (!auto)
                {
                    RecordRules.RequirePartitionKey(entry.PartitionKey, PartitionKeyPath(i), errors);
                }

                sizes[i] = RecordRules.SizeOf(entry.Data!, entry.PartitionKey);
                totalBytes += sizes[i];
                if (sizes[i] > maxRecordBytes)
                {
                    errors.MaxLength(DataPath(i), maxRecordBytes);
                }
            }

            if (errors.HasErrors)
            {
                throw ApiErrors.ValidationFailed(errors);
            }

            if (totalBytes > RecordRules.MaxPutRecordsBytes)
            {
                throw ApiErrors.RecordsTooLarge(RecordRules.MaxPutRecordsBytes);
            }

            if (auto)
            {
                // Keys play no part: the entries take the open shards in turn.
                if (!_auto.Place(stream, shardOf.AsSpan(0, count)))
                {
                    throw ApiErrors.InternalServiceFailure();
                }
            }
            else
            {
                // Place every entry first, so that a bad ExplicitHashKey fails the request before anything is written.
                for (var i = 0; i < count; i++)
                {
                    var entry = entries[i];
                    var shard = ShardView.OpenShardFor(stream, RecordRules.HashKeyOf(entry.PartitionKey!, entry.ExplicitHashKey)) ?? throw ApiErrors.InternalServiceFailure();
                    shardOf[i] = shard.Index;
                }
            }

            if (input.DryRun == true)
            {
                throw ApiErrors.DryRunSucceeded();
            }

            var results = new PutRecordsResultEntry[count];
            var failed = 0;
            for (var i = 0; i < count; i++)
            {
                var shard = stream.Shards[shardOf[i]];
                if (!_throughput.TryAdmit(context, stream, shard, sizes[i]))
                {
                    results[i] = new PutRecordsResultEntry
                    {
                        ErrorCode = ApiErrors.ProvisionedThroughputExceeded,
                        ErrorMessage = ApiErrors.ThroughputExceededMessage(ShardIds.Format(shard.Index), stream.Key.StreamName, stream.Key.AccountId),
                    };
                    shardOf[i] = Done;
                    failed++;
                }
            }

            var storageFailures = 0;
            for (var placement = 1; ; placement++)
            {
                storageFailures += await AppendByShardAsync(stream, entries, shardOf, results, cancellationToken).ConfigureAwait(false);
                if (Array.IndexOf(shardOf, PlaceAgain, 0, count) < 0)
                {
                    break;
                }

                // A reshard closed a shard after this call placed its entries: place them by the shards in force now.
                var last = placement == RecordRules.MaxPlacements;
                stream = last ? stream : await _streams.GetWritableAsync(context, input.StreamName, input.StreamARN, cancellationToken).ConfigureAwait(false);
                for (var i = 0; i < count; i++)
                {
                    if (shardOf[i] != PlaceAgain)
                    {
                        continue;
                    }

                    if (last)
                    {
                        results[i] = new PutRecordsResultEntry { ErrorCode = ApiErrors.InternalFailure, ErrorMessage = ApiErrors.InternalServiceFailureMessage };
                        shardOf[i] = Done;
                        storageFailures++;
                    }
                    else
                    {
                        var entry = entries[i];
                        var shard = RecordDistribution.IsAuto(stream) ? _auto.Next(stream) : ShardView.OpenShardFor(stream, RecordRules.HashKeyOf(entry.PartitionKey!, entry.ExplicitHashKey));
                        shardOf[i] = (shard ?? throw ApiErrors.InternalServiceFailure()).Index;
                    }
                }
            }
            if (storageFailures == count)
            {
                // Nothing could be stored at all (disk full, I/O error): the whole call fails, as a PutRecord would.
                throw ApiErrors.InternalServiceFailure();
            }

            failed += storageFailures;
            return new PutRecordsOutput
            {
                FailedRecordCount = failed,
                Records = [.. results],
                EncryptionType = stream.EncryptionType,
            };
        }
        finally
        {
            ArrayPool<int>.Shared.Return(sizes);
            ArrayPool<int>.Shared.Return(shardOf);
        }
    }

    /// <summary>
    /// Appends each shard's entries as one batch, all shards at once; returns how many entries failed.
    /// Every entry it handles gets <see cref="Done"/> in <paramref name="shardOf"/>, except those a
    /// sealed shard refused, which get <see cref="PlaceAgain"/> and no result yet.
    /// </summary>
    private async ValueTask<int> AppendByShardAsync(StreamMetadata stream, List<PutRecordsRequestEntry> entries, int[] shardOf, PutRecordsResultEntry[] results, CancellationToken cancellationToken)
    {
        var count = entries.Count;
        var batches = new List<(ShardMetadata Shard, PendingRecord[] Records, int[] Entries, ValueTask<AppendResult> Append)>();
        var perShard = new Dictionary<int, int>();
        for (var i = 0; i < count; i++)
        {
            if (shardOf[i] >= 0)
            {
                perShard[shardOf[i]] = perShard.GetValueOrDefault(shardOf[i]) + 1;
            }
        }

        foreach (var (shardIndex, size) in perShard)
        {
            var records = new PendingRecord[size];
            var indexes = new int[size];
            var n = 0;
            for (var i = 0; i < count && n < size; i++)
            {
                if (shardOf[i] == shardIndex)
                {
                    records[n] = new PendingRecord(entries[i].PartitionKey ?? RecordDistribution.NoPartitionKey, entries[i].Data!);
                    indexes[n++] = i;
                }
            }

            var log = _store.GetShardLog(stream.Key, stream.CreatedAtMs, shardIndex);
            batches.Add((stream.Shards[shardIndex], records, indexes, log.AppendAsync(records, cancellationToken)));
        }

        var failed = 0;
        var deleted = false;
        foreach (var (shard, _, indexes, append) in batches)
        {
            AppendResult appended;
            try
            {
                appended = await append.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                throw;
            }
            catch (IOException exception)
            {
                appended = AppendResult.Failed(exception.Message);
            }

            deleted |= appended.Status == AppendStatus.StreamDeleted;
            var shardId = ShardIds.Format(shard.Index);
            for (var n = 0; n < indexes.Length; n++)
            {
                shardOf[indexes[n]] = appended.Status == AppendStatus.Sealed ? PlaceAgain : Done;
                if (appended.Status == AppendStatus.Sealed)
                {
                    continue;
                }

                if (appended.Status == AppendStatus.Appended)
                {
                    results[indexes[n]] = new PutRecordsResultEntry
                    {
                        ShardId = shardId,
                        SequenceNumber = ShardView.SequenceNumberOf(shard, appended.FirstPosition + n, appended.ArrivalMs).ToString(),
                    };
                }
                else
                {
                    results[indexes[n]] = new PutRecordsResultEntry { ErrorCode = ApiErrors.InternalFailure, ErrorMessage = ApiErrors.InternalServiceFailureMessage };
                    failed++;
                }
            }
        }

        if (deleted)
        {
            // A DeleteStream won the race after this call resolved the stream. Whatever other shards
            // took went with the stream; the whole call answers as AWS would had the delete come first.
            throw ApiErrors.StreamNotFound(stream.Key.StreamName, stream.Key.AccountId);
        }

        return failed;
    }

    private static string PartitionKeyPath(int index) => string.Create(CultureInfo.InvariantCulture, $"records.{index + 1}.member.partitionKey");

    private static string DataPath(int index) => string.Create(CultureInfo.InvariantCulture, $"records.{index + 1}.member.data");
}
