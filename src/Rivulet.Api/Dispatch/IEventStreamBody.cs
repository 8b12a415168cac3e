namespace Rivulet.Api.Dispatch;

/// <summary>
/// An answer the host sends as it is produced (SubscribeToShard's event stream): the status and
/// headers go first, then every message the body hands to the sink, until it returns.
/// </summary>
public interface IEventStreamBody
{
    /// <param name="cancellationToken">Cancelled when the client goes away; the body then lets go of everything at once.</param>
    Task RunAsync(IEventSink sink, CancellationToken cancellationToken);
}

/// <summary>Where an event stream's messages go.</summary>
public interface IEventSink
{
    /// <summary>
    /// Sends one whole message. Completes once the transport has taken it, which waits while the
    /// client's flow-control window is shut: that is how a slow reader paces the stream. The bytes
    /// may be reused when it completes.
    /// </summary>
    ValueTask SendAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken);
}
