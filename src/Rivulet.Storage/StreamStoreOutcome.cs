namespace Rivulet.Storage;

/// <summary>How a metadata change ended. Only the API layer turns these into AWS errors.</summary>
public enum StreamStoreOutcome
{
    Done,
    AlreadyExists,
    NotFound,
    VersionConflict,
}
