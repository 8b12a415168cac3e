using Rivulet.Api.Dispatch;
using Rivulet.Protocol.Dispatch;
using Rivulet.Protocol.Model;

namespace Rivulet.Api.Operations;

/// <summary>An AWS operation with an output shape.</summary>
internal interface IOperation<TInput, TOutput>
    where TInput : IWireShape<TInput>
    where TOutput : IWireShape<TOutput>
{
    ValueTask<TOutput> ExecuteAsync(RequestContext context, TInput input, CancellationToken cancellationToken);
}

/// <summary>An AWS operation without an output shape: success is an empty 200 body.</summary>
internal interface IOperation<TInput>
    where TInput : IWireShape<TInput>
{
    ValueTask ExecuteAsync(RequestContext context, TInput input, CancellationToken cancellationToken);
}

/// <summary>An AWS operation that answers with an event stream (SubscribeToShard), in the request's codec.</summary>
internal interface IEventStreamOperation<TInput>
    where TInput : IWireShape<TInput>
{
    ValueTask<IEventStreamBody> OpenAsync(RequestContext context, TInput input, WireContentType codec, CancellationToken cancellationToken);
}
