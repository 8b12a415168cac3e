using System.Text.Json;

namespace Rivulet.ModelGen;

// The parts of an AWS service-2.json model the generator uses, in the model's own order.
internal sealed record ServiceModel(string Uid, string TargetPrefix, IReadOnlyList<Operation> Operations, IReadOnlyDictionary<string, Shape> Shapes)
{
    public string FileName => $"{Uid}.service-2.json";

    public Shape this[string shapeName] =>
        Shapes.TryGetValue(shapeName, out var shape) ? shape : throw new InvalidDataException($"The model has no shape {shapeName}.");

    public static ServiceModel Parse(string modelJson)
    {
        using var document = JsonDocument.Parse(modelJson);
        var root = document.RootElement;
        var metadata = root.GetProperty("metadata");

        var operations = new List<Operation>();
        foreach (var operation in root.GetProperty("operations").EnumerateObject())
        {
            var input = ShapeReference(operation.Value, "input")
                ?? throw new InvalidDataException($"Operation {operation.Name} has no input shape.");
            var errors = new List<string>();
            if (operation.Value.TryGetProperty("errors", out var errorsJson))
            {
                foreach (var error in errorsJson.EnumerateArray())
                {
                    errors.Add(error.GetProperty("shape").GetString()!);
                }
            }

            operations.Add(new Operation(operation.Name, input, ShapeReference(operation.Value, "output"), errors));
        }

        var shapes = new Dictionary<string, Shape>(StringComparer.Ordinal);
        foreach (var shape in root.GetProperty("shapes").EnumerateObject())
        {
            shapes.Add(shape.Name, ParseShape(shape.Name, shape.Value));
        }

        return new ServiceModel(
            metadata.GetProperty("uid").GetString()!,
            metadata.GetProperty("targetPrefix").GetString()!,
            operations,
            shapes);
    }

    private static Shape ParseShape(string name, JsonElement json)
    {
        var members = new List<Member>();
        if (json.TryGetProperty("members", out var membersJson))
        {
            foreach (var member in membersJson.EnumerateObject())
            {
                members.Add(new Member(member.Name, member.Value.GetProperty("shape").GetString()!));
            }
        }

        return new Shape(
            name,
            json.GetProperty("type").GetString()!,
            members,
            Strings(json, "required"),
            Number(json, "min"),
            Number(json, "max"),
            json.TryGetProperty("pattern", out var pattern) ? pattern.GetString() : null,
            Strings(json, "enum"),
            ShapeReference(json, "member"),
            ShapeReference(json, "key"),
            ShapeReference(json, "value"),
            Flag(json, "exception"),
            Flag(json, "eventstream"));
    }

    private static string? ShapeReference(JsonElement json, string property) =>
        json.TryGetProperty(property, out var reference) ? reference.GetProperty("shape").GetString() : null;

    private static long? Number(JsonElement json, string property) =>
        json.TryGetProperty(property, out var number) ? number.GetInt64() : null;

    private static bool Flag(JsonElement json, string property) =>
        json.TryGetProperty(property, out var flag) && flag.GetBoolean();

    private static IReadOnlyList<string> Strings(JsonElement json, string property)
    {
        var values = new List<string>();
        if (json.TryGetProperty(property, out var array))
        {
            foreach (var value in array.EnumerateArray())
            {
                values.Add(value.GetString()!);
            }
        }

        return values;
    }
}

internal sealed record Operation(string Name, string Input, string? Output, IReadOnlyList<string> Errors);

internal sealed record Member(string Name, string Target);

internal sealed record Shape(
    string Name,
    string Type,
    IReadOnlyList<Member> Members,
    IReadOnlyList<string> Required,
    long? Min,
    long? Max,
    string? Pattern,
    IReadOnlyList<string> EnumValues,
    string? ListMember,
    string? MapKey,
    string? MapValue,
    bool IsException,
    bool IsEventStream);
