using System.Text;
using Microsoft.Extensions.Time.Testing;
using Rivulet.Api.Dispatch;
using Rivulet.Api.Faults;
using Rivulet.Api.Throughput;
using Rivulet.Protocol.Model;
using Rivulet.Storage.Memory;

namespace Rivulet.Api.Tests.Faults;

/// <summary>
/// Faults and latency injected on purpose: AWS's errors as AWS sends them (per entry in PutRecords,
/// the shard in the message), nothing changed by a failed call, a plan swapped between two calls,
/// and the latency waited on the service's clock.
/// </summary>
public sealed class FaultInjectionTests
{
    [Fact]
    public async Task A_PutRecords_throughput_fault_fails_entries_as_AWS_does_and_stores_only_the_others()
    {
        var (api, faults) = Harness(new Random(7));
        await api.CreateStreamAsync("s");
        faults.Plan = Plan("PutRecords=0.5:ProvisionedThroughputExceededException");
        var answer = await api.OkAsync("PutRecords", new { StreamName = "s", Records = Enumerable.Range(0, 200).Select(i => new { PartitionKey = $"k{i}", Data = "AAAA" }) });
        var failed = answer["FailedRecordCount"]!.GetValue<int>();
        Assert.InRange(failed, 1, 199);
        var entries = answer["Records"]!.AsArray();
        Assert.Equal(failed, entries.Count(entry => entry!["ErrorCode"] is not null));
        Assert.All(entries.Where(entry => entry!["ErrorCode"] is not null), entry =>
        {
            Assert.Equal("ProvisionedThroughputExceededException", entry!["ErrorCode"]!.GetValue<string>());
            Assert.Equal("Rate exceeded for shard shardId-000000000000 in stream s under account 000000000000.", entry["ErrorMessage"]!.GetValue<string>());
        });

        faults.Plan = FaultPlan.None;
        Assert.Equal(200 - failed, await CountAsync(api));
    }

    [Fact]
    public async Task Faults_turn_on_and_off_between_two_calls()
    {
        var (api, faults) = Harness();
        await api.CreateStreamAsync("s");
        faults.Plan = Plan("PutRecord=1:ProvisionedThroughputExceededException,GetShardIterator=1:ProvisionedThroughputExceededException");
        var refused = await api.ErrorAsync("PutRecord", new { StreamName = "s", PartitionKey = "k", Data = "AAAA" }, "ProvisionedThroughputExceededException");
        Assert.Equal("Rate exceeded for shard shardId-000000000000 in stream s under account 000000000000.", refused.Message);
        await api.ErrorAsync("GetShardIterator", new { StreamName = "s", ShardId = "shardId-000000000000", ShardIteratorType = "LATEST" }, "ProvisionedThroughputExceededException");

        faults.Plan = FaultPlan.None;
        await api.OkAsync("PutRecord", new { StreamName = "s", PartitionKey = "k", Data = "AAAA" });
        Assert.Equal(1, await CountAsync(api));
    }

    [Fact]
    public async Task An_InternalFailure_answers_500_and_changes_nothing()
    {
        var (api, faults) = Harness();
        faults.Plan = Plan("CreateStream=1,PutRecords=1:InternalFailure");
        var failed = await api.CallAsync("CreateStream", new { StreamName = "s", ShardCount = 1 });
        Assert.Equal((500, "InternalFailureException", "Internal Service Failure"), (failed.Status, failed.Type, failed.Message));
        Assert.Empty((await api.OkAsync("ListStreams", new { }))["StreamNames"]!.AsArray());

        faults.Plan = Plan("PutRecords=1:InternalFailure");
        await api.CreateStreamAsync("s");
        Assert.Equal(500, (await api.CallAsync("PutRecords", new { StreamName = "s", Records = new[] { new { PartitionKey = "k", Data = "AAAA" } } })).Status);
        faults.Plan = FaultPlan.None;
        Assert.Equal(0, await CountAsync(api));
    }

    [Fact]
    public async Task A_LimitExceeded_fault_names_the_account_and_a_wildcard_reaches_only_operations_that_answer_its_error()
    {
        var (api, faults) = Harness();
        await api.CreateStreamAsync("s");
        faults.Plan = Plan("*=1:LimitExceededException");
        var refused = await api.ErrorAsync("DescribeStream", new { StreamName = "s" }, "LimitExceededException");
        Assert.Equal("Rate exceeded for account 000000000000.", refused.Message);

        // The data plane never answers LimitExceeded, so the wildcard passes it by.
        await api.OkAsync("PutRecord", new { StreamName = "s", PartitionKey = "k", Data = "AAAA" });

        faults.Plan = Plan("*=1:ProvisionedThroughputExceededException,ListShards=0");
        await api.ErrorAsync("PutRecord", new { StreamName = "s", PartitionKey = "k", Data = "AAAA" }, "ProvisionedThroughputExceededException");
        await api.OkAsync("DescribeStream", new { StreamName = "s" });
        await api.OkAsync("ListShards", new { StreamName = "s" });
    }

