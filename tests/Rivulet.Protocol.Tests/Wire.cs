using System.Buffers;
using System.Text;
using Rivulet.Protocol.AwsJson;
using Rivulet.Protocol.Errors;
using Rivulet.Protocol.Model;
using Rivulet.Protocol.Validation;

namespace Rivulet.Protocol.Tests;

// Request bodies in, what AWS would answer out.
internal static class Wire
{
    public static T Read<T>(string json)
        where T : IWireShape<T> => AwsJsonCodec.Read<T>(Encoding.UTF8.GetBytes(json));

    public static string Write<T>(T value)
        where T : IWireShape<T>
    {
        var output = new ArrayBufferWriter<byte>();
        AwsJsonCodec.Write(output, value);
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    public static string? SerializationMessage<T>(string json)
        where T : IWireShape<T> => Assert.Throws<SerializationException>(() => Read<T>(json)).AwsMessage;

    public static string? ValidationMessage<T>(string json)
        where T : IWireShape<T> => ValidationMessage(Read<T>(json));

    public static string? ValidationMessage<T>(T value)
        where T : IWireShape<T>
    {
        var errors = new ValidationErrors();
        value.Validate(errors, "");
        return errors.HasErrors ? errors.ToMessage() : null;
    }
}
