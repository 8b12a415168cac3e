using System.Collections.Concurrent;

namespace Rivulet.Storage.Local;

/// <summary>
/// The commit loop of <see cref="FsyncMode.Always"/>. An append writes its frames, queues its log
/// here (once per round) and waits. Each round takes every log queued since the last one, syncs
/// each log's active file once, then acknowledges all the appends those syncs covered; appends that
/// arrive during a round's syncs wait for the next. So concurrent appenders, to one shard or many,
/// share one sync per file per round instead of paying one each.
/// The loop has a thread of its own that spins briefly before sleeping: a sync takes a fraction of
/// a millisecond, and waking a pooled task for every round cost about as much again.
/// </summary>
internal sealed class GroupCommit
{
    private readonly ConcurrentQueue<LocalShardLog> _queue = new();
    private readonly ManualResetEventSlim _work = new(false, spinCount: 2000);
    private readonly StoreContext _store;
    private readonly Thread _thread;
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _stopping;

    public GroupCommit(StoreContext store)
    {
        _store = store;
        _thread = new Thread(Run) { IsBackground = true, Name = "rivulet group commit" };
        _thread.Start();
    }

    public void Schedule(LocalShardLog log)
    {
        _queue.Enqueue(log);
        _work.Set();
    }

    /// <summary>Commits what is queued, then ends the loop.</summary>
    public Task StopAsync()
    {
        _stopping = true;
        _work.Set();
        return _stopped.Task;
    }

    private void Run()
    {
        var rounds = new List<CommitRound>();
        while (true)
        {
            _work.Wait();
            _work.Reset();
            try
            {
                while (_queue.TryDequeue(out var log))
                {
                    if (log.BeginCommit() is { } round)
                    {
                        rounds.Add(round);
                    }
                }

                foreach (var round in rounds)
                {
                    round.Sync();
                }

                foreach (var round in rounds)
                {
                    round.Log.EndCommit(round);
                }
            }
            catch (Exception exception)
            {
                // A bug here would leave appenders waiting forever; say so loudly and keep committing.
                _store.Report($"rivulet storage: the commit loop failed: {exception}");
            }
            finally
            {
                rounds.Clear();
            }

            if (_stopping && _queue.IsEmpty)
            {
                _stopped.TrySetResult();
                return;
            }
        }
    }
}
