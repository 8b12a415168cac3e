namespace Rivulet.Api.Streams;

/// <summary>Server-side encryption settings: KMS with a key of a valid form, NONE without one.</summary>
internal static class Encryption
{
    public const string Kms = "KMS";
    public const string None = "NONE";

    /// <summary>AWS allows 25 successful StartStreamEncryption and 25 StopStreamEncryption calls per stream in a rolling 24 hours.</summary>
    public const int ChangesPerDay = 25;

    /// <summary>Both operations name the key and the type; the model allows NONE, the operations only KMS.</summary>
    public static void CheckRequest(string operation, string encryptionType, string keyId)
    {
        if (encryptionType != Kms)
        {
            throw ApiErrors.EncryptionTypeMustBeKms(operation);
        }

        if (!KmsKeyId.IsValid(keyId))
        {
            throw ApiErrors.InvalidKeyId(keyId);
        }
    }
}
