using System.Text.Json.Nodes;
using Rivulet.Storage.Local;

namespace Rivulet.Api.Tests.Operations;

/// <summary>
/// DescribeAccountSettings and UpdateAccountSettings (the minimum throughput billing commitment), and
/// the warm throughput it unlocks for on-demand streams (UpdateStreamWarmThroughput, CreateStream).
/// </summary>
public sealed class AccountSettingsTests : IDisposable
{
    private const string Arn = "arn:aws:kinesis:us-east-1:000000000000:stream/s";
    private static readonly TimeSpan Day = TimeSpan.FromHours(24);

    private readonly ApiHarness _api = new();
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "rivulet-settings-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task An_account_starts_without_the_commitment()
    {
        var settings = await _api.OkAsync("DescribeAccountSettings", new { });

        Assert.Equal("""{"MinimumThroughputBillingCommitment":{"Status":"DISABLED"}}""", settings.ToJsonString());
    }

    [Fact]
    public async Task Enabling_starts_a_commitment_of_at_least_a_day()
    {
        var started = _api.Clock.NowMs / 1000.0;

        var updated = await _api.OkAsync("UpdateAccountSettings", new { MinimumThroughputBillingCommitment = new { Status = "ENABLED" } });

        var commitment = updated["MinimumThroughputBillingCommitment"]!.AsObject();
        Assert.Equal("ENABLED", commitment["Status"]!.GetValue<string>());
        Assert.Equal(started, commitment["StartedAt"]!.GetValue<double>());
        Assert.Equal(started + Day.TotalSeconds, commitment["EarliestAllowedEndAt"]!.GetValue<double>());
        Assert.False(commitment.ContainsKey("EndedAt"));
        Assert.Equal(updated.ToJsonString(), (await _api.OkAsync("DescribeAccountSettings", new { })).ToJsonString());
    }

    [Fact]
    public async Task Disabling_within_the_first_day_takes_effect_at_its_end()
    {
        var started = _api.Clock.NowMs / 1000.0;
        await _api.OkAsync("UpdateAccountSettings", new { MinimumThroughputBillingCommitment = new { Status = "ENABLED" } });
        _api.Clock.Advance(TimeSpan.FromHours(2));

        var pending = (await _api.OkAsync("UpdateAccountSettings", new { MinimumThroughputBillingCommitment = new { Status = "DISABLED" } }))["MinimumThroughputBillingCommitment"]!;

        Assert.Equal("ENABLED_UNTIL_EARLIEST_ALLOWED_END", pending["Status"]!.GetValue<string>());
        Assert.Equal(started + Day.TotalSeconds, pending["EarliestAllowedEndAt"]!.GetValue<double>());
        _api.Clock.Advance(TimeSpan.FromHours(22) - TimeSpan.FromMilliseconds(1));
        Assert.Equal("ENABLED_UNTIL_EARLIEST_ALLOWED_END", (await CommitmentAsync())["Status"]!.GetValue<string>());
        _api.Clock.Advance(TimeSpan.FromMilliseconds(1));
        var ended = await CommitmentAsync();
        Assert.Equal(("DISABLED", started, started + Day.TotalSeconds), (ended["Status"]!.GetValue<string>(), ended["StartedAt"]!.GetValue<double>(), ended["EndedAt"]!.GetValue<double>()));
        Assert.False(ended.ContainsKey("EarliestAllowedEndAt"));
    }

