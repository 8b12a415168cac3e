namespace Rivulet.Server.Tests;

public sealed class CommandLineTests
{
    private static readonly Func<string, string?> NoEnvironment = _ => null;

    [Fact]
    public void Defaults_match_the_README()
    {
        Assert.True(CommandLine.TryParse(["serve"], NoEnvironment, out var options, out _));

        Assert.Equal(new ServerOptions(), options);
        Assert.Equal("127.0.0.1", options.Host);
        Assert.Equal(4567, options.Port);
        Assert.Equal("./rivulet-data", options.DataDir);
        Assert.Equal("us-east-1", options.Region);
        Assert.Equal("000000000000", options.AccountId);
        Assert.False(options.InMemory);
        Assert.Equal(4568, options.TlsPort);
        Assert.Equal(AuthMode.None, options.Auth);
        Assert.Null(options.TlsCertificatePath);
    }

    [Fact]
    public void TLS_and_signature_verification_are_set_by_flags_or_variables()
    {
        var environment = new Dictionary<string, string> { ["RIVULET_AUTH"] = "verify", ["RIVULET_CREDENTIALS"] = "/etc/rivulet/credentials", ["RIVULET_TLS_PORT"] = "0" };
        Assert.True(CommandLine.TryParse(["serve", "--tls-cert", "c.pem", "--tls-key", "k.pem"], k => environment.GetValueOrDefault(k), out var options, out _));
        Assert.Equal((AuthMode.Verify, "/etc/rivulet/credentials", (int?)0, "c.pem", "k.pem"), (options.Auth, options.CredentialsPath, options.TlsPort, options.TlsCertificatePath, options.TlsKeyPath));

        Assert.True(CommandLine.TryParse(["serve", "--tls-port", "off"], NoEnvironment, out options, out _));
        Assert.Null(options.TlsPort);
    }

    [Fact]
    public void Limits_and_the_fan_out_settings_are_set_by_flags_or_variables()
    {
        var environment = new Dictionary<string, string> { ["RIVULET_LIMITS"] = "aws", ["RIVULET_HEARTBEAT_MS"] = "250" };
        Assert.True(CommandLine.TryParse(["serve", "--consumer-ms", "1500", "--subscription-ms", "60000"], k => environment.GetValueOrDefault(k), out var options, out _));
        Assert.Equal((LimitsMode.Aws, TimeSpan.FromMilliseconds(1500), TimeSpan.FromMinutes(1), TimeSpan.FromMilliseconds(250)), (options.Limits, options.ConsumerDelay, options.SubscriptionLifetime, options.SubscriptionHeartbeat));

        Assert.True(CommandLine.TryParse(["serve"], NoEnvironment, out options, out _));
        Assert.Equal((LimitsMode.Off, TimeSpan.Zero, TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(5)), (options.Limits, options.ConsumerDelay, options.SubscriptionLifetime, options.SubscriptionHeartbeat));
    }

    [Fact]
    public void Faults_and_latency_are_set_by_flags_or_variables()
    {
        var environment = new Dictionary<string, string> { ["RIVULET_LATENCY"] = "GetRecords=200" };
        Assert.True(CommandLine.TryParse(["serve", "--fault", "PutRecords=0.1:ProvisionedThroughputExceededException,*=0.01"], k => environment.GetValueOrDefault(k), out var options, out var error), error);
        Assert.Equal("PutRecords=0.1:ProvisionedThroughputExceededException,*=0.01:InternalFailure", options.Faults.FaultsText);
        Assert.Equal("GetRecords=200", options.Faults.LatencyText);

        Assert.True(CommandLine.TryParse(["serve"], NoEnvironment, out options, out _));
        Assert.True(options.Faults.IsEmpty);
    }

