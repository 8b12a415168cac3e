namespace Rivulet.Protocol.Auth;

/// <summary>
/// The outcome of authenticating a request: an AWS error, or who signed it. <see cref="Region"/> is
/// the credential scope's region when it names a valid one (<see cref="RegionName"/>);
/// <see cref="Credential"/> is set when the signature was verified against it.
/// </summary>
public readonly record struct AuthenticationCheck(string? ErrorType, string? ErrorMessage, string? AccessKeyId, string? Region = null, SigV4Credential? Credential = null)
{
    public bool Passed => ErrorType is null;
}
