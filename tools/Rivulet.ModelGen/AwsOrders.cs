namespace Rivulet.ModelGen;

// Where AWS does not follow the model's order (wire reference §3.3). Validation checks the listed
// members first and the rest afterwards in model order; enum values print in the listed order.
internal static class AwsOrders
{
    private static readonly Dictionary<string, string[]> ValidationOrders = new(StringComparer.Ordinal)
    {
        ["PutRecordInput"] = ["SequenceNumberForOrdering", "PartitionKey", "ExplicitHashKey", "Data", "StreamName"],
        ["GetShardIteratorInput"] = ["ShardId", "ShardIteratorType", "StartingSequenceNumber", "StreamName"],
        ["ListShardsInput"] = ["MaxResults", "ExclusiveStartShardId", "StreamName", "NextToken"],
    };

    private static readonly Dictionary<string, string[]> EnumOrders = new(StringComparer.Ordinal)
    {
        ["ShardIteratorType"] = ["AFTER_SEQUENCE_NUMBER", "LATEST", "AT_TIMESTAMP", "AT_SEQUENCE_NUMBER", "TRIM_HORIZON"],
    };

    public static IReadOnlyList<Member> ValidationOrder(Shape structure)
    {
        if (!ValidationOrders.TryGetValue(structure.Name, out var first))
        {
            return structure.Members;
        }

        var ordered = new List<Member>();
        foreach (var name in first)
        {
            ordered.Add(structure.Members.SingleOrDefault(member => member.Name == name)
                ?? throw new InvalidDataException($"The validation order of {structure.Name} names {name}, which the model does not have."));
        }

        ordered.AddRange(structure.Members.Where(member => !first.Contains(member.Name)));
        return ordered;
    }

    public static IReadOnlyList<string> EnumOrder(Shape enumShape)
    {
        if (!EnumOrders.TryGetValue(enumShape.Name, out var order))
        {
            return enumShape.EnumValues;
        }

        if (order.Length != enumShape.EnumValues.Count || !order.All(enumShape.EnumValues.Contains))
        {
            throw new InvalidDataException($"The enum order of {enumShape.Name} no longer matches the model's values.");
        }

        return order;
    }
}
