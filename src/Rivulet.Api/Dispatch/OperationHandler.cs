using Rivulet.Api.Operations;
using Rivulet.Protocol.AwsJson;
using Rivulet.Protocol.Buffers;
using Rivulet.Protocol.Model;
using Rivulet.Protocol.Validation;

namespace Rivulet.Api.Dispatch;

/// <summary>
/// Binds one operation to its shapes: parse, validate, run, write. Parsing is separate from the
/// rest because AWS checks authentication between them (wire reference §1.2).
/// </summary>
internal abstract class OperationHandler
{
    /// <summary>Reads the input; throws <see cref="Protocol.Errors.SerializationException"/> on bad JSON or types.</summary>
    public abstract object Parse(ReadOnlySpan<byte> body);

    public abstract void Validate(object input, ValidationErrors errors);

    /// <summary>Runs the operation and writes its output, if it has one, as JSON; returns whether it wrote a body.</summary>
    public abstract ValueTask<bool> ExecuteAsync(RequestContext context, object input, PooledBufferWriter output, CancellationToken cancellationToken);
}

internal sealed class OperationHandler<TInput, TOutput> : OperationHandler
    where TInput : IWireShape<TInput>
    where TOutput : IWireShape<TOutput>
{
    private readonly IOperation<TInput, TOutput> _operation;

    public OperationHandler(IOperation<TInput, TOutput> operation) => _operation = operation;

    public override object Parse(ReadOnlySpan<byte> body) => AwsJsonCodec.Read<TInput>(body);

    public override void Validate(object input, ValidationErrors errors) => ((TInput)input).Validate(errors, "");

    public override async ValueTask<bool> ExecuteAsync(RequestContext context, object input, PooledBufferWriter output, CancellationToken cancellationToken)
    {
        var result = await _operation.ExecuteAsync(context, (TInput)input, cancellationToken).ConfigureAwait(false);
        AwsJsonCodec.Write(output, result);
        return true;
    }
}

internal sealed class OperationHandler<TInput> : OperationHandler
    where TInput : IWireShape<TInput>
{
    private readonly IOperation<TInput> _operation;

    public OperationHandler(IOperation<TInput> operation) => _operation = operation;

    public override object Parse(ReadOnlySpan<byte> body) => AwsJsonCodec.Read<TInput>(body);

    public override void Validate(object input, ValidationErrors errors) => ((TInput)input).Validate(errors, "");

    public override async ValueTask<bool> ExecuteAsync(RequestContext context, object input, PooledBufferWriter output, CancellationToken cancellationToken)
    {
        await _operation.ExecuteAsync(context, (TInput)input, cancellationToken).ConfigureAwait(false);
        return false;
    }
}
