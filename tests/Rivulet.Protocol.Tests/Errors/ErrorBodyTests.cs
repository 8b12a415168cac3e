using System.Buffers;
using System.Text;
using Rivulet.Protocol.Errors;

namespace Rivulet.Protocol.Tests.Errors;

public sealed class ErrorBodyTests
{
    [Fact]
    public void Messages_keep_quotes_and_pattern_characters_as_they_are_on_the_wire()
    {
        var output = new ArrayBufferWriter<byte>();

        ErrorBody.WriteJson(output, "ValidationException", "Value at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+ <&>");

        Assert.Equal(
            """{"__type":"ValidationException","message":"Value at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+ <&>"}""",
            Encoding.UTF8.GetString(output.WrittenSpan));
    }

    [Fact]
    public void Quotes_and_control_characters_are_still_escaped()
    {
        var output = new ArrayBufferWriter<byte>();

        ErrorBody.WriteJson(output, "InvalidArgumentException", "a \"b\"\n\\");

        Assert.Equal("""{"__type":"InvalidArgumentException","message":"a \"b\"\n\\"}""", Encoding.UTF8.GetString(output.WrittenSpan));
    }
}
