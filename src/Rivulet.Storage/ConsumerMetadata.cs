using System.Collections.Immutable;

namespace Rivulet.Storage;

/// <summary>
/// An enhanced fan-out consumer registered on a stream. Its ARN is derived, not stored: the stream's
/// ARN, <c>/consumer/</c>, the name, <c>:</c> and the creation time in epoch seconds, as AWS forms it.
/// </summary>
public sealed record ConsumerMetadata(
    string ConsumerName,
    long CreatedAtMs,
    string Status,
    long? StatusSettlesAtMs = null)
{
    public ImmutableSortedDictionary<string, string> Tags { get; init; } = ImmutableSortedDictionary<string, string>.Empty.WithComparers(StringComparer.Ordinal);

    /// <summary>The resource-based policy document exactly as PutResourcePolicy received it; null when there is none.</summary>
    public string? ResourcePolicy { get; init; }

    // Tags compare by content: a consumer read back from a store holds an equal but distinct map.
    public bool Equals(ConsumerMetadata? other) =>
        other is not null
        && ConsumerName == other.ConsumerName
        && CreatedAtMs == other.CreatedAtMs
        && Status == other.Status
        && StatusSettlesAtMs == other.StatusSettlesAtMs
        && ResourcePolicy == other.ResourcePolicy
        && Tags.Count == other.Tags.Count
        && Tags.SequenceEqual(other.Tags);

    public override int GetHashCode() => HashCode.Combine(ConsumerName, CreatedAtMs, Status, StatusSettlesAtMs, ResourcePolicy, Tags.Count);
}
