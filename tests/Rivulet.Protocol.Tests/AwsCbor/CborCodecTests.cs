using System.Buffers;
using System.Collections;
using System.Reflection;
using Rivulet.Protocol.AwsCbor;
using Rivulet.Protocol.Errors;
using Rivulet.Protocol.Model;
using static Rivulet.Protocol.Tests.Wire;

namespace Rivulet.Protocol.Tests.AwsCbor;

/// <summary>Whole bodies through the generated CBOR readers and writers, against hand-written bytes of what clients send.</summary>
public sealed class CborCodecTests
{
    private static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));

    private static byte[] Text(string value) => [.. Header(3, value.Length), .. System.Text.Encoding.UTF8.GetBytes(value)];

    private static byte[] Header(int major, int length) => length switch
    {
        < 24 => [(byte)((major << 5) | length)],
        < 256 => [(byte)((major << 5) | 24), (byte)length],
        _ => [(byte)((major << 5) | 25), (byte)(length >> 8), (byte)length],
    };

    private static byte[] WriteCbor<T>(T value)
        where T : IWireShape<T>
    {
        var output = new ArrayBufferWriter<byte>();
        AwsCborCodec.Write(output, value);
        return output.WrittenSpan.ToArray();
    }

    public static TheoryData<string> Shapes() => [.. typeof(PutRecordInput).Assembly.GetTypes()
        .Where(type => type.Namespace == typeof(PutRecordInput).Namespace && type.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IWireShape<>)))
        .Select(type => type.Name)
        .Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Every_shape_with_every_member_set_survives_a_CBOR_round_trip(string shape)
    {
        var type = typeof(PutRecordInput).Assembly.GetType($"{typeof(PutRecordInput).Namespace}.{shape}")!;
        typeof(CborCodecTests).GetMethod(nameof(RoundTrip), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(type).Invoke(null, [Populate(type, 0)]);
    }

    private static void RoundTrip<T>(T value)
        where T : IWireShape<T>
    {
        var cbor = WriteCbor(value);
        var read = AwsCborCodec.Read<T>(cbor);

        // JSON is the reference: what CBOR carried must be what JSON would have carried.
        Assert.Equal(Write(value), Write(read));
        Assert.Equal(cbor, WriteCbor(read));
    }

    private static object Populate(Type type, int depth)
    {
        var value = Activator.CreateInstance(type)!;
        foreach (var property in type.GetProperties())
        {
            var propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            object? member = propertyType switch
            {
                _ when propertyType == typeof(string) => $"{property.Name}-é",
                _ when propertyType == typeof(byte[]) => new byte[] { 0, 1, 0x7F, 0xFF },
                _ when propertyType == typeof(int) => -7,
                _ when propertyType == typeof(long) => 5_000_000_000L,
                _ when propertyType == typeof(bool) => true,
                _ when propertyType == typeof(DateTimeOffset) => DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123),
                _ when propertyType == typeof(List<string>) => new List<string> { "a", "b" },
                _ when propertyType == typeof(Dictionary<string, string>) => new Dictionary<string, string> { ["k"] = "v", ["key-2"] = "value-2" },
                _ when propertyType.IsGenericType && propertyType.GetGenericTypeDefinition() == typeof(List<>) => depth > 3 ? null : ListOf(propertyType, depth),
                _ when propertyType.IsClass => depth > 3 ? null : Populate(propertyType, depth + 1),
                _ => throw new NotSupportedException(propertyType.Name),
            };
            property.SetValue(value, member);
        }

        return value;
    }

    private static IList ListOf(Type listType, int depth)
    {
        var list = (IList)Activator.CreateInstance(listType)!;
        list.Add(Populate(listType.GetGenericArguments()[0], depth + 1));
        list.Add(Populate(listType.GetGenericArguments()[0], depth + 1));
        return list;
    }

    [Fact]
    public void A_PutRecords_request_as_the_Java_SDK_writes_it_reads_with_raw_blobs()
    {
        // Jackson's generator: indefinite maps and arrays, definite strings, byte strings for Data.
        byte[] body =
        [
            0xBF, .. Text("Records"), 0x9F,
            0xBF, .. Text("Data"), 0x43, 1, 2, 3, .. Text("PartitionKey"), .. Text("pk-1"), 0xFF,
            0xBF, .. Text("Data"), 0x40, .. Text("PartitionKey"), .. Text("pk-2"), .. Text("ExplicitHashKey"), .. Text("42"), 0xFF,
            0xFF,
            .. Text("StreamName"), .. Text("orders"),
            0xFF,
        ];

        var input = AwsCborCodec.Read<PutRecordsInput>(body);

        Assert.Equal("orders", input.StreamName);
        Assert.Equal(2, input.Records!.Count);
        Assert.Equal(new byte[] { 1, 2, 3 }, input.Records[0].Data);
        Assert.Equal("pk-1", input.Records[0].PartitionKey);
        Assert.Empty(input.Records[1].Data!);
        Assert.Equal("42", input.Records[1].ExplicitHashKey);
    }

    [Fact]
    public void A_GetShardIterator_at_a_timestamp_reads_tag_1_milliseconds()
    {
        byte[] body =
        [
            0xBF, .. Text("StreamName"), .. Text("s"), .. Text("ShardId"), .. Text("shardId-000000000000"),
            .. Text("ShardIteratorType"), .. Text("AT_TIMESTAMP"), .. Text("Timestamp"), .. Hex("C1 1B 00 00 01 8B CF E5 68 00"), 0xFF,
        ];

        var input = AwsCborCodec.Read<GetShardIteratorInput>(body);

        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000), input.Timestamp);
    }

    [Fact]
    public void Output_is_definite_maps_byte_string_blobs_and_tag_1_milliseconds()
    {
        var output = new GetRecordsOutput
        {
            Records = [new Rivulet.Protocol.Model.Record { SequenceNumber = "1", ApproximateArrivalTimestamp = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000), Data = [0xFF], PartitionKey = "p" }],
            MillisBehindLatest = 0,
        };

        byte[] expected =
        [
            0xA2, .. Text("Records"), 0x81,
            0xA4, .. Text("SequenceNumber"), .. Text("1"), .. Text("ApproximateArrivalTimestamp"), .. Hex("C1 1B 00 00 01 8B CF E5 68 00"),
            .. Text("Data"), 0x41, 0xFF, .. Text("PartitionKey"), .. Text("p"),
            .. Text("MillisBehindLatest"), 0x00,
        ];
        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(WriteCbor(output)));
    }

    [Fact]
    public void Chunked_names_and_values_unknown_members_and_nulls_are_taken_as_JSON_takes_them()
    {
        byte[] body =
        [
            0xA5,
            0x7F, 0x64, .. "Stre"u8, 0x66, .. "amName"u8, 0xFF, 0x7F, 0x63, .. "ord"u8, 0x63, .. "ers"u8, 0xFF,
            .. Text("Unknown"), 0xBF, .. Text("deep"), 0x9F, 0x01, 0xF5, 0xC1, 0x00, 0xFF, 0xFF,
            0x01, .. Text("an integer key is no member"),
            .. Text("ShardCount"), 0x1B, 0x7F, 0, 0, 0, 0, 0, 0, 0,
            .. Text("StreamModeDetails"), 0xF6,
        ];

        var input = AwsCborCodec.Read<CreateStreamInput>(body);

        Assert.Equal("orders", input.StreamName);
        Assert.Equal(int.MaxValue, input.ShardCount); // saturates, so validation reports the range as for JSON
        Assert.Null(input.StreamModeDetails);
    }

    [Fact]
    public void Definite_lists_are_read_by_their_count_with_null_items_dropped_and_a_short_one_refused()
    {
        byte[] entry = [0xA2, .. Text("Data"), 0x42, 0x01, 0x02, .. Text("PartitionKey"), 0x61, (byte)'k'];
        byte[] body = [0xA2, .. Text("StreamName"), 0x61, (byte)'s', .. Text("Records"), 0x83, .. entry, 0xF6, .. entry];

        var input = AwsCborCodec.Read<PutRecordsInput>(body);

        Assert.Equal(2, input.Records!.Count);
        Assert.All(input.Records, record =>
        {
            Assert.Equal("k", record.PartitionKey);
            Assert.Equal([1, 2], record.Data);
        });

        byte[] shortList = [0xA2, .. Text("StreamName"), 0x61, (byte)'s', .. Text("Records"), 0x84, .. entry, 0xF6, .. entry];
        Assert.Null(Assert.Throws<SerializationException>(() => AwsCborCodec.Read<PutRecordsInput>(shortList)).AwsMessage);
    }

    [Theory]
    [InlineData("A1 6A 53 74 72 65 61 6D 4E 61 6D 65 01", "class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to an String")]
    [InlineData("A1 6A 53 74 72 65 61 6D 4E 61 6D 65 F4", "class java.lang.Boolean can not be converted to an String")]
    [InlineData("A1 6A 53 74 72 65 61 6D 4E 61 6D 65 80", "Start of list found where not expected")]
    [InlineData("A1 6A 53 74 72 65 61 6D 4E 61 6D 65 A0", "Start of structure or map found where not expected.")]
    [InlineData("A1 6A 53 68 61 72 64 43 6F 75 6E 74 61 31", "class java.lang.String can not be converted to an Integer")]
    public void A_value_of_the_wrong_type_is_the_JSON_codec_s_serialization_message(string hex, string message)
    {
        var error = Assert.Throws<SerializationException>(() => AwsCborCodec.Read<CreateStreamInput>(Hex(hex)));

        Assert.Equal(message, error.AwsMessage);
    }

    [Theory]
    [InlineData("")] // nothing
    [InlineData("80")] // an array, not a map
    [InlineData("A1 63 61 62")] // truncated
    [InlineData("A0 00")] // trailing bytes
    [InlineData("BF 63 61 62 63")] // an unterminated indefinite map
    [InlineData("A2 6A 53 74 72 65 61 6D 4E 61 6D 65 01 FF")] // a type error, then broken: the document is judged whole first
    [InlineData("A1 61 61 1C")] // a reserved additional-information value
    public void A_body_that_is_not_one_well_formed_map_is_a_serialization_exception_without_a_message(string hex)
    {
        var error = Assert.Throws<SerializationException>(() => AwsCborCodec.Read<CreateStreamInput>(Hex(hex)));

        Assert.Null(error.AwsMessage);
    }
}
