namespace Rivulet.Protocol.Validation;

// Which item constraints of a list of strings, or of a map's keys or values, at least one item broke.
// AWS reports them together, once, at the collection's path.
[Flags]
public enum ItemViolations
{
    None = 0,
    Pattern = 1,
    MinLength = 2,
    MaxLength = 4,
    Enum = 8,
}
