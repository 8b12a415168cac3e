namespace Rivulet.ModelGen;

// One structure shape as a class: a property per member, ReadJson, WriteJson and Validate.
internal sealed class StructureEmitter(ServiceModel model)
{
    public string Emit(Shape structure)
    {
        // Event-stream members are framed outside the JSON body, so the class leaves them out.
        var members = structure.Members.Where(member => !model[member.Target].IsEventStream).ToList();
        foreach (var member in members)
        {
            if (member.Name == structure.Name)
            {
                throw new NotSupportedException($"{structure.Name}.{member.Name} would share its class's name.");
            }
        }

        var usings = members.Count == 0
            ? new[] { "System.Formats.Cbor", "System.Text.Json", "Rivulet.Protocol.AwsCbor", "Rivulet.Protocol.Validation" }
            : ["System.Formats.Cbor", "System.Text.Json", "Rivulet.Protocol.AwsCbor", "Rivulet.Protocol.AwsJson", "Rivulet.Protocol.Validation"];
        var writer = ModelGenerator.StartFile(model, usings);
        writer.Line($"public sealed partial class {structure.Name} : IWireShape<{structure.Name}>");
        writer.Open();
        foreach (var member in members)
        {
            writer.Line($"public {TypeOf(member)} {member.Name} {{ get; set; }}");
            writer.Blank();
        }

        EmitReadJson(writer, structure, members);
        writer.Blank();
        EmitWriteJson(writer, members);
        writer.Blank();
        EmitReadCbor(writer, structure, members);
        writer.Blank();
        EmitWriteCbor(writer, members);
        writer.Blank();
        EmitValidate(writer, structure, members);
        writer.Close();
        return writer.ToString();
    }

    private void EmitReadJson(CodeWriter writer, Shape structure, List<Member> members)
    {
        writer.Line($"public static {structure.Name} ReadJson(ref Utf8JsonReader reader)");
        writer.Open();
        writer.Line($"var result = new {structure.Name}();");
        writer.Line("while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)");
        writer.Open();
        for (var i = 0; i < members.Count; i++)
        {
            var member = members[i];
            writer.Line($"{(i == 0 ? "if" : "else if")} (reader.ValueTextEquals({ModelGenerator.Literal(member.Name)}u8))");
            writer.Open();
            writer.Line("reader.Read();");
            writer.Line($"result.{member.Name} = {ReaderOf(member)};");
            writer.Close();
        }

        if (members.Count == 0)
        {
            writer.Line("reader.Skip();");
        }
        else
        {
            writer.Line("else");
            writer.Open();
            writer.Line("reader.Skip();");
            writer.Close();
        }

        writer.Close();
        writer.Blank();
        writer.Line("return result;");
        writer.Close();
    }

    private void EmitWriteJson(CodeWriter writer, List<Member> members)
    {
        writer.Line("public void WriteJson(Utf8JsonWriter writer)");
        writer.Open();
        writer.Line("writer.WriteStartObject();");
        foreach (var member in members)
        {
            var name = $"{ModelGenerator.Literal(member.Name)}u8";
            writer.Line($"if ({member.Name} is not null)");
            writer.Open();
            switch (KindOf(member))
            {
                case MemberKind.String:
                    writer.Line($"writer.WriteString({name}, {member.Name});");
                    break;
                case MemberKind.Blob:
                    writer.Line($"writer.WriteBase64String({name}, {member.Name});");
                    break;
                case MemberKind.Integer or MemberKind.Long:
                    writer.Line($"writer.WriteNumber({name}, {member.Name}.Value);");
                    break;
                case MemberKind.Boolean:
                    writer.Line($"writer.WriteBoolean({name}, {member.Name}.Value);");
                    break;
                case MemberKind.Timestamp:
                    writer.Line($"writer.WritePropertyName({name});");
                    writer.Line($"AwsJsonValues.WriteTimestamp(writer, {member.Name}.Value);");
                    break;
                case MemberKind.Structure:
                    writer.Line($"writer.WritePropertyName({name});");
                    writer.Line($"{member.Name}.WriteJson(writer);");
                    break;
                case MemberKind.StringList or MemberKind.StructureList:
                    writer.Line($"writer.WriteStartArray({name});");
                    writer.Line($"foreach (var item in {member.Name})");
                    writer.Open();
                    writer.Line(KindOf(member) == MemberKind.StringList ? "writer.WriteStringValue(item);" : "item.WriteJson(writer);");
                    writer.Close();
                    writer.Blank();
                    writer.Line("writer.WriteEndArray();");
                    break;
                case MemberKind.StringMap:
                    writer.Line($"writer.WriteStartObject({name});");
                    writer.Line($"foreach (var entry in {member.Name})");
                    writer.Open();
                    writer.Line("writer.WriteString(entry.Key, entry.Value);");
                    writer.Close();
                    writer.Blank();
                    writer.Line("writer.WriteEndObject();");
                    break;
            }

            writer.Close();
            writer.Blank();
        }

        writer.Line("writer.WriteEndObject();");
        writer.Close();
    }

