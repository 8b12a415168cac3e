using System.Collections.Immutable;

namespace Rivulet.Api.Resources;

/// <summary>What the tagging and resource-policy operations read and change, whatever the kind of resource.</summary>
internal sealed record ResourceAttributes(ImmutableSortedDictionary<string, string> Tags, string? Policy);
