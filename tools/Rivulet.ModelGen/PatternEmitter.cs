namespace Rivulet.ModelGen;

internal static class PatternEmitter
{
    public static string Emit(ServiceModel model)
    {
        var writer = ModelGenerator.StartFile(model, ["System.Text.RegularExpressions"]);
        writer.Line("// The model's patterns with Java's semantics, matched against the whole value. The *Text constants");
        writer.Line("// are the model's own spelling, which AWS quotes in ValidationException messages. Patterns run");
        writer.Line("// before length limits, so any length reaches them: NonBacktracking keeps that linear.");
        writer.Line("internal static partial class ModelPatterns");
        writer.Open();
        foreach (var shape in model.Shapes.Values)
        {
            if (shape.Pattern is null)
            {
                continue;
            }

            writer.Line($"internal const string {shape.Name}Text = {Verbatim(shape.Pattern)};");
            writer.Blank();
            writer.Line($"[GeneratedRegex({Verbatim($"^(?:{JavaRegex.ToDotNet(shape.Pattern)})\\z")}, RegexOptions.NonBacktracking)]");
            writer.Line($"internal static partial Regex {shape.Name}();");
            writer.Blank();
        }

        writer.Close();
        return writer.ToString();
    }

    private static string Verbatim(string text) => $"@\"{text.Replace("\"", "\"\"")}\"";
}
