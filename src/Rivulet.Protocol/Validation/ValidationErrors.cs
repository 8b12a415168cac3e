using System.Text;

namespace Rivulet.Protocol.Validation;

/// <summary>
/// Collects constraint violations in the order AWS reports them and renders AWS's
/// <c>ValidationException</c> message (wire reference §3.3, the current form: no value echo,
/// items joined by "; ", one period at the end, at most ten items listed).
/// </summary>
public sealed class ValidationErrors
{
    public const int MaxListed = 10;

    private readonly List<(string Path, string Constraint)> _items = [];

    public int Count => _items.Count;

    public bool HasErrors => _items.Count > 0;

    public IReadOnlyList<(string Path, string Constraint)> Items => _items;

    public void Add(string path, string constraint) => _items.Add((path, constraint));

    public void MustNotBeNull(string path) => Add(path, "Member must not be null");

    public void MinLength(string path, long min) => Add(path, MinLengthText(min));

    public void MaxLength(string path, long max) => Add(path, MaxLengthText(max));

    public void MinValue(string path, long min) => Add(path, $"Member must have value greater than or equal to {min}");

    public void MaxValue(string path, long max) => Add(path, $"Member must have value less than or equal to {max}");

    public void Pattern(string path, string pattern) => Add(path, PatternText(pattern));

    public void Enum(string path, string values) => Add(path, EnumText(values));

    // The item constraints of a list of strings: "Member must satisfy constraint: [...]".
    public void ListItems(string path, ItemViolations violations, long minLength = 0, long maxLength = 0, string? pattern = null, string? enumValues = null) =>
        Add(path, ItemsText("Member must satisfy constraint", violations, minLength, maxLength, pattern, enumValues));

    public void MapKeys(string path, ItemViolations violations, long minLength = 0, long maxLength = 0, string? pattern = null, string? enumValues = null) =>
        Add(path, ItemsText("Map keys must satisfy constraint", violations, minLength, maxLength, pattern, enumValues));

    public void MapValues(string path, ItemViolations violations, long minLength = 0, long maxLength = 0, string? pattern = null, string? enumValues = null) =>
        Add(path, ItemsText("Map value must satisfy constraint", violations, minLength, maxLength, pattern, enumValues));

    // Nested shapes validate with an empty prefix so that the common case (no violation) builds no
    // path strings; their caller prefixes whatever they added ("records.1.member.").
    public void PrefixPaths(int firstIndex, string prefix)
    {
        for (var i = firstIndex; i < _items.Count; i++)
        {
            _items[i] = (prefix + _items[i].Path, _items[i].Constraint);
        }
    }

    public string ToMessage()
    {
        var listed = Math.Min(_items.Count, MaxListed);
        var text = new StringBuilder();
        text.Append(listed).Append(listed == 1 ? " validation error detected: " : " validation errors detected: ");
        for (var i = 0; i < listed; i++)
        {
            if (i > 0)
            {
                text.Append("; ");
            }

            text.Append("Value at '").Append(_items[i].Path).Append("' failed to satisfy constraint: ").Append(_items[i].Constraint);
        }

        return text.Append('.').ToString();
    }

    private static string MinLengthText(long min) => $"Member must have length greater than or equal to {min}";

    private static string MaxLengthText(long max) => $"Member must have length less than or equal to {max}";

    private static string PatternText(string pattern) => $"Member must satisfy regular expression pattern: {pattern}";

    private static string EnumText(string values) => $"Member must satisfy enum value set: [{values}]";

    // AWS lists the maximum before the minimum (wire reference §3.3); pattern and enum follow.
    private static string ItemsText(string subject, ItemViolations violations, long minLength, long maxLength, string? pattern, string? enumValues)
    {
        var parts = new List<string>(4);
        if (violations.HasFlag(ItemViolations.MaxLength))
        {
            parts.Add(MaxLengthText(maxLength));
        }

        if (violations.HasFlag(ItemViolations.MinLength))
        {
            parts.Add(MinLengthText(minLength));
        }

        if (violations.HasFlag(ItemViolations.Pattern) && pattern is not null)
        {
            parts.Add(PatternText(pattern));
        }

        if (violations.HasFlag(ItemViolations.Enum) && enumValues is not null)
        {
            parts.Add(EnumText(enumValues));
        }

        return $"{subject}: [{string.Join(", ", parts)}]";
    }
}
