namespace Rivulet.Storage;

/// <summary>
/// A stream's identity: the account and the region are part of it, so two accounts, or one account in
/// two regions, may own streams of the same name.
/// </summary>
public readonly record struct StreamKey(string AccountId, string Region, string StreamName)
{
    /// <summary>The account, in the stream's region, that owns the stream.</summary>
    public AccountKey Account => new(AccountId, Region);

    public override string ToString() => $"{AccountId}/{Region}/{StreamName}";
}
