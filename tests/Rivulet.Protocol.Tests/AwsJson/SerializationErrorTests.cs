using System.Text;
using Rivulet.Protocol.AwsJson;
using Rivulet.Protocol.Errors;
using Rivulet.Protocol.Model;
using static Rivulet.Protocol.Tests.Wire;

namespace Rivulet.Protocol.Tests.AwsJson;

// The texts of wire reference §3.4, byte for byte.
public sealed class SerializationErrorTests
{
    private const string NumberAsString = "class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to an String";
    private const string ListNotExpected = "Start of list found where not expected";
    private const string StructureNotExpected = "Start of structure or map found where not expected.";

    [Theory]
    [InlineData("""{"StreamName": 1}""", NumberAsString)]
    [InlineData("""{"StreamName": 1.5e3}""", NumberAsString)]
    [InlineData("""{"StreamName": true}""", "class java.lang.Boolean can not be converted to an String")]
    [InlineData("""{"StreamName": []}""", ListNotExpected)]
    [InlineData("""{"StreamName": {}}""", StructureNotExpected)]
    public void A_string_member_accepts_only_a_string(string json, string message)
    {
        Assert.Equal(message, SerializationMessage<PutRecordInput>(json));
    }

    [Theory]
    [InlineData("""{"Data": false}""", "class java.lang.Boolean can not be converted to a Blob")]
    [InlineData("""{"Data": 12}""", "class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to a Blob")]
    [InlineData("""{"Data": [1]}""", ListNotExpected)]
    [InlineData("""{"Data": {"a": 1}}""", StructureNotExpected)]
    public void A_blob_member_accepts_only_a_string(string json, string message)
    {
        Assert.Equal(message, SerializationMessage<PutRecordInput>(json));
    }

    [Theory]
    [InlineData("23456", "'23456' can not be converted to a Blob: Base64 encoded length is expected a multiple of 4 bytes but found: 5")]
    [InlineData("=+/=", "'=+/=' can not be converted to a Blob: Invalid Base64 character: '='")]
    [InlineData("+/+=", "'+/+=' can not be converted to a Blob: Invalid last non-pad Base64 character dectected")]
    [InlineData("QUI=QUI=", "'QUI=QUI=' can not be converted to a Blob: Invalid Base64 character: '='")]
    [InlineData("QU J", "'QU J' can not be converted to a Blob: Invalid Base64 character: ' '")]
    [InlineData("QUJD    ", "'QUJD    ' can not be converted to a Blob: Invalid Base64 character: ' '")]
    [InlineData("QR==", "'QR==' can not be converted to a Blob: Invalid last non-pad Base64 character dectected")]
    [InlineData("QUJ", "'QUJ' can not be converted to a Blob: Base64 encoded length is expected a multiple of 4 bytes but found: 3")]
    [InlineData(@"\u003D+/=", "'=+/=' can not be converted to a Blob: Invalid Base64 character: '='")]
    public void A_blob_must_be_strict_padded_base64(string base64, string message)
    {
        Assert.Equal(message, SerializationMessage<PutRecordInput>($$"""{"Data": "{{base64}}"}"""));
    }

    [Theory]
    [InlineData("", new byte[0])]
    [InlineData("QQ==", new byte[] { 0x41 })]
    [InlineData("QUI=", new byte[] { 0x41, 0x42 })]
    [InlineData("QUJD", new byte[] { 0x41, 0x42, 0x43 })]
    [InlineData("+/8=", new byte[] { 0xFB, 0xFF })]
    [InlineData(@"\u0051UJD", new byte[] { 0x41, 0x42, 0x43 })]
    [InlineData(@"\/\/8=", new byte[] { 0xFF, 0xFF })]
    public void A_blob_decodes_from_raw_or_escaped_base64(string base64, byte[] expected)
    {
        Assert.Equal(expected, Read<PutRecordInput>($$"""{"Data": "{{base64}}"}""").Data);
    }

