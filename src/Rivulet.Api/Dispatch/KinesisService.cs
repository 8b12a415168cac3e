using System.Text;
using System.Text.Json;
using Rivulet.Api.Channels;
using Rivulet.Api.Consumers;
using Rivulet.Api.Faults;
using Rivulet.Api.Operations;
using Rivulet.Api.Resources;
using Rivulet.Api.Streams;
using Rivulet.Api.Throughput;
using Rivulet.Protocol.Auth;
using Rivulet.Protocol.AwsCbor;
using Rivulet.Protocol.Buffers;
using Rivulet.Protocol.Dispatch;
using Rivulet.Protocol.Errors;
using Rivulet.Protocol.EventStream;
using Rivulet.Protocol.Model;
using Rivulet.Protocol.Validation;
using Rivulet.Storage;

namespace Rivulet.Api.Dispatch;

/// <summary>
/// The whole Kinesis API behind one method: takes a request, returns a response. Checks run in
/// AWS's order (wire reference §1.2): method, empty body, content type, unparseable body, legacy
/// JSON, unknown target, authentication, types, constraints, then the operation itself.
/// </summary>
public sealed class KinesisService
{
    private const string AccessDeniedXml = "<AccessDeniedException>\n  <Message>Unable to determine service/operation name to be authorized</Message>\n</AccessDeniedException>\n";
    private const string UnknownOperationXml = "<UnknownOperationException/>\n";

    private readonly KinesisOptions _options;
    private readonly TimeProvider _time;
    private readonly OperationHandler?[] _handlers;
    private readonly IThroughputGate _throughput;
    private readonly FaultInjection? _faults;

