namespace Rivulet.Api.Channels;

/// <summary>The model's ChannelStatus values.</summary>
internal static class ChannelStatus
{
    public const string Creating = "CREATING";
    public const string Active = "ACTIVE";
    public const string Updating = "UPDATING";
    public const string Deleting = "DELETING";
    public const string Failed = "FAILED";
}