    [Theory]
    [InlineData("""{"Limit": "10"}""", "class java.lang.String can not be converted to an Integer")]
    [InlineData("""{"Limit": true}""", "class java.lang.Boolean can not be converted to an Integer")]
    [InlineData("""{"Limit": [10]}""", ListNotExpected)]
    [InlineData("""{"Limit": {}}""", StructureNotExpected)]
    public void An_integer_member_accepts_only_a_number(string json, string message)
    {
        Assert.Equal(message, SerializationMessage<DescribeStreamInput>(json));
    }

    [Theory]
    [InlineData("""{"MillisBehindLatest": "10"}""", "class java.lang.String can not be converted to an Long")]
    [InlineData("""{"MillisBehindLatest": false}""", "class java.lang.Boolean can not be converted to an Long")]
    public void A_long_member_names_itself_an_Long(string json, string message)
    {
        Assert.Equal(message, SerializationMessage<GetRecordsOutput>(json));
    }

    [Theory]
    [InlineData("12", 12)]
    [InlineData("12.9", 12)]
    [InlineData("-12.9", -12)]
    [InlineData("1.2e1", 12)]
    [InlineData("1e20", int.MaxValue)]
    [InlineData("-99999999999", int.MinValue)]
    [InlineData("1e400", int.MaxValue)]
    [InlineData("-1e400", int.MinValue)]
    public void Integer_numbers_truncate_and_saturate(string number, int expected)
    {
        Assert.Equal(expected, Read<DescribeStreamInput>($$"""{"Limit": {{number}}}""").Limit);
    }

    [Theory]
    [InlineData("9223372036854775806", long.MaxValue - 1)]
    [InlineData("9223372036854775806.9", long.MaxValue - 1)]
    [InlineData("1e30", long.MaxValue)]
    [InlineData("-1e30", long.MinValue)]
    public void Long_numbers_truncate_and_saturate(string number, long expected)
    {
        Assert.Equal(expected, Read<GetRecordsOutput>($$"""{"MillisBehindLatest": {{number}}}""").MillisBehindLatest);
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("false", false)]
    [InlineData("\"TRUE\"", true)]
    [InlineData("\"Yes\"", true)]
    [InlineData("\"1\"", true)]
    [InlineData("\"fAlse\"", false)]
    [InlineData("\"no\"", false)]
    [InlineData("\"0\"", false)]
    public void A_boolean_member_accepts_booleans_and_their_usual_spellings(string value, bool expected)
    {
        Assert.Equal(expected, Read<DeleteStreamInput>($$"""{"EnforceConsumerDeletion": {{value}}}""").EnforceConsumerDeletion);
    }

    [Theory]
    [InlineData("""{"EnforceConsumerDeletion": 1}""", "class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to an Boolean")]
    [InlineData("""{"EnforceConsumerDeletion": "hello"}""", "'HELLO' can not be converted to an Boolean")]
    [InlineData("""{"EnforceConsumerDeletion": "y"}""", "'Y' can not be converted to an Boolean")]
    [InlineData("""{"EnforceConsumerDeletion": []}""", ListNotExpected)]
    [InlineData("""{"EnforceConsumerDeletion": {}}""", StructureNotExpected)]
    public void A_boolean_member_rejects_other_values(string json, string message)
    {
        Assert.Equal(message, SerializationMessage<DeleteStreamInput>(json));
    }

    [Theory]
    [InlineData("1545084650", 1545084650000)]
    [InlineData("1545084650.987", 1545084650987)]
    [InlineData("1545084650.9876", 1545084650987)]
    [InlineData("1.545084650987e9", 1545084650987)]
    [InlineData("0", 0)]
    public void A_timestamp_is_epoch_seconds_with_millisecond_precision(string number, long expectedMilliseconds)
    {
        var timestamp = Read<GetShardIteratorInput>($$"""{"Timestamp": {{number}}}""").Timestamp;

        Assert.Equal(expectedMilliseconds, timestamp?.ToUnixTimeMilliseconds());
    }

