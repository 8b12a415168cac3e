using Rivulet.Protocol.Model;
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

    /// <summary>The operation called, when it is one of the model's (always, for a request that reached an operation).</summary>
    public KinesisOperation? OperationId { get; init; }

    public AccountKey Account => new(AccountId, Region);

    /// <summary>The context of the account that owns <paramref name="key"/>, for the quotas and settings that count there.</summary>
    public RequestContext For(AccountKey key) => key == Account ? this : this with { AccountId = key.AccountId, Region = key.Region };
}
