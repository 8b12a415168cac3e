namespace Rivulet.Protocol.Errors;

// Every SerializationException text AWS sends for a body that parses but does not fit the model
// (wire reference §3.4), byte for byte: the Java class names, the "an String" grammar and the
// "dectected" typo are what clients have seen for years. Codecs pick the factory; wording lives here.
internal static class SerializationErrors
{
    public const string AsString = "an String";
    public const string AsBlob = "a Blob";
    public const string AsInteger = "an Integer";
    public const string AsLong = "an Long";
    public const string AsBoolean = "an Boolean";
    public const string AsTimestamp = "milliseconds since epoch";

    public static SerializationException NumberFound(string target) =>
        new($"class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to {target}");

    public static SerializationException BooleanFound(string target) =>
        new($"class java.lang.Boolean can not be converted to {target}");

    public static SerializationException StringFound(string target) =>
        new($"class java.lang.String can not be converted to {target}");

    public static SerializationException ListFound() => new("Start of list found where not expected");

    public static SerializationException StructureFound() => new("Start of structure or map found where not expected.");

    public static SerializationException ExpectedList() => new("Expected list or null");

    public static SerializationException ExpectedMap() => new("Expected map or null");

    public static SerializationException ExpectedStructure() => new("Expected null");

    public static SerializationException NotABoolean(string text) =>
        new($"'{text.ToUpperInvariant()}' can not be converted to an Boolean");

    public static SerializationException Base64Length(string text) =>
        new($"'{text}' can not be converted to a Blob: Base64 encoded length is expected a multiple of 4 bytes but found: {text.Length}");

    public static SerializationException Base64Character(string text, char invalid) =>
        new($"'{text}' can not be converted to a Blob: Invalid Base64 character: '{invalid}'");

    public static SerializationException Base64LastCharacter(string text) =>
        new($"'{text}' can not be converted to a Blob: Invalid last non-pad Base64 character dectected");
}
