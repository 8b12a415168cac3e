using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Rivulet.Api;
using Rivulet.Api.Dispatch;
using Rivulet.Api.Faults;
using Rivulet.Api.Throughput;

namespace Rivulet.Benchmarks;

/// <summary>
/// What the limits and fault injection cost a 500-entry PutRecords of 100 B records, side by side:
/// no gate at all, the server's gate with <c>--limits off</c> and no faults, and with
/// <c>--limits aws</c> and a clock a second further on at every request, so that every entry is
/// admitted and the cost is the buckets', not refusals'.
/// </summary>
[MemoryDiagnoser]
public class ThroughputGateBenchmarks
{
    private const int Entries = 500;

    private KinesisService _none = null!;
    private KinesisService _off = null!;
    private KinesisService _on = null!;
    private byte[] _body = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _none = await ServiceAsync(null, TimeProvider.System);
        // As the server builds them: the limits behind fault injection with no faults planned.
        _off = await ServiceAsync(new FaultInjection(new AwsThroughputLimits(onByDefault: false)), TimeProvider.System);
        _on = await ServiceAsync(new FaultInjection(new AwsThroughputLimits(onByDefault: true)), new SteppingClock());
        _body = BenchRequests.PutRecordsBody(Entries);
    }

    [Benchmark(Baseline = true, Description = "no gate")]
    public Task<int> NoGate() => PutAsync(_none);

    [Benchmark(Description = "--limits off")]
    public Task<int> LimitsOff() => PutAsync(_off);

    [Benchmark(Description = "--limits aws, all admitted")]
    public Task<int> LimitsOn() => PutAsync(_on);

    private async Task<int> PutAsync(KinesisService service)
    {
        using var response = await service.HandleAsync(BenchRequests.Request("PutRecords", _body), default);
        return response.StatusCode;
    }

    private static async Task<KinesisService> ServiceAsync(IThroughputGate? gate, TimeProvider time)
    {
        var service = new KinesisService(new DiscardingStreamStore(), new KinesisOptions { TokenKey = new byte[32] }, time, gate);
        using var created = await service.HandleAsync(BenchRequests.Request("CreateStream", """{"StreamName":"bench","ShardCount":4}"""u8.ToArray()), default);
        return service;
    }

    // Each reading is a second after the last, so the buckets are full again at every request.
    private sealed class SteppingClock : TimeProvider
    {
        private long _nowMs = 1_763_700_000_000;

        public override DateTimeOffset GetUtcNow() => DateTimeOffset.FromUnixTimeMilliseconds(Interlocked.Add(ref _nowMs, 1000));
    }
}