    // Member names are compared as UTF-8, as in ReadJson: no string per name.
    private void EmitReadCbor(CodeWriter writer, Shape structure, List<Member> members)
    {
        writer.Line($"public static {structure.Name} ReadCbor(CborReader reader)");
        writer.Open();
        writer.Line($"var result = new {structure.Name}();");
        writer.Line("byte[]? scratch = null;");
        writer.Line("AwsCborValues.ReadStartStructure(reader);");
        writer.Line("while (AwsCborValues.ReadMemberName(reader, ref scratch, out var name))");
        writer.Open();
        for (var i = 0; i < members.Count; i++)
        {
            var member = members[i];
            writer.Line($"{(i == 0 ? "if" : "else if")} (name.SequenceEqual({ModelGenerator.Literal(member.Name)}u8))");
            writer.Open();
            writer.Line($"result.{member.Name} = {CborReaderOf(member)};");
            writer.Close();
        }

        if (members.Count == 0)
        {
            writer.Line("reader.SkipValue();");
        }
        else
        {
            writer.Line("else");
            writer.Open();
            writer.Line("reader.SkipValue();");
            writer.Close();
        }

        writer.Close();
        writer.Blank();
        writer.Line("return result;");
        writer.Close();
    }

    // Definite lengths throughout: every client's decoder takes them, and they cost one count.
    private void EmitWriteCbor(CodeWriter writer, List<Member> members)
    {
        writer.Line("public void WriteCbor(CborWriter writer)");
        writer.Open();
        var count = members.Count == 0 ? "0" : string.Join(" + ", members.Select(member => $"({member.Name} is null ? 0 : 1)"));
        writer.Line($"writer.WriteStartMap({count});");
        foreach (var member in members)
        {
            writer.Line($"if ({member.Name} is not null)");
            writer.Open();
            writer.Line($"writer.WriteTextString({ModelGenerator.Literal(member.Name)});");
            switch (KindOf(member))
            {
                case MemberKind.String:
                    writer.Line($"writer.WriteTextString({member.Name});");
                    break;
                case MemberKind.Blob:
                    writer.Line($"writer.WriteByteString({member.Name});");
                    break;
                case MemberKind.Integer:
                    writer.Line($"writer.WriteInt32({member.Name}.Value);");
                    break;
                case MemberKind.Long:
                    writer.Line($"writer.WriteInt64({member.Name}.Value);");
                    break;
                case MemberKind.Boolean:
                    writer.Line($"writer.WriteBoolean({member.Name}.Value);");
                    break;
                case MemberKind.Timestamp:
                    writer.Line($"AwsCborValues.WriteTimestamp(writer, {member.Name}.Value);");
                    break;
                case MemberKind.Structure:
                    writer.Line($"{member.Name}.WriteCbor(writer);");
                    break;
                case MemberKind.StringList or MemberKind.StructureList:
                    writer.Line($"writer.WriteStartArray({member.Name}.Count);");
                    writer.Line($"foreach (var item in {member.Name})");
                    writer.Open();
                    writer.Line(KindOf(member) == MemberKind.StringList ? "writer.WriteTextString(item);" : "item.WriteCbor(writer);");
                    writer.Close();
                    writer.Blank();
                    writer.Line("writer.WriteEndArray();");
                    break;
                case MemberKind.StringMap:
                    writer.Line($"writer.WriteStartMap({member.Name}.Count);");
                    writer.Line($"foreach (var entry in {member.Name})");
                    writer.Open();
                    writer.Line("writer.WriteTextString(entry.Key);");
                    writer.Line("writer.WriteTextString(entry.Value);");
                    writer.Close();
                    writer.Blank();
                    writer.Line("writer.WriteEndMap();");
                    break;
            }

            writer.Close();
            writer.Blank();
        }

        writer.Line("writer.WriteEndMap();");
        writer.Close();
    }