    /// <param name="throughput">
    /// The throughput limits (none when null). A <see cref="FaultInjection"/> also injects its faults
    /// and latency into every call.
    /// </param>
    public KinesisService(IStreamStore store, KinesisOptions options, TimeProvider? time = null, IThroughputGate? throughput = null)
    {
        _options = options;
        _time = time ?? TimeProvider.System;
        var streams = new StreamResolver(store);
        var channels = new ChannelRegistry(store);
        var gate = throughput ?? UnlimitedThroughput.Instance;
        _throughput = gate;
        _faults = throughput as FaultInjection;
        var subscriptions = new Subscriptions();
        Subscriptions = subscriptions;
        _handlers = new OperationHandler?[Enum.GetValues<KinesisOperation>().Length];
        Register(KinesisOperation.CreateStream, new OperationHandler<CreateStreamInput>(new CreateStream(store, options)));
        Register(KinesisOperation.DeleteStream, new OperationHandler<DeleteStreamInput>(new DeleteStream(store, streams, channels, options, subscriptions)));
        Register(KinesisOperation.DescribeStream, new OperationHandler<DescribeStreamInput, DescribeStreamOutput>(new DescribeStream(streams)));
        Register(KinesisOperation.DescribeStreamSummary, new OperationHandler<DescribeStreamSummaryInput, DescribeStreamSummaryOutput>(new DescribeStreamSummary(store, streams, channels)));
        Register(KinesisOperation.ListStreams, new OperationHandler<ListStreamsInput, ListStreamsOutput>(new ListStreams(store, streams, options)));
        Register(KinesisOperation.ListShards, new OperationHandler<ListShardsInput, ListShardsOutput>(new ListShards(streams, options, gate)));
        Register(KinesisOperation.IncreaseStreamRetentionPeriod, new OperationHandler<IncreaseStreamRetentionPeriodInput>(new IncreaseStreamRetentionPeriod(streams)));
        Register(KinesisOperation.DecreaseStreamRetentionPeriod, new OperationHandler<DecreaseStreamRetentionPeriodInput>(new DecreaseStreamRetentionPeriod(streams)));
        Register(KinesisOperation.ListTagsForStream, new OperationHandler<ListTagsForStreamInput, ListTagsForStreamOutput>(new ListTagsForStream(streams)));
        Register(KinesisOperation.PutRecord, new OperationHandler<PutRecordInput, PutRecordOutput>(new PutRecord(store, streams, gate)));
        Register(KinesisOperation.PutRecords, new OperationHandler<PutRecordsInput, PutRecordsOutput>(new PutRecords(store, streams, gate)));
        Register(KinesisOperation.GetShardIterator, new OperationHandler<GetShardIteratorInput, GetShardIteratorOutput>(new GetShardIterator(store, streams, options, gate)));
        Register(KinesisOperation.GetRecords, new OperationHandler<GetRecordsInput, GetRecordsOutput>(new GetRecords(store, streams, options, gate)));

        // Resharding
        Register(KinesisOperation.SplitShard, new OperationHandler<SplitShardInput>(new SplitShard(store, streams, options)));
        Register(KinesisOperation.MergeShards, new OperationHandler<MergeShardsInput>(new MergeShards(store, streams, options)));
        Register(KinesisOperation.UpdateShardCount, new OperationHandler<UpdateShardCountInput, UpdateShardCountOutput>(new UpdateShardCount(store, streams, options)));

        // Encryption, monitoring, modes, limits and account settings.
        Register(KinesisOperation.StartStreamEncryption, new OperationHandler<StartStreamEncryptionInput>(new StartStreamEncryption(streams, options)));
        Register(KinesisOperation.StopStreamEncryption, new OperationHandler<StopStreamEncryptionInput>(new StopStreamEncryption(streams, options)));
        Register(KinesisOperation.EnableEnhancedMonitoring, new OperationHandler<EnableEnhancedMonitoringInput, EnhancedMonitoringOutput>(new EnableEnhancedMonitoring(streams)));
        Register(KinesisOperation.DisableEnhancedMonitoring, new OperationHandler<DisableEnhancedMonitoringInput, EnhancedMonitoringOutput>(new DisableEnhancedMonitoring(streams)));
        Register(KinesisOperation.UpdateStreamMode, new OperationHandler<UpdateStreamModeInput>(new UpdateStreamMode(store, streams, options)));
        Register(KinesisOperation.UpdateMaxRecordSize, new OperationHandler<UpdateMaxRecordSizeInput>(new UpdateMaxRecordSize(streams, options)));
        Register(KinesisOperation.UpdateStreamWarmThroughput, new OperationHandler<UpdateStreamWarmThroughputInput, UpdateStreamWarmThroughputOutput>(new UpdateStreamWarmThroughput(store, streams, options)));
        Register(KinesisOperation.DescribeLimits, new OperationHandler<DescribeLimitsInput, DescribeLimitsOutput>(new DescribeLimits(store, options)));
        Register(KinesisOperation.DescribeAccountSettings, new OperationHandler<DescribeAccountSettingsInput, DescribeAccountSettingsOutput>(new DescribeAccountSettings(store)));
        Register(KinesisOperation.UpdateAccountSettings, new OperationHandler<UpdateAccountSettingsInput, UpdateAccountSettingsOutput>(new UpdateAccountSettings(store)));
        Register(KinesisOperation.UpdateStreamRecordDistributionStrategy, new OperationHandler<UpdateStreamRecordDistributionStrategyInput>(new UpdateStreamRecordDistributionStrategy(streams)));

        // Tags and resource policies.
        var resources = new KinesisResources(store, streams);
        Register(KinesisOperation.AddTagsToStream, new OperationHandler<AddTagsToStreamInput>(new AddTagsToStream(streams)));
        Register(KinesisOperation.RemoveTagsFromStream, new OperationHandler<RemoveTagsFromStreamInput>(new RemoveTagsFromStream(streams)));
        Register(KinesisOperation.TagResource, new OperationHandler<TagResourceInput>(new TagResource(resources)));
        Register(KinesisOperation.UntagResource, new OperationHandler<UntagResourceInput>(new UntagResource(resources)));
        Register(KinesisOperation.ListTagsForResource, new OperationHandler<ListTagsForResourceInput, ListTagsForResourceOutput>(new ListTagsForResource(resources)));
        Register(KinesisOperation.PutResourcePolicy, new OperationHandler<PutResourcePolicyInput>(new PutResourcePolicy(resources)));
        Register(KinesisOperation.GetResourcePolicy, new OperationHandler<GetResourcePolicyInput, GetResourcePolicyOutput>(new GetResourcePolicy(resources)));
        Register(KinesisOperation.DeleteResourcePolicy, new OperationHandler<DeleteResourcePolicyInput>(new DeleteResourcePolicy(resources)));

        // Enhanced fan-out.
        var consumers = new ConsumerRegistry(streams);
        Register(KinesisOperation.RegisterStreamConsumer, new OperationHandler<RegisterStreamConsumerInput, RegisterStreamConsumerOutput>(new RegisterStreamConsumer(store, consumers, options)));
        Register(KinesisOperation.DeregisterStreamConsumer, new OperationHandler<DeregisterStreamConsumerInput>(new DeregisterStreamConsumer(consumers, subscriptions, options, gate)));
        Register(KinesisOperation.DescribeStreamConsumer, new OperationHandler<DescribeStreamConsumerInput, DescribeStreamConsumerOutput>(new DescribeStreamConsumer(consumers, gate)));
        Register(KinesisOperation.ListStreamConsumers, new OperationHandler<ListStreamConsumersInput, ListStreamConsumersOutput>(new ListStreamConsumers(streams, options, gate)));
        Register(KinesisOperation.SubscribeToShard, new EventStreamOperationHandler<SubscribeToShardInput>(new SubscribeToShard(store, streams, consumers, subscriptions, options, _time, gate, (what, exception) => OnUnexpectedError?.Invoke(what, exception))));

        // Channels
        Register(KinesisOperation.CreateChannel, new OperationHandler<CreateChannelInput, CreateChannelOutput>(new CreateChannel(streams, channels, options)));
        Register(KinesisOperation.UpdateChannel, new OperationHandler<UpdateChannelInput, UpdateChannelOutput>(new UpdateChannel(channels, options)));
        Register(KinesisOperation.DeleteChannel, new OperationHandler<DeleteChannelInput>(new DeleteChannel(channels, options)));
        Register(KinesisOperation.DescribeChannel, new OperationHandler<DescribeChannelInput, DescribeChannelOutput>(new DescribeChannel(channels)));
        Register(KinesisOperation.ListChannels, new OperationHandler<ListChannelsInput, ListChannelsOutput>(new ListChannels(channels, options)));
    }

