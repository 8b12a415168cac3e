using System.Buffers;
using System.IO.Pipelines;

namespace Rivulet.Server.Tests;

/// <summary>A request body's buffer follows the bytes that came, not the length the client declared.</summary>
public sealed class RequestBodyTests
{
    private const long Max = 16L * 1024 * 1024;

    [Fact]
    public async Task A_body_declared_at_megabytes_that_brings_a_few_bytes_holds_a_small_buffer()
    {
        var pipe = new Pipe();
        var reading = RequestHandler.ReadBodyAsync(pipe.Reader, contentLength: 10L * 1024 * 1024, Max, default);

        // The client sends 10 bytes and stops; while it waits the handler holds at most the initial buffer.
        await pipe.Writer.WriteAsync(new byte[10]);
        await pipe.Writer.CompleteAsync();
        var (buffer, length) = await reading;

        Assert.Equal(10, length);
        Assert.True(buffer.Length <= RequestHandler.InitialBodyBytes, $"a {buffer.Length}-byte buffer for 10 bytes");
        ArrayPool<byte>.Shared.Return(buffer);
    }

    [Theory]
    [InlineData(200_000, true)]
    [InlineData(5_000_000, true)]
    [InlineData(3_000_000, false)]
    public async Task A_large_body_arriving_in_pieces_is_read_whole(int size, bool declared)
    {
        var pipe = new Pipe();
        var data = Enumerable.Range(0, size).Select(i => (byte)(i * 31)).ToArray();
        var reading = RequestHandler.ReadBodyAsync(pipe.Reader, declared ? size : null, Max, default);
        for (var offset = 0; offset < size; offset += 50_000)
        {
            await pipe.Writer.WriteAsync(data.AsMemory(offset, Math.Min(50_000, size - offset)));
        }

        await pipe.Writer.CompleteAsync();
        var (buffer, length) = await reading;

        Assert.Equal(size, length);
        Assert.True(buffer.AsSpan(0, length).SequenceEqual(data));
        ArrayPool<byte>.Shared.Return(buffer);
    }

    [Fact]
    public async Task A_body_past_the_cap_is_refused_whatever_it_declared()
    {
        var pipe = new Pipe();
        var reading = RequestHandler.ReadBodyAsync(pipe.Reader, contentLength: 100, maxBodyBytes: 1000, default);
        await pipe.Writer.WriteAsync(new byte[1500]);
        await pipe.Writer.CompleteAsync();

        var (buffer, length) = await reading;
        Assert.Equal(-1, length);
        ArrayPool<byte>.Shared.Return(buffer);
    }
}