    [Fact]
    public async Task Latency_holds_the_answer_for_as_long_as_the_plan_says_on_the_service_s_clock()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_763_700_000_000));
        var faults = new FaultInjection(UnlimitedThroughput.Instance, Plan(null, "ListStreams=1000"));
        var service = new KinesisService(new MemoryStreamStore(clock), new KinesisOptions { TokenKey = new byte[32] }, clock, faults);
        var answer = service.HandleAsync(ApiHarness.Request("ListStreams", "{}"u8.ToArray()), default).AsTask();
        Assert.False(answer.IsCompleted);
        clock.Advance(TimeSpan.FromMilliseconds(999));
        Assert.False(answer.IsCompleted);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        using var response = await answer.WaitAsync(TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken);
        Assert.Equal(200, response.StatusCode);

        // Other operations are not held.
        using var other = await service.HandleAsync(ApiHarness.Request("DescribeLimits", "{}"u8.ToArray()), default);
        Assert.Equal(200, other.StatusCode);
    }

    [Theory]
    [InlineData("PutRecord=0.5", "PutRecord", 0.5, "InternalFailure")]
    [InlineData("GetRecords=1:ProvisionedThroughputExceededException", "GetRecords", 1.0, "ProvisionedThroughputExceededException")]
    [InlineData(" * = 0.25 : LimitExceededException ", "*", 0.25, "LimitExceededException")]
    [InlineData("ListShards=0:InternalFailureException", "ListShards", 0.0, "InternalFailure")]
    public void Faults_parse_from_the_command_line_syntax(string text, string operation, double probability, string error)
    {
        Assert.True(FaultPlan.TryParseFaults(text.Replace(" ", "", StringComparison.Ordinal), out var faults, out var message), message);
        Assert.Equal(new Fault(probability, error), faults[operation]);
    }

    [Theory]
    [InlineData("PutRecordz=0.5", "unknown operation")]
    [InlineData("PutRecord=1.5", "probability from 0 to 1")]
    [InlineData("PutRecord=half", "probability from 0 to 1")]
    [InlineData("PutRecord=1:Boom", "the error must be")]
    [InlineData("GetRecords=1:LimitExceededException", "GetRecords never answers LimitExceededException")]
    [InlineData("CreateStream=1:ProvisionedThroughputExceededException", "CreateStream never answers ProvisionedThroughputExceededException")]
    public void A_fault_that_cannot_be_says_why(string text, string reason)
    {
        Assert.False(FaultPlan.TryParseFaults(text, out _, out var message));
        Assert.Contains(reason, message, StringComparison.Ordinal);
    }

    [Fact]
    public void Latency_parses_per_operation_with_a_wildcard_and_a_bound()
    {
        Assert.True(FaultPlan.TryParseLatency("GetRecords=200,*=10", out var latency, out _));
        var plan = new FaultPlan { Latency = latency };
        Assert.Equal((200, 10), (plan.LatencyFor(KinesisOperation.GetRecords), plan.LatencyFor(KinesisOperation.PutRecord)));
        Assert.Equal("GetRecords=200,*=10", plan.LatencyText);
        Assert.False(FaultPlan.TryParseLatency("GetRecords=600001", out _, out _));
        Assert.False(FaultPlan.TryParseLatency("GetRecords=-1", out _, out _));
    }

    private static (ApiHarness Api, FaultInjection Faults) Harness(Random? random = null)
    {
        var faults = new FaultInjection(UnlimitedThroughput.Instance, random: random);
        return (new ApiHarness(new KinesisOptions { TokenKey = new byte[32] }, clock => new MemoryStreamStore(clock), faults), faults);
    }

    private static FaultPlan Plan(string? faults, string? latency = null)
    {
        Assert.True(FaultPlan.TryParseFaults(faults, out var parsedFaults, out var error), error);
        Assert.True(FaultPlan.TryParseLatency(latency, out var parsedLatency, out error), error);
        return new FaultPlan { Faults = parsedFaults, Latency = parsedLatency };
    }

    private static async Task<int> CountAsync(ApiHarness api)
    {
        var iterator = (await api.OkAsync("GetShardIterator", new { StreamName = "s", ShardId = "shardId-000000000000", ShardIteratorType = "TRIM_HORIZON" }))["ShardIterator"]!.GetValue<string>();
        var records = await api.OkAsync("GetRecords", new { ShardIterator = iterator });
        return records["Records"]!.AsArray().Count;
    }
}
