namespace Rivulet.Storage;

/// <summary>
/// How a shard log lets <see cref="IShardLog.WaitAsync"/> callers sleep until it grows. The log calls
/// <see cref="Next"/> and <see cref="Signal"/> under its own lock; <see cref="WaitAsync"/> is the
/// waiting loop both engines share.
/// </summary>
internal sealed class LogGrowth
{
    private TaskCompletionSource? _next;

    /// <summary>Completes at the next <see cref="Signal"/>. Continuations run asynchronously, so signalling under a lock is safe.</summary>
    public Task Next => (_next ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public void Signal()
    {
        _next?.TrySetResult();
        _next = null;
    }

    /// <param name="check">Under the log's lock: null once the awaited position exists, else <see cref="Next"/>.</param>
    /// <returns>True once the position exists, false when cancelled.</returns>
    public static async ValueTask<bool> WaitAsync(Func<Task?> check, CancellationToken cancellationToken)
    {
        while (check() is { } grown)
        {
            try
            {
                await grown.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return false;
            }
        }

        return true;
    }
}