    /// <summary>Called with failures that are bugs or I/O errors, so the host can log them.</summary>
    public Action<string, Exception>? OnUnexpectedError { get; set; }

    public KinesisOptions Options => _options;

    /// <summary>The SubscribeToShard subscriptions running now.</summary>
    public int RunningSubscriptions => Subscriptions.Count;

    internal Subscriptions Subscriptions { get; }

    /// <summary>Ends every running subscription cleanly, so that a stopping server is not held up by them for their five minutes.</summary>
    public void EndSubscriptions() => Subscriptions.EndAll();

    public async ValueTask<ApiResponse> HandleAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        var requestId = Guid.NewGuid().ToString();
        if (request.Method != "POST")
        {
            if (request.Method == "OPTIONS" && request.Origin is not null)
            {
                var preflight = new ApiResponse(requestId, 200, null, null);
                preflight.Headers.Add(new("Access-Control-Allow-Origin", "*"));
                preflight.Headers.Add(new("Access-Control-Max-Age", "172800"));

                // AWS allows whatever the page asks for: the signature, not the browser, is what keeps strangers out.
                preflight.Headers.Add(new("Access-Control-Allow-Methods", request.AccessControlRequestMethod ?? "POST"));
                if (request.AccessControlRequestHeaders is { Length: > 0 } requested)
                {
                    preflight.Headers.Add(new("Access-Control-Allow-Headers", requested));
                }
                return preflight;
            }

            return Text(requestId, 403, null, AccessDeniedXml);
        }

