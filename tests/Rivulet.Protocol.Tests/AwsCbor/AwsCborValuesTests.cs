using System.Formats.Cbor;
using Rivulet.Protocol.AwsCbor;
using Rivulet.Protocol.Errors;

namespace Rivulet.Protocol.Tests.AwsCbor;

/// <summary>CBOR scalars from hand-written bytes (wire reference §6), the forms clients are known to send.</summary>
public sealed class AwsCborValuesTests
{
    private static readonly DateTimeOffset November2023 = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);

    private static CborReader Reader(string hex) => new(Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal)), CborConformanceMode.Lax);

    [Theory]
    [InlineData("C1 1B 00 00 01 8B CF E5 68 00")] // what the Java SDK v2 sends: tag 1, integer milliseconds
    [InlineData("1B 00 00 01 8B CF E5 68 00")] // untagged
    [InlineData("C1 FB 42 78 BC FE 56 80 08 00")] // a double, 1700000000000.5 ms: the fraction is dropped
    public void Timestamps_are_epoch_milliseconds_tagged_or_not_integer_or_float(string hex)
    {
        Assert.Equal(November2023, AwsCborValues.ReadTimestamp(Reader(hex)));
    }

    [Fact]
    public void Timestamps_are_written_as_tag_1_and_integer_milliseconds()
    {
        var writer = new CborWriter();

        AwsCborValues.WriteTimestamp(writer, November2023);

        Assert.Equal("C11B0000018BCFE56800", Convert.ToHexString(writer.Encode()));
    }

    [Fact]
    public void A_timestamp_under_another_tag_or_as_text_is_refused()
    {
        Assert.Throws<SerializationException>(() => AwsCborValues.ReadTimestamp(Reader("C0 74 32 30 32 33 2D 31 31 2D 31 34 54 32 32 3A 31 33 3A 32 30 5A")));
        var text = Assert.Throws<SerializationException>(() => AwsCborValues.ReadTimestamp(Reader("61 31")));
        Assert.Equal("class java.lang.String can not be converted to milliseconds since epoch", text.AwsMessage);
    }

    [Theory]
    [InlineData("43 01 02 03")] // definite
    [InlineData("5F 42 01 02 41 03 FF")] // indefinite, in two chunks
    public void Blobs_are_byte_strings_definite_or_chunked(string hex)
    {
        Assert.Equal(new byte[] { 1, 2, 3 }, AwsCborValues.ReadBlob(Reader(hex)));
    }

    [Theory]
    [InlineData("63 61 62 63")]
    [InlineData("7F 62 61 62 61 63 FF")]
    public void Text_is_definite_or_chunked(string hex)
    {
        Assert.Equal("abc", AwsCborValues.ReadString(Reader(hex)));
    }

    [Theory]
    [InlineData("0A", 10L)]
    [InlineData("18 64", 100L)]
    [InlineData("1A 00 01 00 00", 65536L)]
    [InlineData("1B 00 00 00 01 00 00 00 00", 4294967296L)]
    [InlineData("38 63", -100L)]
    [InlineData("F9 3C 00", 1L)] // half-precision 1.0
    public void Integers_come_in_any_width(string hex, long expected)
    {
        Assert.Equal(expected, AwsCborValues.ReadLong(Reader(hex)));
    }

    [Theory]
    [InlineData("1B 00 00 00 01 00 00 00 00", int.MaxValue)]
    [InlineData("3B 00 00 00 01 00 00 00 00", int.MinValue)]
    [InlineData("FB 7F F0 00 00 00 00 00 00", int.MaxValue)] // +infinity
    [InlineData("FB 40 09 1E B8 51 EB 85 1F", 3)] // 3.14
    public void Integers_beyond_the_range_saturate_and_fractions_truncate_as_in_JSON(string hex, int expected)
    {
        Assert.Equal(expected, AwsCborValues.ReadInteger(Reader(hex)));
    }

    [Fact]
    public void Longs_beyond_64_bits_saturate()
    {
        Assert.Equal(long.MaxValue, AwsCborValues.ReadLong(Reader("1B FF FF FF FF FF FF FF FF")));
        Assert.Equal(long.MinValue, AwsCborValues.ReadLong(Reader("3B FF FF FF FF FF FF FF FF")));
        Assert.Equal(long.MinValue, AwsCborValues.ReadLong(Reader("3B 7F FF FF FF FF FF FF FF")));
    }

    [Fact]
    public void Null_reads_as_absent()
    {
        Assert.Null(AwsCborValues.ReadString(Reader("F6")));
        Assert.Null(AwsCborValues.ReadBlob(Reader("F6")));
        Assert.Null(AwsCborValues.ReadInteger(Reader("F6")));
        Assert.Null(AwsCborValues.ReadBoolean(Reader("F6")));
        Assert.Null(AwsCborValues.ReadTimestamp(Reader("F6")));
        Assert.True(AwsCborValues.ReadBoolean(Reader("F5")));
    }

    [Fact]
    public void A_value_of_the_wrong_type_gets_the_JSON_codec_wording()
    {
        Assert.Equal("class java.lang.String can not be converted to a Blob", Assert.Throws<SerializationException>(() => AwsCborValues.ReadBlob(Reader("61 41"))).AwsMessage);
        Assert.Equal("class java.lang.Boolean can not be converted to an String", Assert.Throws<SerializationException>(() => AwsCborValues.ReadString(Reader("F5"))).AwsMessage);
        Assert.Equal("class java.lang.String can not be converted to an Integer", Assert.Throws<SerializationException>(() => AwsCborValues.ReadInteger(Reader("61 31"))).AwsMessage);
        Assert.Equal("Start of list found where not expected", Assert.Throws<SerializationException>(() => AwsCborValues.ReadLong(Reader("80"))).AwsMessage);
    }
}
