using System.Buffers;
using System.Text;
using System.Text.Json;
using Rivulet.Protocol.AwsJson;
using Rivulet.Protocol.Model;
using static Rivulet.Protocol.Tests.Wire;
using Record = Rivulet.Protocol.Model.Record;

namespace Rivulet.Protocol.Tests.AwsJson;

public sealed class RoundTripTests
{
    [Fact]
    public void A_full_PutRecords_request_of_500_entries_survives_a_round_trip()
    {
        var input = new PutRecordsInput
        {
            StreamName = "orders",
            Records = [.. Enumerable.Range(0, 500).Select(i => new PutRecordsRequestEntry
            {
                PartitionKey = $"pk-{i}",
                Data = Enumerable.Range(0, i % 97).Select(b => (byte)(b * i)).ToArray(),
                ExplicitHashKey = i % 3 == 0 ? $"{i}" : null,
            })],
        };

        var json = Write(input);
        var read = Read<PutRecordsInput>(json);

        Assert.StartsWith("""{"Records":[{"Data":"","ExplicitHashKey":"0","PartitionKey":"pk-0"},{"Data":"AA==","PartitionKey":"pk-1"},""", json);
        Assert.Equal("orders", read.StreamName);
        Assert.Equal(500, read.Records!.Count);
        for (var i = 0; i < 500; i++)
        {
            Assert.Equal(input.Records[i].PartitionKey, read.Records[i].PartitionKey);
            Assert.Equal(input.Records[i].Data, read.Records[i].Data);
            Assert.Equal(input.Records[i].ExplicitHashKey, read.Records[i].ExplicitHashKey);
        }

        Assert.Equal(json, Write(read));
    }

    [Fact]
    public void GetRecords_output_writes_timestamps_as_epoch_seconds_with_milliseconds()
    {
        var output = new GetRecordsOutput
        {
            Records =
            [
                new Record
                {
                    SequenceNumber = "49590338271490256608559692538361571095921575989136588898",
                    ApproximateArrivalTimestamp = DateTimeOffset.FromUnixTimeMilliseconds(1545084650987),
                    Data = [1, 2, 3],
                    PartitionKey = "pk",
                },
                new Record
                {
                    SequenceNumber = "2",
                    ApproximateArrivalTimestamp = DateTimeOffset.FromUnixTimeMilliseconds(1545084650000),
                    Data = [],
                    PartitionKey = "pk",
                    EncryptionType = "KMS",
                },
                new Record { SequenceNumber = "3", ApproximateArrivalTimestamp = DateTimeOffset.FromUnixTimeMilliseconds(1545084650100), Data = [], PartitionKey = "p" },
            ],
            NextShardIterator = "AAAA",
            MillisBehindLatest = 5_000_000_000,
            ChildShards =
            [
                new ChildShard
                {
                    ShardId = "shardId-000000000002",
                    ParentShards = ["shardId-000000000000", "shardId-000000000001"],
                    HashKeyRange = new HashKeyRange { StartingHashKey = "0", EndingHashKey = "340282366920938463463374607431768211455" },
                },
            ],
        };

        var json = Write(output);

        var expected = """
            {"Records":[{"SequenceNumber":"49590338271490256608559692538361571095921575989136588898","ApproximateArrivalTimestamp":1545084650.987,"Data":"AQID","PartitionKey":"pk"},
            {"SequenceNumber":"2","ApproximateArrivalTimestamp":1545084650,"Data":"","PartitionKey":"pk","EncryptionType":"KMS"},
            {"SequenceNumber":"3","ApproximateArrivalTimestamp":1545084650.1,"Data":"","PartitionKey":"p"}],
            "NextShardIterator":"AAAA","MillisBehindLatest":5000000000,
            "ChildShards":[{"ShardId":"shardId-000000000002","ParentShards":["shardId-000000000000","shardId-000000000001"],
            "HashKeyRange":{"StartingHashKey":"0","EndingHashKey":"340282366920938463463374607431768211455"}}]}
            """.ReplaceLineEndings("");
        Assert.Equal(expected, json);
        Assert.Equal(json, Write(Read<GetRecordsOutput>(json)));
        Assert.Equal(1545084650987, Read<GetRecordsOutput>(json).Records![0].ApproximateArrivalTimestamp!.Value.ToUnixTimeMilliseconds());
    }

