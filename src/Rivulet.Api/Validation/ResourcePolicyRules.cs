using System.Text;
using System.Text.Json;

namespace Rivulet.Api.Validation;

/// <summary>
/// What PutResourcePolicy checks in a policy document before storing it verbatim. AWS documents
/// only that the policy is a JSON string that "must include the identity of the principal and the
/// actions allowed on this resource" (PutResourcePolicy, Policy member); the checks here are the IAM
/// policy grammar's (a Version IAM knows, a Statement of one or more statements, each with an Effect,
/// a Principal and Kinesis actions) and a 20 KiB size limit, the limit of other AWS resource
/// policies (Kinesis documents none). What a stored policy grants another account is decided by
/// <see cref="Resources.ResourcePolicyEvaluation"/>.
/// </summary>
internal static class ResourcePolicyRules
{
    public const int MaxPolicyBytes = 20 * 1024;

    private static readonly JsonDocumentOptions Strict = new() { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 64 };

    public static void Check(string policy)
    {
        var size = Encoding.UTF8.GetByteCount(policy);
        if (size > MaxPolicyBytes)
        {
            throw ApiErrors.ResourcePolicyTooLarge(size, MaxPolicyBytes);
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(policy, Strict);
        }
        catch (JsonException)
        {
            throw ApiErrors.InvalidResourcePolicy("the policy is not valid JSON");
        }

        using (document)
        {
            CheckDocument(document.RootElement);
        }
    }

    private static void CheckDocument(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw ApiErrors.InvalidResourcePolicy("the policy must be a JSON object");
        }

        if (root.TryGetProperty("Version", out var version)
            && (version.ValueKind != JsonValueKind.String || version.GetString() is not ("2012-10-17" or "2008-10-17")))
        {
            throw ApiErrors.InvalidResourcePolicy("Version must be \"2012-10-17\" or \"2008-10-17\"");
        }

        if (!root.TryGetProperty("Statement", out var statement))
        {
            throw ApiErrors.InvalidResourcePolicy("the policy has no Statement");
        }

        switch (statement.ValueKind)
        {
            case JsonValueKind.Object:
                CheckStatement(statement);
                break;
            case JsonValueKind.Array when statement.GetArrayLength() > 0:
                foreach (var item in statement.EnumerateArray())
                {
                    CheckStatement(item);
                }

                break;
            default:
                throw ApiErrors.InvalidResourcePolicy("Statement must be a statement or a non-empty list of statements");
        }
    }

    private static void CheckStatement(JsonElement statement)
    {
        if (statement.ValueKind != JsonValueKind.Object)
        {
            throw ApiErrors.InvalidResourcePolicy("each statement must be a JSON object");
        }

        if (!statement.TryGetProperty("Effect", out var effect) || effect.ValueKind != JsonValueKind.String || effect.GetString() is not ("Allow" or "Deny"))
        {
            throw ApiErrors.InvalidResourcePolicy("each statement needs an Effect of \"Allow\" or \"Deny\"");
        }

        // A resource-based policy names whom it applies to; the resource itself is implied.
        if (!HasNonEmpty(statement, "Principal") && !HasNonEmpty(statement, "NotPrincipal"))
        {
            throw ApiErrors.InvalidResourcePolicy("each statement needs a Principal or NotPrincipal");
        }

        var hasAction = statement.TryGetProperty("Action", out var actions);
        if (!hasAction && !statement.TryGetProperty("NotAction", out actions))
        {
            throw ApiErrors.InvalidResourcePolicy("each statement needs an Action or NotAction");
        }

        CheckActions(actions);
    }

    private static bool HasNonEmpty(JsonElement statement, string name) =>
        statement.TryGetProperty(name, out var value) && value.ValueKind switch
        {
            JsonValueKind.String => value.GetString()!.Length > 0,
            JsonValueKind.Object => value.EnumerateObject().Any(),
            _ => false,
        };

    private static void CheckActions(JsonElement actions)
    {
        switch (actions.ValueKind)
        {
            case JsonValueKind.String:
                CheckAction(actions.GetString()!);
                break;
            case JsonValueKind.Array when actions.GetArrayLength() > 0:
                foreach (var action in actions.EnumerateArray())
                {
                    if (action.ValueKind != JsonValueKind.String)
                    {
                        throw ApiErrors.InvalidResourcePolicy("actions must be strings");
                    }

                    CheckAction(action.GetString()!);
                }

                break;
            default:
                throw ApiErrors.InvalidResourcePolicy("Action must be an action or a non-empty list of actions");
        }
    }

    // A Kinesis resource can only be the subject of Kinesis actions.
    private static void CheckAction(string action)
    {
        if (action != "*" && !(action.StartsWith("kinesis:", StringComparison.OrdinalIgnoreCase) && action.Length > "kinesis:".Length))
        {
            throw ApiErrors.InvalidResourcePolicy($"the action {action} is not a Kinesis action (kinesis:<operation>)");
        }
    }
}
