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

    public void MinLength(string path, long min) => Add(path, $"Member must have length greater than or equal to {min}");

    public void MaxLength(string path, long max) => Add(path, $"Member must have length less than or equal to {max}");

    public void MinValue(string path, long min) => Add(path, $"Member must have value greater than or equal to {min}");

    public void MaxValue(string path, long max) => Add(path, $"Member must have value less than or equal to {max}");

    public void Pattern(string path, string pattern) => Add(path, $"Member must satisfy regular expression pattern: {pattern}");

    public void Enum(string path, string values) => Add(path, $"Member must satisfy enum value set: [{values}]");

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
}