    // Per member at most one violation (required, then its own constraints in AWS's order), then
    // whatever the member contains; members in AWS's order (AwsOrders).
    private void EmitValidate(CodeWriter writer, Shape structure, List<Member> members)
    {
        writer.Line("public void Validate(ValidationErrors errors, string path)");
        writer.Open();
        foreach (var member in AwsOrders.ValidationOrder(structure).Where(members.Contains))
        {
            var path = $"path + {ModelGenerator.Literal(ModelGenerator.LowerFirst(member.Name))}";
            var checks = ConstraintsOf(model[member.Target], member.Name);
            var hasContents = HasContentChecks(member);
            if (structure.Required.Contains(member.Name))
            {
                writer.Line($"if ({member.Name} is null)");
                writer.Open();
                writer.Line($"errors.MustNotBeNull({path});");
                writer.Close();
                if (checks.Count == 0 && !hasContents)
                {
                    writer.Blank();
                    continue;
                }

                writer.Line("else");
            }
            else if (checks.Count > 0 || hasContents)
            {
                writer.Line($"if ({member.Name} is not null)");
            }
            else
            {
                continue;
            }

            writer.Open();
            EmitChain(writer, checks, check => $"errors.{check.Violation}({path}, {check.Argument});");
            writer.Blank();
            EmitContentChecks(writer, member, path);
            writer.Close();
            writer.Blank();
        }

        writer.Close();
    }

    private void EmitContentChecks(CodeWriter writer, Member member, string path)
    {
        var target = model[member.Target];
        switch (KindOf(member))
        {
            case MemberKind.Structure:
                writer.Line($"{member.Name}.Validate(errors, path + {ModelGenerator.Literal(ModelGenerator.LowerFirst(member.Name) + ".")});");
                break;
            case MemberKind.StructureList:
                // Items validate under "" and get their prefix only if they add something: no path
                // strings for the 500 valid records of a PutRecords.
                writer.Line($"for (var i = 0; i < {member.Name}.Count; i++)");
                writer.Open();
                writer.Line("var mark = errors.Count;");
                writer.Line($"{member.Name}[i].Validate(errors, \"\");");
                writer.Line("if (errors.Count > mark)");
                writer.Open();
                writer.Line($"errors.PrefixPaths(mark, $\"{{path}}{ModelGenerator.LowerFirst(member.Name)}.{{i + 1}}.member.\");");
                writer.Close();
                writer.Close();
                break;
            case MemberKind.StringList when ConstraintsOf(model[target.ListMember!], "item").Count > 0:
                EmitItemChecks(writer, member.Name, "item", [("item", "itemViolations", "ListItems", model[target.ListMember!])], path);
                break;
            case MemberKind.StringMap:
                var keyAndValue = new List<(string Access, string Flags, string Report, Shape Shape)>
                {
                    ("entry.Key", "keyViolations", "MapKeys", model[target.MapKey!]),
                    ("entry.Value", "valueViolations", "MapValues", model[target.MapValue!]),
                };
                keyAndValue.RemoveAll(part => ConstraintsOf(part.Shape, part.Access).Count == 0);
                if (keyAndValue.Count > 0)
                {
                    EmitItemChecks(writer, member.Name, "entry", keyAndValue, path);
                }

                break;
        }
    }