    [Theory]
    [InlineData("""{"Timestamp": "2018-12-17T22:10:50Z"}""", "class java.lang.String can not be converted to milliseconds since epoch")]
    [InlineData("""{"Timestamp": true}""", "class java.lang.Boolean can not be converted to milliseconds since epoch")]
    [InlineData("""{"Timestamp": [1]}""", ListNotExpected)]
    public void A_timestamp_member_accepts_only_a_number(string json, string message)
    {
        Assert.Equal(message, SerializationMessage<GetShardIteratorInput>(json));
    }

    [Fact]
    public void A_timestamp_beyond_the_calendar_saturates_instead_of_failing()
    {
        Assert.Equal(DateTimeOffset.MaxValue.ToUnixTimeMilliseconds(), Read<GetShardIteratorInput>("""{"Timestamp": 1e300}""").Timestamp?.ToUnixTimeMilliseconds());
    }

    [Theory]
    [InlineData("""{"Records": 1}""", "Expected list or null")]
    [InlineData("""{"Records": "a"}""", "Expected list or null")]
    [InlineData("""{"Records": true}""", "Expected list or null")]
    [InlineData("""{"Records": {}}""", StructureNotExpected)]
    [InlineData("""{"Records": [1]}""", "Expected null")]
    [InlineData("""{"Records": [[]]}""", ListNotExpected)]
    [InlineData("""{"Records": [{"PartitionKey": 5}]}""", NumberAsString)]
    public void A_list_member_accepts_only_a_list_of_its_items(string json, string message)
    {
        Assert.Equal(message, SerializationMessage<PutRecordsInput>(json));
    }

    [Theory]
    [InlineData("""{"Tags": 1}""", "Expected map or null")]
    [InlineData("""{"Tags": "a"}""", "Expected map or null")]
    [InlineData("""{"Tags": []}""", ListNotExpected)]
    [InlineData("""{"Tags": {"k": 1}}""", NumberAsString)]
    [InlineData("""{"StreamModeDetails": 1}""", "Expected null")]
    [InlineData("""{"StreamModeDetails": false}""", "Expected null")]
    [InlineData("""{"StreamModeDetails": []}""", ListNotExpected)]
    public void Map_and_structure_members_accept_only_objects(string json, string message)
    {
        Assert.Equal(message, SerializationMessage<CreateStreamInput>(json));
    }

    [Fact]
    public void Null_means_absent_and_unknown_members_are_skipped()
    {
        var input = Read<PutRecordsInput>("""
            {"Unknown": {"deep": [1, {"a": [true, null]}]}, "StreamName": null, "StreamARN": "arn",
             "Records": [null, {"PartitionKey": "a", "Data": null, "Extra": 1}]}
            """);

        Assert.Null(input.StreamName);
        Assert.Equal("arn", input.StreamARN);
        var record = Assert.Single(input.Records!);
        Assert.Equal("a", record.PartitionKey);
        Assert.Null(record.Data);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("[]")]
    [InlineData("\"text\"")]
    [InlineData("null")]
    [InlineData("{} {}")]
    [InlineData("{}x")]
    [InlineData("{\"StreamName\": \"a\",}")]
    [InlineData("{\"StreamName\": 'a'}")]
    public void A_body_that_is_not_a_json_object_has_no_message(string body)
    {
        Assert.Null(SerializationMessage<PutRecordInput>(body));
    }

    [Fact]
    public void Broken_json_after_a_type_mismatch_still_reports_a_body_without_message()
    {
        Assert.Null(SerializationMessage<PutRecordInput>("""{"StreamName": 1, "Data": """));
    }

    [Fact]
    public void Invalid_utf8_in_a_string_reports_a_body_without_message()
    {
        byte[] body = [.. Encoding.UTF8.GetBytes("{\"PartitionKey\": \""), 0xFF, .. Encoding.UTF8.GetBytes("\"}")];

        Assert.Null(Assert.Throws<SerializationException>(() => AwsJsonCodec.Read<PutRecordInput>(body)).AwsMessage);
    }
}