        var contentType = ContentTypes.Parse(request.ContentType);
        var operationName = Target.OperationName(request.Target);
        var known = TryFindOperation(operationName, out var operation);
        if (request.Body.IsEmpty)
        {
            var type = known ? "SerializationException" : "UnknownOperationException";
            return contentType == WireContentType.AwsJson11 ? JsonError(requestId, 400, type, null) : CborError(requestId, 400, type, null);
        }

        if (contentType is WireContentType.Unsupported)
        {
            return request.Target is null ? Text(requestId, 403, null, AccessDeniedXml) : Text(requestId, 404, null, UnknownOperationXml);
        }

        // Errors from here on speak the request's codec; the legacy type has its own envelope.
        var codec = contentType == WireContentType.AwsCbor11 ? WireContentType.AwsCbor11 : WireContentType.AwsJson11;
        var handler = known ? _handlers[(int)operation] : null;
        object? input = null;
        SerializationException? typeError = null;
        try
        {
            if (handler is not null)
            {
                input = handler.Parse(request.Body, codec);
            }
            else
            {
                CheckSyntax(request.Body, codec);
            }
        }
        catch (SerializationException exception) when (exception.AwsMessage is not null)
        {
            // A type mismatch is reported after authentication; a syntax error before.
            typeError = exception;
        }
        catch (SerializationException)
        {
            return contentType == WireContentType.LegacyJson
                ? Legacy(requestId, "SerializationException")
                : Error(codec, requestId, 400, "SerializationException", null);
        }

        if (contentType == WireContentType.LegacyJson)
        {
            return Legacy(requestId, "UnknownOperationException");
        }

        if (!known)
        {
            return Error(codec, requestId, 400, "UnknownOperationException", null);
        }

        var auth = Authenticate(request);
        if (!auth.Passed)
        {
            return Error(codec, requestId, 400, auth.ErrorType!, auth.ErrorMessage);
        }

        if (typeError is not null)
        {
            return Error(codec, requestId, 400, "SerializationException", typeError.AwsMessage);
        }

        if (handler is null)
        {
            return Error(codec, requestId, 400, "UnknownOperationException", $"Rivulet does not implement {operationName} yet.");
        }

        var context = new RequestContext(auth.Credential?.AccountId ?? AccountOf(auth.AccessKeyId), auth.Region ?? _options.Region, _time.GetUtcNow()) { Operation = operationName!, OperationId = operation };
        return await ExecuteAsync(requestId, handler, context, input!, operationName!, codec, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<ApiResponse> ExecuteAsync(string requestId, OperationHandler handler, RequestContext context, object input, string operationName, WireContentType codec, CancellationToken cancellationToken)
    {
        var body = new PooledBufferWriter();
        try
        {
            var errors = new ValidationErrors();
            handler.Validate(input, errors);
            if (errors.HasErrors)
            {
                throw ApiErrors.ValidationFailed(errors);
            }

            await InjectAsync(context, cancellationToken).ConfigureAwait(false);

            if (!_throughput.TryCall(context, context.OperationId!.Value, null))
            {
                throw ApiErrors.AccountRateExceeded(context.AccountId);
            }

            if (await handler.OpenEventStreamAsync(context, input, codec, cancellationToken).ConfigureAwait(false) is { } events)
            {
                body.Dispose();
                return new ApiResponse(requestId, 200, EventStreamMessage.ContentType, null) { EventStream = events };
            }

            var wrote = await handler.ExecuteAsync(context, input, body, codec, cancellationToken).ConfigureAwait(false);
            var responseType = codec == WireContentType.AwsCbor11 ? ContentTypes.AwsCbor11 : ContentTypes.AwsJson11;
            if (!wrote)
            {
                body.Dispose();
                return new ApiResponse(requestId, 200, responseType, null);
            }

            return new ApiResponse(requestId, 200, responseType, body);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            body.Dispose();
            if (exception is KinesisException kinesis)
            {
                return Error(codec, requestId, kinesis.StatusCode, kinesis.ErrorType, kinesis.AwsMessage);
            }

            OnUnexpectedError?.Invoke($"{operationName} failed (request {requestId})", exception);
            return Error(codec, requestId, 500, "InternalFailureException", ApiErrors.InternalServiceFailureMessage);
        }
    }

    /// <summary>
    /// Waits the injected latency, then throws the injected fault if the dice say so;
    /// ProvisionedThroughputExceeded is the gate's to inject, per shard.
    /// </summary>
    private async ValueTask InjectAsync(RequestContext context, CancellationToken cancellationToken)
    {
        if (_faults is not { } faults || context.OperationId is not { } operation)
        {
            return;
        }

        if (faults.Plan.LatencyFor(operation) is > 0 and var milliseconds)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(milliseconds), _time, cancellationToken).ConfigureAwait(false);
        }

