using System.Collections.Immutable;

namespace Rivulet.Protocol.Auth;

/// <summary>
/// One access key the server accepts: its secret, the account it belongs to (null: decided by the
/// caller's rules for keys that name none) and, for temporary credentials, the session tokens that
/// must come with it (empty: the key is used without one).
/// </summary>
public sealed record SigV4Credential(string AccessKeyId, string SecretAccessKey, string? AccountId = null)
{
    public ImmutableArray<string> SessionTokens { get; init; } = [];
}
