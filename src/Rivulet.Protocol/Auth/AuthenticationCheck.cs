namespace Rivulet.Protocol.Auth;

/// <summary>The outcome of checking that a request carries a complete SigV4 signature.</summary>
public readonly record struct AuthenticationCheck(string? ErrorType, string? ErrorMessage, string? AccessKeyId)
{
    public bool Passed => ErrorType is null;
}
