namespace Rivulet.Protocol.Dispatch;

/// <summary>The <c>X-Amz-Target</c> header: <c>Kinesis_20131202.&lt;Operation&gt;</c>.</summary>
public static class Target
{
    public const string Prefix = "Kinesis_20131202.";

    /// <summary>The operation name the header asks for, or null when it does not address this service.</summary>
    public static string? OperationName(string? target) =>
        target is not null && target.StartsWith(Prefix, StringComparison.Ordinal) ? target[Prefix.Length..] : null;
}
