using Rivulet.Storage.Local;

namespace Rivulet.Storage.Tests.Local;

public sealed class FsyncPolicyTests
{
    [Theory]
    [InlineData("always", FsyncMode.Always, 0)]
    [InlineData("ALWAYS", FsyncMode.Always, 0)]
    [InlineData("never", FsyncMode.Never, 0)]
    [InlineData("interval:100", FsyncMode.Interval, 100)]
    [InlineData(" Interval:1 ", FsyncMode.Interval, 1)]
    public void Policies_parse_from_their_command_line_form(string text, FsyncMode mode, int intervalMs)
    {
        var policy = FsyncPolicy.Parse(text);

        Assert.Equal(mode, policy.Mode);
        Assert.Equal(intervalMs, policy.IntervalMs);
        Assert.Equal(policy, FsyncPolicy.Parse(policy.ToString()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("sometimes")]
    [InlineData("interval")]
    [InlineData("interval:")]
    [InlineData("interval:0")]
    [InlineData("interval:-5")]
    [InlineData("interval:1.5")]
    public void Anything_else_is_refused(string text)
    {
        Assert.False(FsyncPolicy.TryParse(text, out _));
        Assert.Throws<FormatException>(() => FsyncPolicy.Parse(text));
    }

    [Fact]
    public void The_default_policy_is_always()
    {
        Assert.Equal(FsyncPolicy.Always, new LocalStoreOptions { DataDirectory = "x" }.FsyncPolicy);
        Assert.Equal("interval:250", FsyncPolicy.Interval(250).ToString());
    }
}
