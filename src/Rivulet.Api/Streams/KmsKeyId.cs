using System.Text.RegularExpressions;

namespace Rivulet.Api.Streams;

/// <summary>
/// The forms a KeyId takes (StartStreamEncryption docs): a key ID (a GUID, or "mrk-" and 32 hex
/// digits for a multi-Region key), a key ARN, an alias name prefixed by "alias/" (alias/aws/kinesis
/// is the key Kinesis owns), or an alias ARN. Rivulet has no KMS: any key of a valid form is taken.
/// </summary>
internal static partial class KmsKeyId
{
    public static bool IsValid(string keyId) => Form().IsMatch(keyId);

    [GeneratedRegex(@"^(?:(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|mrk-[0-9a-fA-F]{32})|alias/[a-zA-Z0-9/_-]{1,250}|arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key/(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|mrk-[0-9a-fA-F]{32})|arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:alias/[a-zA-Z0-9/_-]{1,250})\z", RegexOptions.CultureInvariant)]
    private static partial Regex Form();
}
