namespace Rivulet.Api.Streams;

internal static class StreamModes
{
    public const string Provisioned = "PROVISIONED";
    public const string OnDemand = "ON_DEMAND";

    /// <summary>AWS lets a stream switch capacity mode twice in a rolling 24-hour period.</summary>
    public const int SwitchesPerDay = 2;
}
