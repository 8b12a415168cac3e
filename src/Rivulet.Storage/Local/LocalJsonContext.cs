using System.Text.Json.Serialization;

namespace Rivulet.Storage.Local;

[JsonSourceGenerationOptions(
    WriteIndented = true,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(StreamDocument))]
internal sealed partial class LocalJsonContext : JsonSerializerContext;
