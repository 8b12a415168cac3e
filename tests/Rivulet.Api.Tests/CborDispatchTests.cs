using System.Formats.Cbor;
using Rivulet.Api.Dispatch;

namespace Rivulet.Api.Tests;

/// <summary>
/// Whole requests in <c>application/x-amz-cbor-1.1</c>, the Java SDK v2's and so the KCL's default
/// (wire reference §6): bodies written the way its Jackson generator writes them (indefinite maps
/// and arrays, byte-string blobs, tag 1 + epoch milliseconds), answers read back byte by byte.
/// </summary>
public sealed class CborDispatchTests
{
    private const string Cbor = "application/x-amz-cbor-1.1";
    private readonly ApiHarness _api = new();

    private async Task<(int Status, string? ContentType, byte[] Body)> SendAsync(string operation, byte[] body, string? authorization = ApiHarness.Authorization)
    {
        using var response = await _api.Service.HandleAsync(ApiHarness.Request(operation, body, Cbor, authorization), default);
        return (response.StatusCode, response.ContentType, response.BodyBytes.ToArray());
    }

    /// <summary>A Jackson-style request body: an indefinite map of the given members.</summary>
    private static byte[] Request(params (string Name, Action<CborWriter> Value)[] members)
    {
        var writer = new CborWriter(CborConformanceMode.Lax, convertIndefiniteLengthEncodings: false);
        writer.WriteStartMap(null);
        foreach (var (name, value) in members)
        {
            writer.WriteTextString(name);
            value(writer);
        }

        writer.WriteEndMap();
        return writer.Encode();
    }

    private static Action<CborWriter> Str(string value) => writer => writer.WriteTextString(value);

    private static Action<CborWriter> Int(long value) => writer => writer.WriteInt64(value);

    /// <summary>Decodes an answer into maps, lists and scalars; tag 1 comes back as ("tag1", ms) so tests see the raw number.</summary>
    private static object? Decode(byte[] body)
    {
        var reader = new CborReader(body, CborConformanceMode.Strict);
        var value = Read(reader);
        Assert.Equal(0, reader.BytesRemaining);
        return value;

        static object? Read(CborReader reader)
        {
            switch (reader.PeekState())
            {
                case CborReaderState.StartMap:
                    Assert.NotNull(reader.ReadStartMap()); // our answers use definite lengths
                    var map = new Dictionary<string, object?>();
                    while (reader.PeekState() != CborReaderState.EndMap)
                    {
                        map.Add(reader.ReadTextString(), Read(reader));
                    }

                    reader.ReadEndMap();
                    return map;
                case CborReaderState.StartArray:
                    reader.ReadStartArray();
                    var list = new List<object?>();
                    while (reader.PeekState() != CborReaderState.EndArray)
                    {
                        list.Add(Read(reader));
                    }

                    reader.ReadEndArray();
                    return list;
                case CborReaderState.Tag:
                    Assert.Equal(CborTag.UnixTimeSeconds, reader.ReadTag());
                    return ("tag1", reader.ReadInt64());
                case CborReaderState.TextString:
                    return reader.ReadTextString();
                case CborReaderState.ByteString:
                    return reader.ReadByteString();
                case CborReaderState.UnsignedInteger or CborReaderState.NegativeInteger:
                    return reader.ReadInt64();
                case CborReaderState.Boolean:
                    return reader.ReadBoolean();
                default:
                    throw new InvalidDataException(reader.PeekState().ToString());
            }
        }
    }

    private static Dictionary<string, object?> Map(object? value) => Assert.IsType<Dictionary<string, object?>>(value);

    private async Task<Dictionary<string, object?>> OkAsync(string operation, byte[] body)
    {
        var (status, contentType, answer) = await SendAsync(operation, body);
        Assert.True(status == 200, $"{operation}: {status} {Convert.ToHexString(answer)}");
        Assert.Equal(Cbor, contentType);
        return answer.Length == 0 ? [] : Map(Decode(answer));
    }

