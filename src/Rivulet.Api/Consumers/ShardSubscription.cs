using Rivulet.Api.Dispatch;
using Rivulet.Api.Records;
using Rivulet.Api.Streams;
using Rivulet.Api.Throughput;
using Rivulet.Protocol.AwsCbor;
using Rivulet.Protocol.AwsJson;
using Rivulet.Protocol.Buffers;
using Rivulet.Protocol.Dispatch;
using Rivulet.Protocol.Errors;
using Rivulet.Protocol.EventStream;
using Rivulet.Protocol.Model;
using Rivulet.Storage;

namespace Rivulet.Api.Consumers;

/// <summary>
/// One SubscribeToShard subscription's event stream: the initial response, then an event as soon as
/// records are acknowledged (the shard log's waiter wakes it; no timer polls), an empty event when
/// none came for a heartbeat interval, and at the end of a closed shard a last event with its
/// children and no continuation. It ends after the subscription lifetime (5 minutes), and with an
/// exception event when another subscription takes over, or the consumer or stream is gone. One
/// event is built and sent at a time and the next waits until the transport took it, so a slow
/// reader holds one event here and the host's output buffer, never more.
/// </summary>
internal sealed class ShardSubscription : IEventStreamBody
{
    /// <summary>
    /// Records per event at most. With the byte bound below it keeps an event near 150 KB as JSON,
    /// which is what each subscription holds while its reader is slow; a hundred subscriptions at
    /// full speed stay near 200 MiB resident (bench/fanout.sh). A single larger record still goes
    /// alone. At AWS's 2 MiB/s per consumer and shard that is still only a few events a second.
    /// </summary>
    private const int MaxRecordsPerEvent = 500;

    private const long MaxBytesPerEvent = 128 * 1024;

    private const string ResourceNotFoundException = "ResourceNotFoundException";
    private const string ResourceInUseException = "ResourceInUseException";
    private const string InternalFailureException = "InternalFailureException";

    private readonly Setup _setup;
    private readonly string _contentType;
    private StreamMetadata _stream;
    private ShardMetadata _shard;

    public ShardSubscription(Setup setup)
    {
        _setup = setup;
        _stream = setup.Stream;
        _shard = setup.Shard;
        _contentType = setup.Codec == WireContentType.AwsCbor11 ? ContentTypes.AwsCbor11 : "application/json";
    }