    [Fact]
    public void CreateStream_input_carries_tags_and_stream_mode_details()
    {
        var json = """{"StreamName":"s","ShardCount":2,"StreamModeDetails":{"StreamMode":"PROVISIONED"},"Tags":{"team":"data","env":"prod"},"MaxRecordSizeInKiB":2048}""";

        var input = Read<CreateStreamInput>(json);

        Assert.Equal("s", input.StreamName);
        Assert.Equal(2, input.ShardCount);
        Assert.Equal("PROVISIONED", input.StreamModeDetails!.StreamMode);
        Assert.Equal(new Dictionary<string, string> { ["team"] = "data", ["env"] = "prod" }, input.Tags);
        Assert.Equal(2048, input.MaxRecordSizeInKiB);
        Assert.Null(input.WarmThroughputMiBps);
        Assert.Equal(json, Write(input));
    }

    [Fact]
    public void ReadJson_stops_on_the_end_of_its_own_object()
    {
        var reader = new Utf8JsonReader("""[{"StreamName":"a","Tags":{"k":"v"}},{"StreamName":"b"}]"""u8);
        reader.Read();
        reader.Read();

        var first = CreateStreamInput.ReadJson(ref reader);
        Assert.Equal(JsonTokenType.EndObject, reader.TokenType);
        reader.Read();
        var second = CreateStreamInput.ReadJson(ref reader);

        Assert.Equal(("a", "b"), (first.StreamName, second.StreamName));
        Assert.True(reader.Read());
        Assert.Equal(JsonTokenType.EndArray, reader.TokenType);
    }

    [Fact]
    public void Absent_members_are_left_out()
    {
        Assert.Equal("{}", Write(new PutRecordOutput()));
        Assert.Equal("""{"StreamNames":[],"HasMoreStreams":false}""", Write(new ListStreamsOutput { StreamNames = [], HasMoreStreams = false }));
    }

    [Fact]
    public void Text_goes_out_unescaped_where_json_allows_it()
    {
        var json = Write(new PutRecordInput { PartitionKey = "é+<\"\\", Data = [0xFB, 0xFF] });

        Assert.Equal("""{"Data":"+/8=","PartitionKey":"é+<\"\\"}""", json);
    }

    [Fact]
    public void Consecutive_writes_to_different_buffers_do_not_mix()
    {
        var first = new ArrayBufferWriter<byte>();
        var second = new ArrayBufferWriter<byte>();

        AwsJsonCodec.Write(first, new GetShardIteratorOutput { ShardIterator = "one" });
        AwsJsonCodec.Write(second, new GetShardIteratorOutput { ShardIterator = "two" });

        Assert.Equal("""{"ShardIterator":"one"}""", Encoding.UTF8.GetString(first.WrittenSpan));
        Assert.Equal("""{"ShardIterator":"two"}""", Encoding.UTF8.GetString(second.WrittenSpan));
    }

    [Fact]
    public void A_body_split_across_segments_reads_like_a_contiguous_one()
    {
        var json = Encoding.UTF8.GetBytes("""{"StreamName":"s","Records":[{"PartitionKey":"a","Data":"QUJD"}]}""");
        var first = new Segment(json.AsMemory(0, 40));
        var last = first.Append(json.AsMemory(40));

        var input = AwsJsonCodec.Read<PutRecordsInput>(new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length));

        Assert.Equal("s", input.StreamName);
        Assert.Equal("ABC"u8.ToArray(), input.Records![0].Data);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory) => Memory = memory;

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory) { RunningIndex = RunningIndex + Memory.Length };
            Next = next;
            return next;
        }
    }
}
