namespace Rivulet.Storage;

/// <summary>A stream's identity: the account is part of it, so two accounts may own streams of the same name.</summary>
public readonly record struct StreamKey(string AccountId, string StreamName)
{
    public override string ToString() => $"{AccountId}/{StreamName}";
}
