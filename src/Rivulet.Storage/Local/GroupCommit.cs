using System.Threading.Channels;

namespace Rivulet.Storage.Local;

/// <summary>
/// The commit loop of <see cref="FsyncMode.Always"/>. An append writes its frames, queues its log
/// here (once per round) and waits. Each round takes every log queued since the last one, syncs
/// each log's active file once, then acknowledges all the appends those syncs covered; appends that
/// arrive during a round's syncs wait for the next. So concurrent appenders, to one shard or many,
/// share one sync per file per round instead of paying one each.
/// </summary>
internal sealed class GroupCommit
{
    private readonly Channel<LocalShardLog> _queue = Channel.CreateUnbounded<LocalShardLog>(new UnboundedChannelOptions { SingleReader = true });
    private readonly StoreContext _store;
    private readonly Task _loop;

    public GroupCommit(StoreContext store)
    {
        _store = store;
        _loop = Task.Run(RunAsync);
    }

    public void Schedule(LocalShardLog log) => _queue.Writer.TryWrite(log);

    /// <summary>Commits what is queued, then ends the loop.</summary>
    public Task StopAsync()
    {
        _queue.Writer.TryComplete();
        return _loop;
    }

    private async Task RunAsync()
    {
        var rounds = new List<CommitRound>();
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            try
            {
                while (_queue.Reader.TryRead(out var log))
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
        }
    }
}
