namespace Rivulet.ModelGen;

internal static class OperationsEmitter
{
    public static string Emit(ServiceModel model)
    {
        var writer = ModelGenerator.StartFile(model, []);
        writer.Line("public enum KinesisOperation");
        writer.Open();
        foreach (var operation in model.Operations)
        {
            writer.Line($"{operation.Name},");
        }

        writer.Close();
        writer.Blank();
        writer.Line("public static class KinesisOperations");
        writer.Open();
        writer.Line($"public const string TargetPrefix = {ModelGenerator.Literal(model.TargetPrefix)};");
        writer.Blank();
        EmitTryParse(writer, model);
        writer.Blank();
        EmitLookup(writer, model, "string", "Name", operation => ModelGenerator.Literal(operation.Name));
        writer.Blank();
        EmitLookup(writer, model, "string", "InputShapeName", operation => ModelGenerator.Literal(operation.Input));
        writer.Blank();

        // Operations without an output shape answer 200 with an empty body.
        EmitLookup(writer, model, "string?", "OutputShapeName", operation => operation.Output is null ? "null" : ModelGenerator.Literal(operation.Output));
        writer.Blank();
        writer.Line("public static bool HasOutput(KinesisOperation operation) => OutputShapeName(operation) is not null;");
        writer.Blank();
        EmitIsEventStream(writer, model);
        writer.Blank();
        EmitDeclaresError(writer, model);
        writer.Close();
        return writer.ToString();
    }

    // X-Amz-Target arrives on every request: switch on the length, then compare bytes, no allocation.
    private static void EmitTryParse(CodeWriter writer, ServiceModel model)
    {
        writer.Line("public static bool TryParse(ReadOnlySpan<byte> utf8OperationName, out KinesisOperation operation)");
        writer.Open();
        writer.Line("switch (utf8OperationName.Length)");
        writer.Open();
        foreach (var sameLength in model.Operations.GroupBy(operation => operation.Name.Length).OrderBy(group => group.Key))
        {
            writer.Line($"case {sameLength.Key}:");
            writer.Indent();
            foreach (var operation in sameLength)
            {
                writer.Line($"if (utf8OperationName.SequenceEqual({ModelGenerator.Literal(operation.Name)}u8))");
                writer.Open();
                writer.Line($"operation = KinesisOperation.{operation.Name};");
                writer.Line("return true;");
                writer.Close();
                writer.Blank();
            }

            writer.Line("break;");
            writer.Dedent();
        }

        writer.Close();
        writer.Blank();
        writer.Line("operation = default;");
        writer.Line("return false;");
        writer.Close();
    }

    private static void EmitLookup(CodeWriter writer, ServiceModel model, string type, string name, Func<Operation, string> value)
    {
        writer.Line($"public static {type} {name}(KinesisOperation operation) => operation switch");
        writer.Open();
        foreach (var operation in model.Operations)
        {
            writer.Line($"KinesisOperation.{operation.Name} => {value(operation)},");
        }

        writer.Line("_ => throw new ArgumentOutOfRangeException(nameof(operation)),");
        writer.Close(";");
    }

    private static void EmitIsEventStream(CodeWriter writer, ServiceModel model)
    {
        var streaming = model.Operations
            .Where(operation => operation.Output is not null
                && model[operation.Output].Members.Any(member => model[member.Target].IsEventStream))
            .Select(operation => $"KinesisOperation.{operation.Name}")
            .ToList();

        writer.Line("// The output is an event stream (application/vnd.amazon.eventstream), not a JSON body.");
        writer.Line(streaming.Count == 0
            ? "public static bool IsEventStream(KinesisOperation operation) => false;"
            : $"public static bool IsEventStream(KinesisOperation operation) => operation is {string.Join(" or ", streaming)};");
    }

    private static void EmitDeclaresError(CodeWriter writer, ServiceModel model)
    {
        writer.Line("// The errors the model lists for the operation (beyond those every operation may answer).");
        writer.Line("public static bool DeclaresError(KinesisOperation operation, string errorShape) => operation switch");
        writer.Open();
        foreach (var operation in model.Operations)
        {
            var errors = operation.Errors.Count == 0 ? "false" : string.Join(" or ", operation.Errors.Select(ModelGenerator.Literal));
            writer.Line(operation.Errors.Count == 0 ? $"KinesisOperation.{operation.Name} => false," : $"KinesisOperation.{operation.Name} => errorShape is {errors},");
        }

        writer.Line("_ => false,");
        writer.Close(";");
    }
}
