using System.Text;

namespace Rivulet.Protocol.Auth;

/// <summary>Every signature-verification error AWS answers, in one place (wire reference §2.1 rows 5–13).</summary>
internal static class SigV4Failures
{
    private const string Incomplete = "IncompleteSignatureException";
    private const string Invalid = "InvalidSignatureException";
    private const string Unrecognized = "UnrecognizedClientException";

    public static AuthenticationCheck BadDate(string value) =>
        Fail(Incomplete, $"Date must be in ISO-8601 'basic format'. Got '{value}'. See http://en.wikipedia.org/wiki/ISO_8601");

    public static AuthenticationCheck Expired(string signedAt, string earliest, string now) =>
        Fail(Invalid, $"Signature expired: {signedAt} is now earlier than {earliest} ({now} - 5 min.)");

    /// <summary>AWS's text for a presigned request past its X-Amz-Expires is unverified: this is the header form's, with the lifetime in seconds.</summary>
    public static AuthenticationCheck PresignedExpired(string signedAt, string earliest, string now, long lifetimeSeconds) =>
        Fail(Invalid, $"Signature expired: {signedAt} is now earlier than {earliest} ({now} - {lifetimeSeconds} sec.)");

    public static AuthenticationCheck NotYetCurrent(string signedAt, string latest, string now) =>
        Fail(Invalid, $"Signature not yet current: {signedAt} is still later than {latest} ({now} + 5 min.)");

    /// <summary>Unverified for Kinesis; S3's wording.</summary>
    public static AuthenticationCheck ExpiresNotANumber() => Fail(Incomplete, "X-Amz-Expires should be a number");

    /// <summary>Unverified for Kinesis; S3's wording.</summary>
    public static AuthenticationCheck ExpiresTooLong(long maxSeconds) =>
        Fail(Incomplete, $"X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than {maxSeconds} seconds");

    /// <summary>AWS's current wording, since HTTP/2 clients (the JS SDK v3) may sign :authority in place of host.</summary>
    public static AuthenticationCheck HostNotSigned() => Fail(Invalid, "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");

    public static AuthenticationCheck UnsupportedAlgorithm(string algorithm) =>
        Fail(Incomplete, $"Unsupported AWS 'algorithm': '{algorithm}' (only AWS4-HMAC-SHA256 for now). ");

    public static AuthenticationCheck CredentialNotFiveParts(string credential) =>
        Fail(Incomplete, $"Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '{credential}'");

    /// <summary>Each argument is null when that part of the scope is right; the sentences of those that are wrong, joined; null when all are right.</summary>
    public static AuthenticationCheck? BadScope(string? region, string? service, string? terminator, (string Scope, string Request, string Raw)? day)
    {
        var message = new StringBuilder();
        if (region is not null)
        {
            message.Append("Credential should be scoped to a valid region, not '").Append(region).Append("'. ");
        }

        if (service is not null)
        {
            message.Append("Credential should be scoped to correct service: '").Append(service).Append("'. ");
        }

        if (terminator is not null)
        {
            message.Append("Credential should be scoped with a valid terminator: 'aws4_request', not '").Append(terminator).Append("'. ");
        }

        if (day is { } days)
        {
            message.Append("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '")
                .Append(days.Scope).Append("' != '").Append(days.Request).Append("', from '").Append(days.Raw).Append("'. ");
        }

        return message.Length == 0 ? null : Fail(Invalid, message.ToString(0, message.Length - 1));
    }

    public static AuthenticationCheck UnknownAccessKey() => Fail(Unrecognized, "The security token included in the request is invalid.");

    public static AuthenticationCheck SignatureMismatch() =>
        Fail(Invalid, "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.");

    /// <summary>No final period, unlike the unknown key's (as observed on DynamoDB).</summary>
    public static AuthenticationCheck BadSessionToken() => Fail(Unrecognized, "The security token included in the request is invalid");

    private static AuthenticationCheck Fail(string type, string message) => new(type, message, null);
}
