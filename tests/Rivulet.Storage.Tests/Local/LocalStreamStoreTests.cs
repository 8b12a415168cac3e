using System.Collections.Concurrent;
using Rivulet.Storage.Local;

namespace Rivulet.Storage.Tests.Local;

/// <summary>The whole conformance suite on disk, with tiny segments so that appends roll, reads cross segments and trimming deletes files.</summary>
public sealed class LocalStreamStoreTests : ShardLogConformanceTests
{
    private readonly TempDirectory _root = new();
    private readonly ConcurrentQueue<string> _errors = new();

    protected override IStreamStore CreateStore() => LocalStreamStore.OpenAsync(new LocalStoreOptions
    {
        DataDirectory = _root.NewSubdirectory(),
        SegmentBytes = 4096,
        IndexIntervalBytes = 512,
        TimeProvider = Clock,
        ErrorSink = _errors.Enqueue,
    }).GetAwaiter().GetResult();

    protected override async Task<IStreamStore?> ReopenAsync(IStreamStore store)
    {
        var options = ((LocalStreamStore)store).Options;
        await store.DisposeAsync();
        return await LocalStreamStore.OpenAsync(options);
    }

    protected override ValueTask DisposeBackendAsync()
    {
        _root.Dispose();
        Assert.Empty(_errors);
        return ValueTask.CompletedTask;
    }
}
