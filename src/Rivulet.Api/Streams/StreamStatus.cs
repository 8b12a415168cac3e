namespace Rivulet.Api.Streams;

internal static class StreamStatus
{
    public const string Creating = "CREATING";
    public const string Deleting = "DELETING";
    public const string Active = "ACTIVE";
    public const string Updating = "UPDATING";
}