    [Fact]
    public async Task A_stream_is_created_written_and_read_entirely_in_CBOR_with_blobs_raw_and_times_in_milliseconds()
    {
        var created = await SendAsync("CreateStream", Request(("StreamName", Str("cbor")), ("ShardCount", Int(1))));
        Assert.Equal((200, Cbor, 0), (created.Status, created.ContentType, created.Body.Length));

        var put = await OkAsync("PutRecord", Request(("StreamName", Str("cbor")), ("Data", w => w.WriteByteString([0, 0xFF, 0x10])), ("PartitionKey", Str("pk"))));
        Assert.Equal("shardId-000000000000", put["ShardId"]);
        var sequenceNumber = Assert.IsType<string>(put["SequenceNumber"]);

        var batch = await OkAsync("PutRecords", Request(
            ("Records", w =>
            {
                w.WriteStartArray(null);
                for (var i = 0; i < 3; i++)
                {
                    w.WriteStartMap(null);
                    w.WriteTextString("Data");
                    w.WriteByteString([(byte)i]);
                    w.WriteTextString("PartitionKey");
                    w.WriteTextString($"k{i}");
                    w.WriteEndMap();
                }

                w.WriteEndArray();
            }
        ),
            ("StreamName", Str("cbor"))));
        Assert.Equal(0L, batch["FailedRecordCount"]);
        Assert.Equal(3, Assert.IsType<List<object?>>(batch["Records"]).Count);

        var iterator = await OkAsync("GetShardIterator", Request(("StreamName", Str("cbor")), ("ShardId", Str("shardId-000000000000")), ("ShardIteratorType", Str("AT_SEQUENCE_NUMBER")), ("StartingSequenceNumber", Str(sequenceNumber))));
        var records = await OkAsync("GetRecords", Request(("ShardIterator", Str(Assert.IsType<string>(iterator["ShardIterator"])))));
        var first = Map(Assert.IsType<List<object?>>(records["Records"])[0]);
        Assert.Equal(new byte[] { 0, 0xFF, 0x10 }, first["Data"]);
        Assert.Equal(sequenceNumber, first["SequenceNumber"]);
        Assert.Equal(("tag1", _api.Clock.NowMs), first["ApproximateArrivalTimestamp"]);
        Assert.Equal(4, Assert.IsType<List<object?>>(records["Records"]).Count);

        var summary = Map((await OkAsync("DescribeStreamSummary", Request(("StreamName", Str("cbor")))))["StreamDescriptionSummary"]);
        Assert.Equal(("tag1", _api.Clock.NowMs), summary["StreamCreationTimestamp"]);
    }

    [Fact]
    public async Task An_AT_TIMESTAMP_iterator_takes_the_timestamp_as_tag_1_milliseconds()
    {
        await _api.CreateStreamAsync("times");
        await _api.OkAsync("PutRecord", new { StreamName = "times", Data = "AA==", PartitionKey = "a" });
        _api.Clock.Advance(TimeSpan.FromSeconds(10));
        var later = _api.Clock.NowMs;
        await _api.OkAsync("PutRecord", new { StreamName = "times", Data = "AQ==", PartitionKey = "a" });

        var iterator = await OkAsync("GetShardIterator", Request(
            ("StreamName", Str("times")), ("ShardId", Str("shardId-000000000000")), ("ShardIteratorType", Str("AT_TIMESTAMP")),
            ("Timestamp", w =>
            {
                w.WriteTag(CborTag.UnixTimeSeconds);
                w.WriteInt64(later);
            }
        )));
        var records = await OkAsync("GetRecords", Request(("ShardIterator", Str((string)iterator["ShardIterator"]!))));

        var only = Map(Assert.Single(Assert.IsType<List<object?>>(records["Records"])));
        Assert.Equal(new byte[] { 1 }, only["Data"]);
    }

    [Fact]
    public async Task Errors_are_CBOR_maps_with_AWS_s_types_and_messages()
    {
        var missing = await SendAsync("DescribeStreamSummary", Request(("StreamName", Str("nope"))));
        Assert.Equal((400, Cbor), (missing.Status, missing.ContentType));
        var body = Map(Decode(missing.Body));
        Assert.Equal("ResourceNotFoundException", body["__type"]);
        Assert.Equal("Stream nope under account 000000000000 not found.", body["message"]);

        var invalid = Map(Decode((await SendAsync("CreateStream", Request(("StreamName", Str("x")), ("ShardCount", Int(0))))).Body));
        Assert.Equal("ValidationException", invalid["__type"]);
        var json = await _api.ErrorAsync("CreateStream", new { StreamName = "x", ShardCount = 0 }, "ValidationException");
        Assert.Equal(json.Message, invalid["message"]);
        Assert.Contains("'shardCount'", json.Message, StringComparison.Ordinal);

        var unsigned = Map(Decode((await SendAsync("ListStreams", Request(), authorization: null)).Body));
        Assert.Equal("MissingAuthenticationTokenException", unsigned["__type"]);
    }

    [Fact]
    public async Task A_type_mismatch_is_a_SerializationException_with_a_capital_M_message_and_broken_CBOR_has_none()
    {
        var mismatch = await SendAsync("PutRecord", Request(("StreamName", Int(1)), ("PartitionKey", Str("k")), ("Data", w => w.WriteByteString([1]))));
        Assert.Equal(400, mismatch.Status);
        Assert.Equal(
            "A2" + "66" + Convert.ToHexString("__type"u8) + "76" + Convert.ToHexString("SerializationException"u8) + "67" + Convert.ToHexString("Message"u8),
            Convert.ToHexString(mismatch.Body)[..(2 + 14 + 46 + 16)]);
        Assert.Equal("class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to an String", Map(Decode(mismatch.Body))["Message"]);

        var broken = await SendAsync("PutRecord", [0xBF, 0x61, 0x61]);
        Assert.Equal(400, broken.Status);
        Assert.Equal("A1" + "66" + Convert.ToHexString("__type"u8) + "76" + Convert.ToHexString("SerializationException"u8), Convert.ToHexString(broken.Body));
    }

    [Fact]
    public async Task An_unknown_operation_in_CBOR_is_answered_in_CBOR_before_authentication()
    {
        var reply = await SendAsync("Frobnicate", Request(), authorization: null);

        Assert.Equal((400, Cbor), (reply.Status, reply.ContentType));
        Assert.Equal("UnknownOperationException", Map(Decode(reply.Body))["__type"]);
    }
}
