using System.Text.Json.Serialization;

namespace Rivulet.Storage.Local;

[JsonSourceGenerationOptions(
    WriteIndented = true,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(StreamDocument))]
[JsonSerializable(typeof(AccountDocument))]
internal sealed partial class LocalJsonContext : JsonSerializerContext;
