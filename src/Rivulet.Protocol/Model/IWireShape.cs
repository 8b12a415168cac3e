using System.Formats.Cbor;
using System.Text.Json;
using Rivulet.Protocol.Validation;

namespace Rivulet.Protocol.Model;

/// <summary>
/// What every generated structure shape can do on the wire. Static abstract members let codecs
/// and dispatch stay generic over the 39 operations without reflection.
/// </summary>
public interface IWireShape<TSelf>
    where TSelf : IWireShape<TSelf>
{
    /// <summary>Reads the shape from a JSON object; type mismatches throw <see cref="Errors.SerializationException"/>.</summary>
    static abstract TSelf ReadJson(ref Utf8JsonReader reader);

    /// <summary>Writes the shape as a JSON object, omitting absent members.</summary>
    void WriteJson(Utf8JsonWriter writer);

    /// <summary>Reads the shape from a CBOR map positioned at its start; type mismatches throw as in <see cref="ReadJson"/>.</summary>
    static abstract TSelf ReadCbor(CborReader reader);

    /// <summary>Writes the shape as a definite-length CBOR map, omitting absent members.</summary>
    void WriteCbor(CborWriter writer);

    /// <summary>
    /// Adds the model's constraint violations (required, length, pattern, range, enum) in AWS's order.
    /// <paramref name="path"/> is prepended verbatim to member paths: "" at the top level, or a prefix
    /// ending in a dot such as "streamModeDetails.".
    /// </summary>
    void Validate(ValidationErrors errors, string path);
}
