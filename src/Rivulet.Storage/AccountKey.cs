namespace Rivulet.Storage;

/// <summary>
/// An account in one region. AWS keeps an account's streams, quotas and settings apart per region,
/// so this, not the account ID alone, is what owns streams and <see cref="AccountMetadata"/>.
/// </summary>
public readonly record struct AccountKey(string AccountId, string Region)
{
    public override string ToString() => $"{AccountId}/{Region}";
}
