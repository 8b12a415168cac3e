using System.Text.Json;
using System.Text.Json.Nodes;

namespace Rivulet.Api.Tests;

/// <summary>
/// Every member of every implemented operation's input, given every kind of wrong or extreme JSON
/// value, is answered with an AWS client error or a success: never a 500, never an exception.
/// Members come from the AWS model itself, so new members are covered as the model grows.
/// </summary>
public sealed class HostileInputTests
{
    private static readonly string[] Operations =
    [
        "CreateStream", "DeleteStream", "DescribeStream", "DescribeStreamSummary", "ListStreams", "ListShards", "ListTagsForStream",
        "PutRecord", "PutRecords", "GetShardIterator", "GetRecords", "IncreaseStreamRetentionPeriod", "DecreaseStreamRetentionPeriod",
        "AddTagsToStream", "RemoveTagsFromStream", "TagResource", "UntagResource", "ListTagsForResource", "PutResourcePolicy", "GetResourcePolicy", "DeleteResourcePolicy",
    ];

    private static readonly JsonNode?[] Values =
    [
        null, true, 0, -1, 1.5, 1e300, 2147483648, -9223372036854775809m, "", " ", "x", "0", "-1", "s", "AA==", "=+/=", "2015-01-01T00:00:00Z",
        new string('a', 600), "😀", "\u0000", "arn:aws:kinesis:us-east-1:000000000000:stream/s", "shardId-000000000000", "shardId-99999999999999",
        "49590338271490256608559692538361571095921575989136588898", "340282366920938463463374607431768211456", "AT_TIMESTAMP", "AFTER_SHARD_ID",
        new JsonArray(), new JsonArray(1, "a", null), new JsonObject(), new JsonObject { ["StreamMode"] = "ON_DEMAND" }, new JsonObject { ["Type"] = "AT_TIMESTAMP" },
    ];

    public static TheoryData<string> OperationNames() => [.. Operations];

    [Theory]
    [MemberData(nameof(OperationNames))]
    public async Task No_member_value_makes_an_operation_fail_with_a_server_error(string operation)
    {
        var api = new ApiHarness();
        await api.CreateStreamAsync("s", 2);
        await api.OkAsync("PutRecord", new { StreamName = "s", PartitionKey = "k", Data = "AA==" });
        var members = InputMembers(operation);
        var valid = new JsonObject { ["StreamName"] = "s" };
        foreach (var member in members)
        {
            foreach (var value in Values)
            {
                var body = valid.DeepClone().AsObject();
                body[member] = value?.DeepClone();
                var reply = await api.SendAsync(operation, body.ToJsonString());
                Assert.True(reply.Status is 200 or 400, $"{operation} with {member} = {value?.ToJsonString() ?? "null"} answered {reply.Status}: {reply.Body}");
                if (reply.Status == 400)
                {
                    Assert.False(string.IsNullOrEmpty(reply.Type), $"{operation}: a 400 without __type: {reply.Body}");
                }

                if (operation == "DeleteStream" && reply.Status == 200)
                {
                    await api.CreateStreamAsync("s", 2);
                }
            }
        }
    }

    [Fact]
    public async Task No_entry_value_makes_PutRecords_fail_with_a_server_error()
    {
        var api = new ApiHarness();
        await api.CreateStreamAsync("s", 2);
        foreach (var member in new[] { "Data", "PartitionKey", "ExplicitHashKey" })
        {
            foreach (var value in Values)
            {
                var entry = new JsonObject { ["Data"] = "AA==", ["PartitionKey"] = "k" };
                entry[member] = value?.DeepClone();
                var body = new JsonObject { ["StreamName"] = "s", ["Records"] = new JsonArray(entry, new JsonObject { ["Data"] = "AA==", ["PartitionKey"] = "k2" }) };
                var reply = await api.SendAsync("PutRecords", body.ToJsonString());
                Assert.True(reply.Status is 200 or 400, $"entry {member} = {value?.ToJsonString() ?? "null"} answered {reply.Status}: {reply.Body}");
            }
        }
    }

    private static List<string> InputMembers(string operation)
    {
        using var model = JsonDocument.Parse(File.ReadAllText(ModelPath()));
        var inputShape = model.RootElement.GetProperty("operations").GetProperty(operation).GetProperty("input").GetProperty("shape").GetString()!;
        return [.. model.RootElement.GetProperty("shapes").GetProperty(inputShape).GetProperty("members").EnumerateObject().Select(m => m.Name)];
    }

    private static string ModelPath()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Rivulet.slnx")))
        {
            directory = directory.Parent;
        }

        return Path.Combine(directory!.FullName, "tools", "Rivulet.ModelGen", "model", "kinesis-2013-12-02.service-2.json");
    }
}
