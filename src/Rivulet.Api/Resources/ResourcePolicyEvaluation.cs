using System.Text.Json;

namespace Rivulet.Api.Resources;

/// <summary>
/// Whether a resource's policy lets another account's caller perform an action on it, as IAM
/// decides for a cross-account request that only a resource-based policy can allow: some Allow
/// statement applies and no Deny statement does. A caller is known only by its account (an access
/// key maps to an account, not to an IAM user or role), so a principal applies when it is "*", the
/// account's ID or its root ARN; a statement naming roles, users or services does not grant an
/// account's key anything. Conditions cannot be evaluated here: a conditional Allow grants nothing
/// and a conditional Deny denies, so a policy never lets in more than IAM would.
/// </summary>
internal static class ResourcePolicyEvaluation
{
    public static bool Allows(string? policy, string callerAccountId, string action, string resourceArn)
    {
        if (string.IsNullOrEmpty(policy))
        {
            return false;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(policy);
        }
        catch (JsonException)
        {
            return false;
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("Statement", out var statements))
            {
                return false;
            }

            var allowed = false;
            foreach (var statement in statements.ValueKind == JsonValueKind.Array ? statements.EnumerateArray().ToArray() : [statements])
            {
                if (statement.ValueKind != JsonValueKind.Object || !statement.TryGetProperty("Effect", out var effect))
                {
                    continue;
                }

                var deny = effect.ValueEquals("Deny");
                if (!deny && !effect.ValueEquals("Allow"))
                {
                    continue;
                }

                var conditional = statement.TryGetProperty("Condition", out _);
                if (conditional && !deny)
                {
                    continue;
                }

                if (AppliesTo(statement, callerAccountId, action, resourceArn))
                {
                    if (deny)
                    {
                        return false;
                    }

                    allowed = true;
                }
            }

            return allowed;
        }
    }

    private static bool AppliesTo(JsonElement statement, string callerAccountId, string action, string resourceArn)
    {
        var principal = statement.TryGetProperty("Principal", out var principals)
            ? PrincipalMatches(principals, callerAccountId)
            : statement.TryGetProperty("NotPrincipal", out var notPrincipals) && !PrincipalMatches(notPrincipals, callerAccountId);
        var acts = statement.TryGetProperty("Action", out var actions)
            ? AnyMatches(actions, action, ignoreCase: true)
            : statement.TryGetProperty("NotAction", out var notActions) && !AnyMatches(notActions, action, ignoreCase: true);

        // In a resource-based policy the resource is implied; when named it must name this one.
        var resource = statement.TryGetProperty("Resource", out var resources)
            ? AnyMatches(resources, resourceArn, ignoreCase: false)
            : !statement.TryGetProperty("NotResource", out var notResources) || !AnyMatches(notResources, resourceArn, ignoreCase: false);
        return principal && acts && resource;
    }

    private static bool PrincipalMatches(JsonElement principal, string accountId)
    {
        if (principal.ValueKind == JsonValueKind.String)
        {
            return principal.ValueEquals("*");
        }

        if (principal.ValueKind != JsonValueKind.Object || !principal.TryGetProperty("AWS", out var aws))
        {
            return false;
        }

        foreach (var value in Values(aws))
        {
            if (value == "*" || value == accountId || value == $"arn:aws:iam::{accountId}:root")
            {
                return true;
            }
        }

        return false;
    }

    private static bool AnyMatches(JsonElement patterns, string value, bool ignoreCase)
    {
        foreach (var pattern in Values(patterns))
        {
            if (Wildcard(pattern, value, ignoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static IEnumerable<string> Values(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => [element.GetString()!],
        JsonValueKind.Array => element.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!),
        _ => [],
    };

    /// <summary>IAM's glob: '*' any run of characters, '?' any one.</summary>
    internal static bool Wildcard(string pattern, string value, bool ignoreCase)
    {
        int p = 0, v = 0, star = -1, resume = 0;
        while (v < value.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || Same(pattern[p], value[v], ignoreCase)))
            {
                p++;
                v++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                resume = v;
            }
            else if (star >= 0)
            {
                p = star + 1;
                v = ++resume;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }

    private static bool Same(char a, char b, bool ignoreCase) =>
        a == b || (ignoreCase && char.ToLowerInvariant(a) == char.ToLowerInvariant(b));
}
