using Rivulet.Storage;

namespace Rivulet.Api;

/// <summary>
/// Who is calling, in which region, and when: resolved once per request before the operation runs.
/// The region is the one the request was signed for; what the caller names without an ARN is there.
/// </summary>
public sealed record RequestContext(string AccountId, string Region, DateTimeOffset Now)
{
    public long NowMs => Now.ToUnixTimeMilliseconds();

    /// <summary>The operation called ("PutRecord"): the action another account's resource policy must allow.</summary>
    public string Operation { get; init; } = "";

    public AccountKey Account => new(AccountId, Region);

    /// <summary>The context of the account that owns <paramref name="key"/>, for the quotas and settings that count there.</summary>
    public RequestContext For(AccountKey key) => key == Account ? this : this with { AccountId = key.AccountId, Region = key.Region };
}