        switch (faults.Roll(operation, throughputErrors: false))
        {
            case FaultPlan.InternalFailure:
                throw ApiErrors.InternalServiceFailure();
            case FaultPlan.LimitExceeded:
                throw ApiErrors.AccountRateExceeded(context.AccountId);
        }
    }

    private AuthenticationCheck Authenticate(ApiRequest request) =>
        _options.SignatureVerifier is { } verifier
            ? verifier.Verify(new SignedRequest { Method = request.Method, RawTarget = request.RawTarget, Headers = request.Headers, Body = request.Body }, _time.GetUtcNow())
            : SigV4Presence.Check(request.Authorization, request.HasDateHeader, request.QueryParameter);

    private string AccountOf(string? accessKeyId) =>
        accessKeyId is { Length: 12 } && accessKeyId.AsSpan().IndexOfAnyExceptInRange('0', '9') < 0 ? accessKeyId : _options.DefaultAccountId;

    private void Register(KinesisOperation operation, OperationHandler handler) => _handlers[(int)operation] = handler;

    private static bool TryFindOperation(string? name, out KinesisOperation operation)
    {
        operation = default;
        if (name is null || name.Length > 64)
        {
            return false;
        }

        Span<byte> utf8 = stackalloc byte[256];
        var length = Encoding.UTF8.GetBytes(name, utf8);
        return KinesisOperations.TryParse(utf8[..length], out operation);
    }

    private static void CheckSyntax(ReadOnlyMemory<byte> body, WireContentType codec)
    {
        if (codec == WireContentType.AwsCbor11)
        {
            if (!AwsCborCodec.IsWellFormed(body))
            {
                throw new SerializationException(null);
            }

            return;
        }

        try
        {
            var reader = new Utf8JsonReader(body.Span);
            while (reader.Read())
            {
            }
        }
        catch (JsonException)
        {
            throw new SerializationException(null);
        }
    }

    private static ApiResponse Error(WireContentType codec, string requestId, int status, string type, string? message) =>
        codec == WireContentType.AwsCbor11 ? CborError(requestId, status, type, message) : JsonError(requestId, status, type, message);

    private static ApiResponse JsonError(string requestId, int status, string type, string? message)
    {
        var body = new PooledBufferWriter(256);
        ErrorBody.WriteJson(body, type, message);
        return new ApiResponse(requestId, status, ContentTypes.AwsJson11, body);
    }

    private static ApiResponse CborError(string requestId, int status, string type, string? message)
    {
        var body = new PooledBufferWriter(256);
        ErrorBody.WriteCbor(body, type, message);
        return new ApiResponse(requestId, status, ContentTypes.AwsCbor11, body);
    }

    private static ApiResponse Legacy(string requestId, string type)
    {
        var body = new PooledBufferWriter(256);
        ErrorBody.WriteLegacyEnvelope(body, type);
        return new ApiResponse(requestId, 200, ContentTypes.LegacyJson, body);
    }

    private static ApiResponse Text(string requestId, int status, string? contentType, string text)
    {
        var body = new PooledBufferWriter(256);
        var bytes = Encoding.UTF8.GetBytes(text);
        bytes.CopyTo(body.GetSpan(bytes.Length));
        body.Advance(bytes.Length);
        return new ApiResponse(requestId, status, contentType, body);
    }
}
