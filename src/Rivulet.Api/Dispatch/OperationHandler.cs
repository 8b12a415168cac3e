using Rivulet.Api.Operations;
using Rivulet.Protocol.AwsCbor;
using Rivulet.Protocol.AwsJson;
using Rivulet.Protocol.Buffers;
using Rivulet.Protocol.Dispatch;
using Rivulet.Protocol.Model;
using Rivulet.Protocol.Validation;

namespace Rivulet.Api.Dispatch;

/// <summary>
/// Binds one operation to its shapes: parse, validate, run, write. Parsing is separate from the
/// rest because AWS checks authentication between them (wire reference §1.2).
/// </summary>
internal abstract class OperationHandler
{
    /// <summary>Reads the input in the request's codec; throws <see cref="Protocol.Errors.SerializationException"/> on a bad body or types.</summary>
    public abstract object Parse(ReadOnlyMemory<byte> body, WireContentType codec);

    public abstract void Validate(object input, ValidationErrors errors);

    /// <summary>Runs the operation and writes its output, if it has one, in the request's codec; returns whether it wrote a body.</summary>
    public abstract ValueTask<bool> ExecuteAsync(RequestContext context, object input, PooledBufferWriter output, WireContentType codec, CancellationToken cancellationToken);

    /// <summary>For an operation that answers with an event stream: checks everything a plain answer would and returns the stream; null for the others.</summary>
    public virtual ValueTask<IEventStreamBody?> OpenEventStreamAsync(RequestContext context, object input, WireContentType codec, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IEventStreamBody?>(null);

    protected static T Read<T>(ReadOnlyMemory<byte> body, WireContentType codec)
        where T : IWireShape<T> =>
        codec == WireContentType.AwsCbor11 ? AwsCborCodec.Read<T>(body) : AwsJsonCodec.Read<T>(body.Span);

    protected static void Write<T>(PooledBufferWriter output, T value, WireContentType codec)
        where T : IWireShape<T>
    {
        if (codec == WireContentType.AwsCbor11)
        {
            AwsCborCodec.Write(output, value);
        }
        else
        {
            AwsJsonCodec.Write(output, value);
        }
    }
}

/// <summary>Parses and validates the input shape every handler of an operation taking <typeparamref name="TInput"/> shares.</summary>
internal abstract class OperationHandlerOf<TInput> : OperationHandler
    where TInput : IWireShape<TInput>
{
    public sealed override object Parse(ReadOnlyMemory<byte> body, WireContentType codec) => Read<TInput>(body, codec);

    public sealed override void Validate(object input, ValidationErrors errors) => ((TInput)input).Validate(errors, "");
}

internal sealed class OperationHandler<TInput, TOutput> : OperationHandlerOf<TInput>
    where TInput : IWireShape<TInput>
    where TOutput : IWireShape<TOutput>
{
    private readonly IOperation<TInput, TOutput> _operation;

    public OperationHandler(IOperation<TInput, TOutput> operation) => _operation = operation;

    public override async ValueTask<bool> ExecuteAsync(RequestContext context, object input, PooledBufferWriter output, WireContentType codec, CancellationToken cancellationToken)
    {
        var result = await _operation.ExecuteAsync(context, (TInput)input, cancellationToken).ConfigureAwait(false);
        Write(output, result, codec);
        return true;
    }
}

internal sealed class OperationHandler<TInput> : OperationHandlerOf<TInput>
    where TInput : IWireShape<TInput>
{
    private readonly IOperation<TInput> _operation;

    public OperationHandler(IOperation<TInput> operation) => _operation = operation;

    public override async ValueTask<bool> ExecuteAsync(RequestContext context, object input, PooledBufferWriter output, WireContentType codec, CancellationToken cancellationToken)
    {
        await _operation.ExecuteAsync(context, (TInput)input, cancellationToken).ConfigureAwait(false);
        return false;
    }
}

/// <summary>An operation whose answer is an event stream: every error up to its start is an ordinary error response.</summary>
internal sealed class EventStreamOperationHandler<TInput> : OperationHandlerOf<TInput>
    where TInput : IWireShape<TInput>
{
    private readonly IEventStreamOperation<TInput> _operation;

    public EventStreamOperationHandler(IEventStreamOperation<TInput> operation) => _operation = operation;

    public override async ValueTask<IEventStreamBody?> OpenEventStreamAsync(RequestContext context, object input, WireContentType codec, CancellationToken cancellationToken) =>
        await _operation.OpenAsync(context, (TInput)input, codec, cancellationToken).ConfigureAwait(false);

    public override ValueTask<bool> ExecuteAsync(RequestContext context, object input, PooledBufferWriter output, WireContentType codec, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("An event-stream operation is opened, not executed.");
}