    [Fact]
    public async Task Enabling_again_before_the_end_cancels_a_pending_disable()
    {
        var started = _api.Clock.NowMs / 1000.0;
        await _api.OkAsync("UpdateAccountSettings", new { MinimumThroughputBillingCommitment = new { Status = "ENABLED" } });
        await _api.OkAsync("UpdateAccountSettings", new { MinimumThroughputBillingCommitment = new { Status = "DISABLED" } });
        _api.Clock.Advance(TimeSpan.FromHours(1));

        var enabled = (await _api.OkAsync("UpdateAccountSettings", new { MinimumThroughputBillingCommitment = new { Status = "ENABLED" } }))["MinimumThroughputBillingCommitment"]!;

        Assert.Equal(("ENABLED", started), (enabled["Status"]!.GetValue<string>(), enabled["StartedAt"]!.GetValue<double>()));
        _api.Clock.Advance(Day);
        Assert.Equal("ENABLED", (await CommitmentAsync())["Status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Disabling_after_the_first_day_is_immediate_and_enabling_later_starts_anew()
    {
        await _api.OkAsync("UpdateAccountSettings", new { MinimumThroughputBillingCommitment = new { Status = "ENABLED" } });
        _api.Clock.Advance(Day + TimeSpan.FromHours(3));
        var endedAt = _api.Clock.NowMs / 1000.0;

        var disabled = (await _api.OkAsync("UpdateAccountSettings", new { MinimumThroughputBillingCommitment = new { Status = "DISABLED" } }))["MinimumThroughputBillingCommitment"]!;
        Assert.Equal(("DISABLED", endedAt), (disabled["Status"]!.GetValue<string>(), disabled["EndedAt"]!.GetValue<double>()));

        _api.Clock.Advance(TimeSpan.FromHours(1));
        var again = (await _api.OkAsync("UpdateAccountSettings", new { MinimumThroughputBillingCommitment = new { Status = "ENABLED" } }))["MinimumThroughputBillingCommitment"]!.AsObject();
        Assert.Equal(_api.Clock.NowMs / 1000.0, again["StartedAt"]!.GetValue<double>());
        Assert.False(again.ContainsKey("EndedAt"));
    }

    [Fact]
    public async Task Statuses_other_than_ENABLED_and_DISABLED_are_refused()
    {
        var pending = await _api.ErrorAsync("UpdateAccountSettings", new { MinimumThroughputBillingCommitment = new { Status = "ENABLED_UNTIL_EARLIEST_ALLOWED_END" } }, "ValidationException");
        await _api.ErrorAsync("UpdateAccountSettings", new { }, "ValidationException");
        await _api.ErrorAsync("UpdateAccountSettings", new { MinimumThroughputBillingCommitment = new { } }, "ValidationException");

        Assert.Equal("1 validation error detected: Value at 'minimumThroughputBillingCommitment.status' failed to satisfy constraint: Member must satisfy enum value set: [ENABLED, DISABLED].", pending.Message);
    }

    [Fact]
    public async Task Settings_belong_to_the_account_and_survive_a_restart()
    {
        var clock = new TestClock(DateTimeOffset.FromUnixTimeMilliseconds(1_763_700_000_000));
        await using (var store = await LocalStreamStore.OpenAsync(new LocalStoreOptions { DataDirectory = _dataDirectory, TimeProvider = clock }))
        {
            var api = new ApiHarness(store: _ => store);
            await api.OkAsync("UpdateAccountSettings", new { MinimumThroughputBillingCommitment = new { Status = "ENABLED" } });
            var other = ApiHarness.Authorization.Replace("AKIAIOSFODNN7EXAMPLE", "111122223333", StringComparison.Ordinal);
            Assert.Equal("DISABLED", (await api.CallAsync("DescribeAccountSettings", new { }, other)).Json!["MinimumThroughputBillingCommitment"]!["Status"]!.GetValue<string>());
        }

        await using (var store = await LocalStreamStore.OpenAsync(new LocalStoreOptions { DataDirectory = _dataDirectory, TimeProvider = clock }))
        {
            var api = new ApiHarness(store: _ => store);
            var commitment = (await api.OkAsync("DescribeAccountSettings", new { }))["MinimumThroughputBillingCommitment"]!;
            Assert.Equal(("ENABLED", 1_763_700_000.0), (commitment["Status"]!.GetValue<string>(), commitment["StartedAt"]!.GetValue<double>()));
        }
    }

    [Fact]
    public async Task Warm_throughput_scales_an_on_demand_stream_toward_its_target()
    {
        var api = new ApiHarness(new KinesisOptions { TokenKey = new byte[32], UpdateStreamDelay = TimeSpan.FromSeconds(5) });
        await api.OkAsync("UpdateAccountSettings", new { MinimumThroughputBillingCommitment = new { Status = "ENABLED" } });
        await api.OkAsync("CreateStream", new { StreamName = "s", StreamModeDetails = new { StreamMode = "ON_DEMAND" } });
        Assert.Equal("""{"CurrentMiBps":4}""", (await SummaryAsync(api))["WarmThroughput"]!.ToJsonString());

        var output = await api.OkAsync("UpdateStreamWarmThroughput", new { StreamARN = Arn, WarmThroughputMiBps = 200 });

        Assert.Equal("""{"StreamARN":"arn:aws:kinesis:us-east-1:000000000000:stream/s","StreamName":"s","WarmThroughput":{"TargetMiBps":200,"CurrentMiBps":4}}""", output.ToJsonString());
        Assert.Equal("UPDATING", (await SummaryAsync(api))["StreamStatus"]!.GetValue<string>());
        api.Clock.Advance(TimeSpan.FromSeconds(5));
        var summary = await SummaryAsync(api);
        Assert.Equal(("ACTIVE", """{"TargetMiBps":200,"CurrentMiBps":200}"""), (summary["StreamStatus"]!.GetValue<string>(), summary["WarmThroughput"]!.ToJsonString()));

        // The same or a lower value releases capacity.
        await api.OkAsync("UpdateStreamWarmThroughput", new { StreamName = "s", WarmThroughputMiBps = 20 });
        api.Clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal("""{"TargetMiBps":20,"CurrentMiBps":20}""", (await SummaryAsync(api))["WarmThroughput"]!.ToJsonString());
    }

    [Fact]
    public async Task Warm_throughput_needs_an_on_demand_stream_and_the_commitment_and_stays_within_10_GiBps()
    {
        await _api.OkAsync("CreateStream", new { StreamName = "s", StreamModeDetails = new { StreamMode = "ON_DEMAND" } });
        await _api.CreateStreamAsync("p");

        var uncommitted = await _api.ErrorAsync("UpdateStreamWarmThroughput", new { StreamName = "s", WarmThroughputMiBps = 100 }, "InvalidArgumentException");
        Assert.Equal("Warm throughput requires MinimumThroughputBillingCommitment to be ENABLED for account 000000000000. Enable it with UpdateAccountSettings.", uncommitted.Message);
        Assert.False((await SummaryAsync(_api)).ContainsKey("WarmThroughput"));

        await _api.OkAsync("UpdateAccountSettings", new { MinimumThroughputBillingCommitment = new { Status = "ENABLED" } });
        var provisioned = await _api.ErrorAsync("UpdateStreamWarmThroughput", new { StreamName = "p", WarmThroughputMiBps = 100 }, "InvalidArgumentException");
        var tooHigh = await _api.ErrorAsync("UpdateStreamWarmThroughput", new { StreamName = "s", WarmThroughputMiBps = 10241 }, "LimitExceededException");
        var negative = await _api.ErrorAsync("UpdateStreamWarmThroughput", new { StreamName = "s", WarmThroughputMiBps = -1 }, "ValidationException");
        var missing = await _api.ErrorAsync("UpdateStreamWarmThroughput", new { StreamName = "nope", WarmThroughputMiBps = 100 }, "ResourceNotFoundException");

        Assert.Equal("Warm throughput is only supported for streams in ON_DEMAND mode. Stream p under account 000000000000 is in PROVISIONED mode.", provisioned.Message);
        Assert.Equal("Requested warm throughput (10241 MiBps) exceeds the maximum warm throughput of 10240 MiBps for an on-demand stream.", tooHigh.Message);
        Assert.Equal("1 validation error detected: Value at 'warmThroughputMiBps' failed to satisfy constraint: Member must have value greater than or equal to 0.", negative.Message);
        Assert.Equal("Stream nope under account 000000000000 not found.", missing.Message);
        Assert.False((await SummaryAsync(_api, "p")).ContainsKey("WarmThroughput"));
        await _api.OkAsync("UpdateStreamWarmThroughput", new { StreamName = "s", WarmThroughputMiBps = 10240 });
    }

    [Fact]
    public async Task An_on_demand_stream_can_be_created_warm()
    {
        var refused = await _api.ErrorAsync("CreateStream", new { StreamName = "s", StreamModeDetails = new { StreamMode = "ON_DEMAND" }, WarmThroughputMiBps = 100 }, "InvalidArgumentException");
        var provisioned = await _api.ErrorAsync("CreateStream", new { StreamName = "s", ShardCount = 1, WarmThroughputMiBps = 100 }, "InvalidArgumentException");
        Assert.Contains("MinimumThroughputBillingCommitment", refused.Message, StringComparison.Ordinal);
        Assert.Equal("WarmThroughputMiBps can only be specified for streams in ON_DEMAND mode.", provisioned.Message);
        await _api.ErrorAsync("DescribeStream", new { StreamName = "s" }, "ResourceNotFoundException");

        await _api.OkAsync("UpdateAccountSettings", new { MinimumThroughputBillingCommitment = new { Status = "ENABLED" } });
        await _api.OkAsync("CreateStream", new { StreamName = "s", StreamModeDetails = new { StreamMode = "ON_DEMAND" }, WarmThroughputMiBps = 100 });

        Assert.Equal("""{"TargetMiBps":100,"CurrentMiBps":100}""", (await SummaryAsync(_api))["WarmThroughput"]!.ToJsonString());
    }

    private static async Task<JsonObject> SummaryAsync(ApiHarness api, string name = "s") =>
        (await api.OkAsync("DescribeStreamSummary", new { StreamName = name }))["StreamDescriptionSummary"]!.AsObject();

    private async Task<JsonObject> CommitmentAsync() =>
        (await _api.OkAsync("DescribeAccountSettings", new { }))["MinimumThroughputBillingCommitment"]!.AsObject();
}
