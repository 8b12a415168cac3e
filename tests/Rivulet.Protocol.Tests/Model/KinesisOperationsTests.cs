using System.Text;
using Rivulet.Protocol.Model;

namespace Rivulet.Protocol.Tests.Model;

public sealed class KinesisOperationsTests
{
    [Fact]
    public void Every_operation_parses_from_its_own_name()
    {
        var operations = Enum.GetValues<KinesisOperation>();

        Assert.Equal(45, operations.Length);
        foreach (var operation in operations)
        {
            Assert.True(KinesisOperations.TryParse(Encoding.UTF8.GetBytes(KinesisOperations.Name(operation)), out var parsed));
            Assert.Equal(operation, parsed);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("putRecord")]
    [InlineData("PutRecordz")]
    [InlineData("PutRecordsX")]
    [InlineData("Kinesis_20131202.PutRecord")]
    public void Names_that_are_not_operations_do_not_parse(string name)
    {
        Assert.False(KinesisOperations.TryParse(Encoding.UTF8.GetBytes(name), out _));
    }

    [Fact]
    public void Parsing_an_operation_name_allocates_nothing()
    {
        var name = "PutRecords"u8.ToArray();
        KinesisOperations.TryParse(name, out _);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            KinesisOperations.TryParse(name, out _);
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }

    [Fact]
    public void Nineteen_operations_answer_with_an_empty_body()
    {
        var withoutOutput = Enum.GetValues<KinesisOperation>().Where(operation => !KinesisOperations.HasOutput(operation)).ToHashSet();

        KinesisOperation[] expected =
        [
            KinesisOperation.CreateStream, KinesisOperation.DeleteStream, KinesisOperation.SplitShard,
            KinesisOperation.MergeShards, KinesisOperation.UpdateStreamMode, KinesisOperation.UpdateMaxRecordSize,
            KinesisOperation.AddTagsToStream, KinesisOperation.RemoveTagsFromStream, KinesisOperation.TagResource,
            KinesisOperation.UntagResource, KinesisOperation.PutResourcePolicy, KinesisOperation.DeleteResourcePolicy,
            KinesisOperation.IncreaseStreamRetentionPeriod, KinesisOperation.DecreaseStreamRetentionPeriod,
            KinesisOperation.StartStreamEncryption, KinesisOperation.StopStreamEncryption, KinesisOperation.DeregisterStreamConsumer,
            KinesisOperation.DeleteChannel, KinesisOperation.UpdateStreamRecordDistributionStrategy,
        ];
        Assert.Equal(19, withoutOutput.Count);
        Assert.True(withoutOutput.SetEquals(expected));
        Assert.Null(KinesisOperations.OutputShapeName(KinesisOperation.CreateStream));
    }

    [Fact]
    public void Only_SubscribeToShard_answers_with_an_event_stream()
    {
        var streaming = Enum.GetValues<KinesisOperation>().Where(KinesisOperations.IsEventStream);

        Assert.Equal([KinesisOperation.SubscribeToShard], streaming);
    }

    [Fact]
    public void Shape_names_come_from_the_model()
    {
        Assert.Equal("PutRecordsInput", KinesisOperations.InputShapeName(KinesisOperation.PutRecords));
        Assert.Equal("PutRecordsOutput", KinesisOperations.OutputShapeName(KinesisOperation.PutRecords));
        Assert.Equal("EnhancedMonitoringOutput", KinesisOperations.OutputShapeName(KinesisOperation.EnableEnhancedMonitoring));
        Assert.Equal("Kinesis_20131202", KinesisOperations.TargetPrefix);
    }
}