    // Items of a list of strings, or a map's keys and values: each item breaks at most one
    // constraint, and the union is reported once at the collection's path.
    private static void EmitItemChecks(
        CodeWriter writer, string collection, string loopVariable, List<(string Access, string Flags, string Report, Shape Shape)> parts, string path)
    {
        foreach (var part in parts)
        {
            writer.Line($"var {part.Flags} = ItemViolations.None;");
        }

        writer.Line($"foreach (var {loopVariable} in {collection})");
        writer.Open();
        foreach (var part in parts)
        {
            EmitChain(writer, ConstraintsOf(part.Shape, part.Access), check => $"{part.Flags} |= ItemViolations.{check.Violation};");
            writer.Blank();
        }

        writer.Close();
        foreach (var part in parts)
        {
            var limits = new List<string>();
            if (part.Shape.Min > 0)
            {
                limits.Add($"minLength: {part.Shape.Min}");
            }

            if (part.Shape.Max is { } max)
            {
                limits.Add($"maxLength: {max}");
            }

            if (part.Shape.Pattern is not null)
            {
                limits.Add($"pattern: ModelPatterns.{part.Shape.Name}Text");
            }

            if (part.Shape.EnumValues.Count > 0)
            {
                limits.Add($"enumValues: {EnumText(part.Shape)}");
            }

            writer.Blank();
            writer.Line($"if ({part.Flags} != ItemViolations.None)");
            writer.Open();
            writer.Line($"errors.{part.Report}({path}, {part.Flags}, {string.Join(", ", limits)});");
            writer.Close();
        }
    }

    private static void EmitChain(CodeWriter writer, List<Constraint> checks, Func<Constraint, string> report)
    {
        for (var i = 0; i < checks.Count; i++)
        {
            writer.Line($"{(i == 0 ? "if" : "else if")} ({checks[i].Condition})");
            writer.Open();
            writer.Line(report(checks[i]));
            writer.Close();
        }
    }

    // A shape's own constraints in the order AWS checks them: pattern, length, value range, enum.
    private static List<Constraint> ConstraintsOf(Shape shape, string access)
    {
        var checks = new List<Constraint>();
        if (shape.Pattern is not null)
        {
            checks.Add(new($"!ModelPatterns.{shape.Name}().IsMatch({access})", "Pattern", $"ModelPatterns.{shape.Name}Text"));
        }

        var length = shape.Type switch
        {
            "string" or "blob" => "Length",
            "list" or "map" => "Count",
            _ => null,
        };
        if (length is not null)
        {
            // A minimum of zero cannot fail.
            if (shape.Min > 0)
            {
                checks.Add(new($"{access}.{length} < {shape.Min}", "MinLength", $"{shape.Min}"));
            }

            if (shape.Max is { } max)
            {
                checks.Add(new($"{access}.{length} > {max}", "MaxLength", $"{max}"));
            }
        }
        else if (shape.Type is "integer" or "long")
        {
            if (shape.Min is { } min)
            {
                checks.Add(new($"{access} < {min}", "MinValue", $"{min}"));
            }

            if (shape.Max is { } max)
            {
                checks.Add(new($"{access} > {max}", "MaxValue", $"{max}"));
            }
        }

        if (shape.EnumValues.Count > 0)
        {
            var allowed = string.Join(" or ", shape.EnumValues.Select(ModelGenerator.Literal));
            checks.Add(new($"{access} is not ({allowed})", "Enum", EnumText(shape)));
        }

        return checks;
    }

    private static string EnumText(Shape shape) => ModelGenerator.Literal(string.Join(", ", AwsOrders.EnumOrder(shape)));

    private bool HasContentChecks(Member member)
    {
        var target = model[member.Target];
        return KindOf(member) switch
        {
            MemberKind.Structure or MemberKind.StructureList => true,
            MemberKind.StringList => ConstraintsOf(model[target.ListMember!], "item").Count > 0,
            MemberKind.StringMap => ConstraintsOf(model[target.MapKey!], "key").Count > 0 || ConstraintsOf(model[target.MapValue!], "value").Count > 0,
            _ => false,
        };
    }