    public async Task RunAsync(IEventSink sink, CancellationToken cancellationToken)
    {
        var setup = _setup;
        using var lease = setup.Lease;
        using var lifetime = new CancellationTokenSource(setup.Options.SubscriptionLifetime, setup.Time);
        using var ending = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lease.Ended, lifetime.Token);
        using var buffer = new PooledBufferWriter(16 * 1024);
        (string Type, string Message)? failure = null;
        try
        {
            await SendInitialResponseAsync(sink, buffer, ending.Token).ConfigureAwait(false);
            await PumpAsync(sink, buffer, ending.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ending.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            failure = lease.Reason switch
            {
                SubscriptionEnd.TakenOver => (ResourceInUseException, ApiErrors.SubscriptionTakenOver(setup.ConsumerArn, ShardIds.Format(_shard.Index)).AwsMessage!),
                SubscriptionEnd.ConsumerGone => (ResourceNotFoundException, ConsumerGone().AwsMessage!),
                SubscriptionEnd.StreamGone => (ResourceNotFoundException, ApiErrors.StreamNotFound(_stream.Key.StreamName, _stream.Key.AccountId).AwsMessage!),
                _ => null, // the lifetime is over or the server is stopping: the stream just ends, and the reader subscribes again
            };
        }
        catch (Exception exception) when (cancellationToken.IsCancellationRequested || exception is ReaderGoneException)
        {
            return; // the reader is gone (or its connection failed); everything goes with it
        }
        catch (KinesisException exception) when (!cancellationToken.IsCancellationRequested)
        {
            failure = (exception.ErrorType is ResourceNotFoundException or ResourceInUseException ? exception.ErrorType : InternalFailureException, exception.AwsMessage ?? ApiErrors.InternalServiceFailureMessage);
        }
        catch (Exception exception) when (exception is not OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            setup.OnUnexpectedError($"SubscribeToShard of {setup.ConsumerArn} to {ShardIds.Format(_shard.Index)} failed", exception);
            failure = (InternalFailureException, ApiErrors.InternalServiceFailureMessage);
        }

        if (failure is { } ended)
        {
            var (type, message) = ended;
            buffer.Clear();
            var frame = EventStreamMessage.BeginException(buffer, type, _contentType);
            if (setup.Codec == WireContentType.AwsCbor11)
            {
                ErrorBody.WriteEventCbor(buffer, message);
            }
            else
            {
                ErrorBody.WriteEventJson(buffer, message);
            }

            EventStreamMessage.End(buffer, frame);
            try
            {
                await sink.SendAsync(buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is OperationCanceledException or IOException)
            {
                // The reader went away before it could be told why the stream ends.
            }
        }
    }

    private async Task PumpAsync(IEventSink sink, PooledBufferWriter buffer, CancellationToken cancellationToken)
    {
        var setup = _setup;
        var log = setup.Store.GetShardLog(_stream.Key, _stream.CreatedAtMs, _shard.Index);
        var position = await setup.Start.PositionAsync(log, TrimHorizonMs(NowMs()), cancellationToken).ConfigureAwait(false);
        string? continuation = null;
        var continuationPosition = -1L;
        while (true)
        {
            var nowMs = NowMs();
            var read = await log.ReadAsync(new ReadRequest(position, MaxRecordsPerEvent, MaxBytesPerEvent, TrimHorizonMs(nowMs)), cancellationToken).ConfigureAwait(false);
            position = read.NextPosition;
            if (read.Records.Count > 0)
            {
                var records = new List<Record>(read.Records.Count);
                var bytes = 0L;
                foreach (var stored in read.Records)
                {
                    records.Add(ShardView.ToRecord(_stream, _shard, stored));
                    bytes += stored.Data.Length + stored.PartitionKey.Length;
                }

                var last = read.Records[^1];

                continuation = records[^1].SequenceNumber;
                continuationPosition = position;
                var caughtUp = position >= read.Tail.NextPosition;
                await SendEventAsync(sink, buffer, new SubscribeToShardEvent
                {
                    Records = records,
                    ContinuationSequenceNumber = continuation,
                    MillisBehindLatest = caughtUp ? 0 : Math.Max(0, nowMs - last.ArrivalMs),
                }, cancellationToken).ConfigureAwait(false);

                // Over the consumer's 2 MiB a second, the next push waits; nothing is refused or skipped.
                var pause = setup.Throughput.Pace(_stream, _shard, setup.ConsumerArn, bytes, NowMs());
                if (pause > TimeSpan.Zero)
                {
                    await Task.Delay(pause, setup.Time, cancellationToken).ConfigureAwait(false);
                }

                continue;
            }

            if (!_shard.IsOpen || read.Tail.Sealed)
            {
                if (_shard.IsOpen)
                {
                    await RefreshAsync(cancellationToken).ConfigureAwait(false);
                }

                if (!_shard.IsOpen)
                {
                    // The store may have forgotten the seal (a restart) or not set it yet: seal here,
                    // so the end is final before it is reported.
                    var tail = read.Tail.Sealed ? read.Tail : await log.SealAsync(cancellationToken).ConfigureAwait(false);
                    if (tail.Sealed && position >= tail.NextPosition)
                    {
                        // The end of a closed shard: its children, and no continuation (the KCL checks both).
                        await SendEventAsync(sink, buffer, new SubscribeToShardEvent
                        {
                            Records = [],
                            MillisBehindLatest = 0,
                            ChildShards = ShardView.ChildrenOf(_stream, _shard),
                        }, cancellationToken).ConfigureAwait(false);
                        return;
                    }

                    continue;
                }
            }

            if (await WaitOrBeatAsync(log, position, read.Tail.Sealed, cancellationToken).ConfigureAwait(false))
            {
                continue;
            }

            // Nothing came for a heartbeat interval: say so, after making sure there is still something to read.
            await RefreshAsync(cancellationToken).ConfigureAwait(false);
            if (continuationPosition != position)
            {
                var arrivalMs = position > 0 && position == read.Tail.NextPosition ? read.Tail.LastArrivalMs : _shard.CreatedAtMs;
                continuation = ShardView.SequenceNumberOf(_shard, position - 1, arrivalMs).ToString();
                continuationPosition = position;
            }

            await SendEventAsync(sink, buffer, new SubscribeToShardEvent
            {
                Records = [],
                ContinuationSequenceNumber = continuation,
                MillisBehindLatest = 0,
            }, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>True when the log has something at <paramref name="position"/> (or was sealed); false when a heartbeat interval passed first.</summary>
    private async Task<bool> WaitOrBeatAsync(IShardLog log, long position, bool sealedButOpen, CancellationToken cancellationToken)
    {
        using var beat = new CancellationTokenSource(_setup.Options.SubscriptionHeartbeat, _setup.Time);
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, beat.Token);
        try
        {
            if (sealedButOpen)
            {
                // The log is sealed but the shard's closing is not yet in the metadata: wait for the
                // next beat rather than for a log that answers at once.
                await Task.Delay(Timeout.InfiniteTimeSpan, _setup.Time, waiting.Token).ConfigureAwait(false);
                return false;
            }

            return await log.WaitAsync(position, waiting.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
        finally
        {
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>Reads the stream and consumer again: ResourceNotFound when either is gone, the shard's closing and children when it closed.</summary>
    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        var setup = _setup;
        var context = setup.Context with { Now = setup.Time.GetUtcNow() };
        var grant = new ConsumerGrant(setup.ConsumerArn, setup.Consumer.ConsumerName, setup.Consumer.CreatedAtMs / 1000);
        var stream = await setup.Streams.FindAsync(context, _stream.Key, cancellationToken, grant).ConfigureAwait(false);
        if (stream is null || stream.CreatedAtMs != _stream.CreatedAtMs)
        {
            throw ApiErrors.StreamNotFound(_stream.Key.StreamName, _stream.Key.AccountId);
        }

        var consumer = ConsumerRegistry.Find(ConsumerRegistry.Settle(stream.Consumers, context.NowMs), new ConsumerReference(stream.Key, setup.Consumer.ConsumerName, setup.Consumer.CreatedAtMs / 1000));
        if (consumer is null || consumer.CreatedAtMs != setup.Consumer.CreatedAtMs || consumer.Status == StreamStatus.Deleting)
        {
            throw ConsumerGone();
        }

        _stream = stream;
        _shard = stream.FindShard(_shard.Index) ?? throw ApiErrors.ShardDoesNotExist(ShardIds.Format(_shard.Index), stream.Key.StreamName, stream.Key.AccountId);
    }

    private Task SendInitialResponseAsync(IEventSink sink, PooledBufferWriter buffer, CancellationToken cancellationToken)
    {
        buffer.Clear();
        var frame = EventStreamMessage.BeginEvent(buffer, "initial-response", _contentType);
        var payload = buffer.GetSpan(2);
        if (_setup.Codec == WireContentType.AwsCbor11)
        {
            payload[0] = 0xA0; // an empty map
            buffer.Advance(1);
        }
        else
        {
            "{}"u8.CopyTo(payload);
            buffer.Advance(2);
        }

        EventStreamMessage.End(buffer, frame);
        return SendAsync(sink, buffer, cancellationToken);
    }

    private async Task SendEventAsync(IEventSink sink, PooledBufferWriter buffer, SubscribeToShardEvent shardEvent, CancellationToken cancellationToken)
    {
        buffer.Clear();
        var frame = EventStreamMessage.BeginEvent(buffer, "SubscribeToShardEvent", _contentType);
        if (_setup.Codec == WireContentType.AwsCbor11)
        {
            AwsCborCodec.Write(buffer, shardEvent);
        }
        else
        {
            AwsJsonCodec.Write(buffer, shardEvent);
        }

        EventStreamMessage.End(buffer, frame);
        await SendAsync(sink, buffer, cancellationToken).ConfigureAwait(false);
    }

    // A connection that fails under a send is the reader gone, unlike an I/O error of the store.
    private static async Task SendAsync(IEventSink sink, PooledBufferWriter buffer, CancellationToken cancellationToken)
    {
        try
        {
            await sink.SendAsync(buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException exception)
        {
            throw new ReaderGoneException(exception);
        }
    }

    private KinesisException ConsumerGone() =>
        ApiErrors.ConsumerNotFound(_setup.Consumer.ConsumerName, _setup.Consumer.CreatedAtMs / 1000, _stream.Key.StreamName, _stream.Key.AccountId);

    private long NowMs() => _setup.Time.GetUtcNow().ToUnixTimeMilliseconds();

    private long TrimHorizonMs(long nowMs) => RetentionPeriod.TrimHorizonMs(_stream.RetentionPeriodHours, nowMs);

    private sealed class ReaderGoneException(IOException inner) : Exception("The reader's connection failed.", inner);

    /// <summary>What a subscription starts from.</summary>
    internal sealed record Setup(
        IStreamStore Store,
        StreamResolver Streams,
        KinesisOptions Options,
        TimeProvider Time,
        IThroughputGate Throughput,
        WireContentType Codec,
        RequestContext Context,
        StreamMetadata Stream,
        ShardMetadata Shard,
        ConsumerMetadata Consumer,
        string ConsumerArn,
        StartingPoint Start,
        Subscriptions.Lease Lease,
        Action<string, Exception> OnUnexpectedError);
}