    [Theory]
    [InlineData("serve --fault PutRecord=2", "--fault")]
    [InlineData("serve --fault GetRecords=1:LimitExceededException", "GetRecords never answers LimitExceededException")]
    [InlineData("serve --latency Nothing=5", "--latency")]
    [InlineData("serve --auth verify", "--credentials")]
    [InlineData("serve --auth maybe", "--auth")]
    [InlineData("serve --tls-cert c.pem", "--tls-key")]
    [InlineData("serve --tls-key k.pem", "--tls-cert")]
    [InlineData("serve --tls-port 70000", "--tls-port")]
    [InlineData("serve --limits some", "--limits")]
    [InlineData("serve --heartbeat-ms 0", "--heartbeat-ms")]
    public void Options_that_need_one_another_are_refused_alone(string line, string named)
    {
        Assert.False(CommandLine.TryParse(line.Split(' '), NoEnvironment, out _, out var error));
        Assert.Contains(named, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Flags_override_environment_variables()
    {
        var environment = new Dictionary<string, string> { ["RIVULET_PORT"] = "5000", ["RIVULET_REGION"] = "eu-west-1", ["RIVULET_IN_MEMORY"] = "true" };

        Assert.True(CommandLine.TryParse(["serve", "--port", "6000", "--account-id", "123456789012"], k => environment.GetValueOrDefault(k), out var options, out _));

        Assert.Equal(6000, options.Port);
        Assert.Equal("eu-west-1", options.Region);
        Assert.Equal("123456789012", options.AccountId);
        Assert.True(options.InMemory);
    }

    [Theory]
    [InlineData("--host", "RIVULET_HOST")]
    [InlineData("--in-memory", "RIVULET_IN_MEMORY")]
    [InlineData("--shard-limit", "RIVULET_SHARD_LIMIT")]
    [InlineData("--stream-delay-ms", "RIVULET_STREAM_DELAY_MS")]
    [InlineData("--write-timeout-ms", "RIVULET_WRITE_TIMEOUT_MS")]
    [InlineData("--tls-port", "RIVULET_TLS_PORT")]
    [InlineData("--auth", "RIVULET_AUTH")]
    [InlineData("--credentials", "RIVULET_CREDENTIALS")]
    [InlineData("--limits", "RIVULET_LIMITS")]
    [InlineData("--consumer-ms", "RIVULET_CONSUMER_MS")]
    [InlineData("--subscription-ms", "RIVULET_SUBSCRIPTION_MS")]
    [InlineData("--heartbeat-ms", "RIVULET_HEARTBEAT_MS")]
    public void Help_names_each_flag_with_its_environment_variable(string flag, string variable)
    {
        var line = CommandLine.Usage.Split('\n').Single(l => l.TrimStart().StartsWith(flag + " ", StringComparison.Ordinal));

        Assert.Contains(variable, line, StringComparison.Ordinal);
    }

    [Fact]
    public void A_flag_without_its_value_and_an_unknown_one_are_named_in_the_error()
    {
        Assert.False(CommandLine.TryParse(["serve", "--region"], NoEnvironment, out _, out var missing));
        Assert.Contains("--region", missing, StringComparison.Ordinal);
        Assert.False(CommandLine.TryParse(["serve", "--no-such-flag"], NoEnvironment, out _, out var unknown));
        Assert.Contains("--no-such-flag", unknown, StringComparison.Ordinal);
        Assert.False(CommandLine.TryParse(["serve", "--port", "1"], name => name == "RIVULET_FSYNC" ? "sometimes" : null, out _, out var badVariable));
        Assert.Contains("RIVULET_FSYNC", badVariable, StringComparison.Ordinal);
    }

    [Fact]
    public void The_shard_limit_follows_AWS_defaults_per_region_unless_set()
    {
        Assert.True(CommandLine.TryParse(["serve"], NoEnvironment, out var options, out _));
        Assert.Equal(20_000, options.EffectiveShardLimit);
        Assert.True(CommandLine.TryParse(["serve", "--region", "ap-south-1"], NoEnvironment, out options, out _));
        Assert.Equal(1_000, options.EffectiveShardLimit);
        Assert.True(CommandLine.TryParse(["serve", "--region", "ap-south-1", "--shard-limit", "30000"], NoEnvironment, out options, out _));
        Assert.Equal(30_000, options.EffectiveShardLimit);
        Assert.False(CommandLine.TryParse(["serve", "--shard-limit", "0"], NoEnvironment, out _, out _));
    }

    [Fact]
    public void Each_transition_has_its_own_delay_and_the_shorthand_sets_all_three()
    {
        Assert.True(CommandLine.TryParse(["serve", "--stream-delay-ms", "500", "--update-stream-ms", "20"], NoEnvironment, out var options, out _));
        Assert.Equal((500.0, 20.0, 500.0), (options.CreateStreamDelay.TotalMilliseconds, options.UpdateStreamDelay.TotalMilliseconds, options.DeleteStreamDelay.TotalMilliseconds));

        var environment = new Dictionary<string, string> { ["RIVULET_STREAM_DELAY_MS"] = "300", ["RIVULET_DELETE_STREAM_MS"] = "7" };
        Assert.True(CommandLine.TryParse(["serve", "--create-stream-ms", "1"], k => environment.GetValueOrDefault(k), out options, out _));
        Assert.Equal((1.0, 300.0, 7.0), (options.CreateStreamDelay.TotalMilliseconds, options.UpdateStreamDelay.TotalMilliseconds, options.DeleteStreamDelay.TotalMilliseconds));
    }

    [Theory]
    [InlineData("always", "always")]
    [InlineData("interval:50", "interval:50")]
    [InlineData("never", "never")]
    public void The_fsync_policy_is_read_from_the_command_line(string flag, string expected)
    {
        Assert.True(CommandLine.TryParse(["serve", "--fsync", flag], NoEnvironment, out var options, out _));

        Assert.Equal(expected, options.Fsync.ToString());
    }

    [Theory]
    [InlineData("serve --fsync sometimes")]
    [InlineData("serve --fsync interval:0")]
    [InlineData("serve --port abc")]
    [InlineData("serve --account-id 123")]
    [InlineData("serve --bogus")]
    [InlineData("serve --host")]
    [InlineData("run")]
    public void Bad_command_lines_are_refused_with_a_reason(string line)
    {
        Assert.False(CommandLine.TryParse(line.Split(' '), NoEnvironment, out _, out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }
}