    private string TypeOf(Member member) => KindOf(member) switch
    {
        MemberKind.String => "string?",
        MemberKind.Blob => "byte[]?",
        MemberKind.Integer => "int?",
        MemberKind.Long => "long?",
        MemberKind.Boolean => "bool?",
        MemberKind.Timestamp => "DateTimeOffset?",
        MemberKind.Structure => $"{member.Target}?",
        MemberKind.StringList => "List<string>?",
        MemberKind.StructureList => $"List<{model[member.Target].ListMember}>?",
        MemberKind.StringMap => "Dictionary<string, string>?",
        _ => throw new NotSupportedException(),
    };

    private string ReaderOf(Member member) => KindOf(member) switch
    {
        MemberKind.String => "AwsJsonValues.ReadString(ref reader)",
        MemberKind.Blob => "AwsJsonValues.ReadBlob(ref reader)",
        MemberKind.Integer => "AwsJsonValues.ReadInteger(ref reader)",
        MemberKind.Long => "AwsJsonValues.ReadLong(ref reader)",
        MemberKind.Boolean => "AwsJsonValues.ReadBoolean(ref reader)",
        MemberKind.Timestamp => "AwsJsonValues.ReadTimestamp(ref reader)",
        MemberKind.Structure => $"AwsJsonValues.ReadStructure<{member.Target}>(ref reader)",
        MemberKind.StringList => "AwsJsonValues.ReadStringList(ref reader)",
        MemberKind.StructureList => $"AwsJsonValues.ReadStructureList<{model[member.Target].ListMember}>(ref reader)",
        MemberKind.StringMap => "AwsJsonValues.ReadStringMap(ref reader)",
        _ => throw new NotSupportedException(),
    };

    private string CborReaderOf(Member member) => KindOf(member) switch
    {
        MemberKind.String => "AwsCborValues.ReadString(reader)",
        MemberKind.Blob => "AwsCborValues.ReadBlob(reader)",
        MemberKind.Integer => "AwsCborValues.ReadInteger(reader)",
        MemberKind.Long => "AwsCborValues.ReadLong(reader)",
        MemberKind.Boolean => "AwsCborValues.ReadBoolean(reader)",
        MemberKind.Timestamp => "AwsCborValues.ReadTimestamp(reader)",
        MemberKind.Structure => $"AwsCborValues.ReadStructure<{member.Target}>(reader)",
        MemberKind.StringList => "AwsCborValues.ReadStringList(reader)",
        MemberKind.StructureList => $"AwsCborValues.ReadStructureList<{model[member.Target].ListMember}>(reader)",
        MemberKind.StringMap => "AwsCborValues.ReadStringMap(reader)",
        _ => throw new NotSupportedException(),
    };

    private MemberKind KindOf(Member member)
    {
        var target = model[member.Target];
        return target.Type switch
        {
            "string" => MemberKind.String,
            "blob" => MemberKind.Blob,
            "integer" => MemberKind.Integer,
            "long" => MemberKind.Long,
            "boolean" => MemberKind.Boolean,
            "timestamp" => MemberKind.Timestamp,
            "structure" => MemberKind.Structure,
            "list" when model[target.ListMember!].Type == "string" => MemberKind.StringList,
            "list" when model[target.ListMember!].Type == "structure" => MemberKind.StructureList,
            "map" when model[target.MapKey!].Type == "string" && model[target.MapValue!].Type == "string" => MemberKind.StringMap,
            _ => throw new NotSupportedException($"{member.Name} targets {target.Name} ({target.Type}), which the generator does not map."),
        };
    }

    private sealed record Constraint(string Condition, string Violation, string Argument);

    private enum MemberKind
    {
        String,
        Blob,
        Integer,
        Long,
        Boolean,
        Timestamp,
        Structure,
        StringList,
        StructureList,
        StringMap,
    }
}
