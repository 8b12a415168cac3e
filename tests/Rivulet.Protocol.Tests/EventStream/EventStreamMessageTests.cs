using System.Buffers.Binary;
using System.Text;
using Rivulet.Protocol.Buffers;
using Rivulet.Protocol.EventStream;

namespace Rivulet.Protocol.Tests.EventStream;

public sealed class EventStreamMessageTests
{
    // The wire reference's initial-response, which botocore's EventStreamBuffer decodes.
    private const string InitialResponse =
        "00000068 00000056 4e681724 0d3a6d6573736167652d74797065 07 0005 6576656e74 0b3a6576656e742d74797065 07 0010 696e697469616c2d726573706f6e7365 0d3a636f6e74656e742d74797065 07 0010 6170706c69636174696f6e2f6a736f6e 7b7d fe942c1d";

    [Fact]
    public void The_initial_response_is_byte_for_byte_the_reference_vector()
    {
        using var output = new PooledBufferWriter();
        var frame = EventStreamMessage.BeginEvent(output, "initial-response", "application/json");
        "{}"u8.CopyTo(output.GetSpan(2));
        output.Advance(2);
        EventStreamMessage.End(output, frame);
        Assert.Equal(Convert.FromHexString(InitialResponse.Replace(" ", "", StringComparison.Ordinal)), output.WrittenSpan.ToArray());
    }

    [Fact]
    public void Messages_follow_one_another_each_with_its_own_lengths()
    {
        using var output = new PooledBufferWriter(16);
        var exception = EventStreamMessage.BeginException(output, "ResourceInUseException", "application/json");
        var payload = Encoding.UTF8.GetBytes("{\"message\":\"taken over\"}");
        payload.CopyTo(output.GetSpan(payload.Length));
        output.Advance(payload.Length);
        EventStreamMessage.End(output, exception);
        var firstLength = output.WrittenCount;
        EventStreamMessage.WriteError(output, "InternalFailure", "Internal Service Failure");

        var bytes = output.WrittenSpan.ToArray();
        Assert.Equal(firstLength, BinaryPrimitives.ReadInt32BigEndian(bytes));
        Assert.Equal(bytes.Length - firstLength, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(firstLength)));
        var second = bytes.AsSpan(firstLength);
        Assert.Equal(second.Length - 16, BinaryPrimitives.ReadInt32BigEndian(second[4..]));
        Assert.Contains(":error-message", Encoding.UTF8.GetString(second), StringComparison.Ordinal);
        Assert.EndsWith("{\"message\":\"taken over\"}", Encoding.UTF8.GetString(bytes, 0, firstLength - 4), StringComparison.Ordinal);
    }
}
