using Rivulet.Storage.Memory;

namespace Rivulet.Storage.Tests;

public sealed class MemoryStreamStoreTests : ShardLogConformanceTests
{
    protected override IStreamStore CreateStore() => new MemoryStreamStore(Clock);
}
