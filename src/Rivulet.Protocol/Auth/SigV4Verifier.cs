using System.Buffers;
using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Rivulet.Protocol.Auth;

/// <summary>
/// Verifies SigV4 signatures, in the Authorization header or a presigned query string, against a
/// fixed set of credentials, with AWS's checks in AWS's order (wire reference §2.1): presence
/// (<see cref="SigV4Presence"/>), date format, clock skew (or a presigned request's expiry), a
/// signed Host, algorithm and credential shape, credential scope, known key, signature, session
/// token. Pure: the host hands in the request as received and the time.
/// Derived signing keys are cached per (secret, day, region), so a request costs two SHA-256 (body
/// and canonical request) and one HMAC.
/// </summary>
public sealed class SigV4Verifier
{
    public const string Algorithm = "AWS4-HMAC-SHA256";
    public const string Terminator = "aws4_request";

    /// <summary>How far a signed request's time may be from the server's, either way.</summary>
    private static readonly TimeSpan Skew = TimeSpan.FromMinutes(5);

    /// <summary>A presigned request may be valid for at most 7 days (the signing key's life).</summary>
    private const long MaxExpiresSeconds = 604_800;

    /// <summary>Cached signing keys; a full cache is emptied (they are cheap to derive again and change daily).</summary>
    private const int MaxCachedKeys = 4096;

    [ThreadStatic]
    private static IncrementalHash? _sha256;

    [ThreadStatic]
    private static Encoder? _encoder;

    /// <summary>The canonical request's builder, reused by the thread: it is done with before Verify returns.</summary>
    [ThreadStatic]
    private static StringBuilder? _canonical;

    private readonly FrozenDictionary<string, SigV4Credential> _credentials;
    private readonly string _service;
    private readonly ConcurrentDictionary<(string Secret, string Day, string Region), SigningKeyHmac> _signingKeys = new();

    /// <param name="service">The service the credential scope must name; the SigV4 test suite's is "service".</param>
    public SigV4Verifier(IEnumerable<SigV4Credential> credentials, string service = "kinesis")
    {
        _credentials = credentials.ToFrozenDictionary(credential => credential.AccessKeyId, StringComparer.Ordinal);
        _service = service;
    }

    public AuthenticationCheck Verify(in SignedRequest request, DateTimeOffset now)
    {
        var target = request.RawTarget.AsSpan();
        if (target.Length > 0 && target[0] != '/')
        {
            // Absolute form: scheme://authority/path?query.
            var authority = target.IndexOf("://", StringComparison.Ordinal);
            var path = authority < 0 ? -1 : target[(authority + 3)..].IndexOfAny('/', '?');
            target = path < 0 ? "/" : target[(authority + 3 + path)..];
        }

        var questionMark = target.IndexOf('?');
        var rawPath = questionMark < 0 ? target : target[..questionMark];
        var query = SigV4Canonical.ParseQuery(questionMark < 0 ? [] : target[(questionMark + 1)..]);

        var authorization = First(request.Headers("authorization"));
        var amzDate = First(request.Headers("x-amz-date"));
        var httpDate = amzDate is null ? First(request.Headers("date")) : null;
        var presence = SigV4Presence.Check(authorization, amzDate is not null || httpDate is not null, name => Lookup(query, name));
        if (!presence.Passed)
        {
            return presence;
        }

        if (authorization is not null)
        {
            var space = authorization.IndexOf(' ', StringComparison.Ordinal);
            return Verify(
                request,
                rawPath,
                query,
                presigned: false,
                algorithm: space < 0 ? authorization : authorization[..space],
                credential: SigV4Presence.Parameter(authorization, "Credential")!,
                signedHeaders: SigV4Presence.Parameter(authorization, "SignedHeaders")!,
                signature: SigV4Presence.Parameter(authorization, "Signature")!,
                date: amzDate ?? httpDate!,
                isHttpDate: amzDate is null,
                expires: null,
                token: First(request.Headers("x-amz-security-token")),
                now);
        }

        return Verify(
            request,
            rawPath,
            query,
            presigned: true,
            algorithm: Lookup(query, "X-Amz-Algorithm")!,
            credential: Lookup(query, "X-Amz-Credential")!,
            signedHeaders: Lookup(query, "X-Amz-SignedHeaders")!,
            signature: Lookup(query, "X-Amz-Signature")!,
            date: Lookup(query, "X-Amz-Date")!,
            isHttpDate: false,
            expires: Lookup(query, "X-Amz-Expires"),
            token: Lookup(query, "X-Amz-Security-Token"),
            now);
    }

    private AuthenticationCheck Verify(
        in SignedRequest request,
        ReadOnlySpan<char> rawPath,
        List<SigV4Canonical.QueryParameter> query,
        bool presigned,
        string algorithm,
        string credential,
        string signedHeaders,
        string signature,
        string date,
        bool isHttpDate,
        string? expires,
        string? token,
        DateTimeOffset now)
    {
        // Row 5: the request's time, which the string to sign carries in ISO 8601 basic format.
        if (!TryParseDate(date, isHttpDate, out var signedAt))
        {
            return SigV4Failures.BadDate(date);
        }

        // An X-Amz-Date that parsed is already in the basic format the string to sign carries.
        var requestTime = isHttpDate ? Basic(signedAt) : date;

        // Rows 6 and 7; a presigned request instead lives until its X-Amz-Expires runs out.
        long? expiresSeconds = null;
        if (expires is not null)
        {
            if (expires.Length is 0 or > 18 || expires.AsSpan().IndexOfAnyExceptInRange('0', '9') >= 0)
            {
                return SigV4Failures.ExpiresNotANumber();
            }

            expiresSeconds = long.Parse(expires, NumberStyles.None, CultureInfo.InvariantCulture);
            if (expiresSeconds > MaxExpiresSeconds)
            {
                return SigV4Failures.ExpiresTooLong(MaxExpiresSeconds);
            }
        }

        var nowSeconds = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds());
        if (expiresSeconds is { } lifetime)
        {
            if (now > signedAt.AddSeconds(lifetime))
            {
                return SigV4Failures.PresignedExpired(requestTime, Basic(nowSeconds.AddSeconds(-lifetime)), Basic(nowSeconds), lifetime);
            }
        }
        else if (signedAt < now - Skew)
        {
            return SigV4Failures.Expired(requestTime, Basic(nowSeconds - Skew), Basic(nowSeconds));
        }

        if (signedAt > now + Skew)
        {
            return SigV4Failures.NotYetCurrent(requestTime, Basic(nowSeconds + Skew), Basic(nowSeconds));
        }

        // Row 8.
        var headerNames = SignedHeaderNames(signedHeaders);
        if (headerNames.BinarySearch("host", StringComparer.Ordinal) < 0 && headerNames.BinarySearch(":authority", StringComparer.Ordinal) < 0)
        {
            return SigV4Failures.HostNotSigned();
        }

        // Row 9.
        if (algorithm != Algorithm)
        {
            return SigV4Failures.UnsupportedAlgorithm(algorithm);
        }

        var scope = credential.Split('/');
        if (scope.Length != 5)
        {
            return SigV4Failures.CredentialNotFiveParts(credential);
        }

        // Row 10.
        var (accessKeyId, day, region, service, terminator) = (scope[0], scope[1], scope[2], scope[3], scope[4]);
        var scopeError = SigV4Failures.BadScope(
            RegionName.IsValid(region) ? null : region,
            service == _service ? null : _service,
            terminator == Terminator ? null : terminator,
            day == requestTime[..8] ? null : (day, requestTime[..8], date));
        if (scopeError is { } badScope)
        {
            return badScope;
        }

        // Row 11.
        if (!_credentials.TryGetValue(accessKeyId, out var known))
        {
            return SigV4Failures.UnknownAccessKey();
        }

        // Row 12.
        if (!SignatureMatches(request, rawPath, query, presigned, headerNames, requestTime, day, region, known.SecretAccessKey, signature))
        {
            return SigV4Failures.SignatureMismatch();
        }

        // Row 13.
        if (!TokenMatches(known, token))
        {
            return SigV4Failures.BadSessionToken();
        }

        return new AuthenticationCheck(null, null, accessKeyId, region, known);
    }

    private bool SignatureMatches(
        in SignedRequest request,
        ReadOnlySpan<char> rawPath,
        List<SigV4Canonical.QueryParameter> query,
        bool presigned,
        List<string> headerNames,
        string requestTime,
        string day,
        string region,
        string secret,
        string signature)
    {
        if (!TryPayloadHash(request, query, presigned, headerNames, out var payloadHash))
        {
            return false;
        }

        var canonical = _canonical ??= new StringBuilder(512);
        canonical.Clear();
        canonical.Append(request.Method).Append('\n');
        SigV4Canonical.AppendPath(canonical, rawPath);
        canonical.Append('\n');
        SigV4Canonical.AppendQuery(canonical, query, presigned ? "X-Amz-Signature" : null);
        canonical.Append('\n');
        foreach (var name in headerNames)
        {
            canonical.Append(name).Append(':');
            SigV4Canonical.AppendHeaderValue(canonical, HeaderValues(request, name));
            canonical.Append('\n');
        }

        canonical.Append('\n').AppendJoin(';', headerNames).Append('\n').Append(payloadHash);

        Span<byte> digest = stackalloc byte[32];
        Hash(canonical, digest);
        if (canonical.Capacity > 64 * 1024)
        {
            // A request with outsized headers does not leave its builder behind on the thread.
            _canonical = null;
        }

        // The string to sign is ASCII throughout: written as bytes, with no string in between. Its
        // parts are bounded by the checks before (a region has at most 63 characters).
        Span<byte> stringToSign = stackalloc byte[384];
        var length = 0;
        Append(stringToSign, ref length, Algorithm, '\n');
        Append(stringToSign, ref length, requestTime, '\n');
        Append(stringToSign, ref length, day, '/');
        Append(stringToSign, ref length, region, '/');
        Append(stringToSign, ref length, _service, '/');
        Append(stringToSign, ref length, Terminator, '\n');
        Convert.TryToHexStringLower(digest, stringToSign[length..], out var hexLength);
        Span<byte> expected = stackalloc byte[32];
        SigningKey(secret, day, region).Sign(stringToSign[..(length + hexLength)], expected);
        Span<byte> provided = stackalloc byte[32];
        return signature.Length == 64
            && Convert.FromHexString(signature, provided, out _, out var written) == OperationStatus.Done
            && written == 32
            && CryptographicOperations.FixedTimeEquals(expected, provided);
    }

    /// <summary>
    /// The body's hex SHA-256, or what a signed x-amz-content-sha256 (for a presigned request, also
    /// the X-Amz-Content-Sha256 query parameter) says instead, such as UNSIGNED-PAYLOAD. A stated
    /// hash must be the body's: false when it is not, so a changed body never passes under the old hash.
    /// </summary>
    private static bool TryPayloadHash(in SignedRequest request, List<SigV4Canonical.QueryParameter> query, bool presigned, List<string> headerNames, out string hash)
    {
        var stated = headerNames.BinarySearch("x-amz-content-sha256", StringComparer.Ordinal) >= 0
            ? First(request.Headers("x-amz-content-sha256"))?.Trim()
            : null;
        if (stated is null && presigned)
        {
            stated = Lookup(query, "X-Amz-Content-Sha256");
        }

        Span<byte> digest = stackalloc byte[32];
        if (stated is null or { Length: 64 })
        {
            var sha256 = _sha256 ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            sha256.AppendData(request.Body.Span);
            sha256.GetHashAndReset(digest);
            var actual = Convert.ToHexStringLower(digest);
            hash = stated ?? actual;
            return stated is null || string.Equals(stated, actual, StringComparison.OrdinalIgnoreCase);
        }

        hash = stated;
        return true;
    }

    private SigningKeyHmac SigningKey(string secret, string day, string region)
    {
        if (_signingKeys.TryGetValue((secret, day, region), out var cached))
        {
            return cached;
        }

        var key = HMACSHA256.HashData(Encoding.UTF8.GetBytes("AWS4" + secret), Encoding.UTF8.GetBytes(day));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(region));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(_service));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(Terminator));
        if (_signingKeys.Count >= MaxCachedKeys)
        {
            _signingKeys.Clear();
        }

        var signing = new SigningKeyHmac(key);
        _signingKeys[(secret, day, region)] = signing;
        return signing;
    }
    /// <summary>A key the credential set has tokens for needs one of them; one without any takes none.</summary>
    private static bool TokenMatches(SigV4Credential credential, string? token)
    {
        if (credential.SessionTokens.IsDefaultOrEmpty)
        {
            return token is null;
        }

        if (token is null)
        {
            return false;
        }

        var given = Encoding.UTF8.GetBytes(token);
        var matched = false;
        foreach (var expected in credential.SessionTokens)
        {
            matched |= CryptographicOperations.FixedTimeEquals(given, Encoding.UTF8.GetBytes(expected));
        }

        return matched;
    }

    /// <summary>The signed header names, lower-cased and sorted as the canonical request lists them.</summary>
    private static List<string> SignedHeaderNames(string signedHeaders)
    {
        var names = new List<string>();
        foreach (var name in signedHeaders.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            names.Add(name.ToLowerInvariant());
        }

        names.Sort(StringComparer.Ordinal);
        return names;
    }

    // An HTTP Date in RFC 1123 form, with GMT or the numeric UTC offsets RFC 2822 allows (botocore writes -0000).
    private static readonly string[] HttpDateFormats = ["r", "ddd, dd MMM yyyy HH:mm:ss '-0000'", "ddd, dd MMM yyyy HH:mm:ss '+0000'", "ddd, dd MMM yyyy HH:mm:ss 'UTC'"];

    private static bool TryParseDate(string value, bool isHttpDate, out DateTimeOffset time) =>
        isHttpDate
            ? DateTimeOffset.TryParseExact(value, HttpDateFormats, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out time)
            : DateTimeOffset.TryParseExact(value, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out time);

    private static string Basic(DateTimeOffset time) => time.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    /// <summary>SHA-256 of the text's UTF-8, chunk by chunk, with no string made of it.</summary>
    private static void Hash(StringBuilder text, Span<byte> digest)
    {
        var hash = _sha256 ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> utf8 = stackalloc byte[1024];
        var encoder = _encoder ??= Encoding.UTF8.GetEncoder();
        foreach (var chunk in text.GetChunks())
        {
            var rest = chunk.Span;
            while (!rest.IsEmpty)
            {
                encoder.Convert(rest, utf8, flush: false, out var used, out var written, out _);
                hash.AppendData(utf8[..written]);
                rest = rest[used..];
            }
        }

        encoder.Convert([], utf8, flush: true, out _, out var tail, out _);
        hash.AppendData(utf8[..tail]);
        hash.GetHashAndReset(digest);
    }

    private static void Append(Span<byte> destination, ref int length, string ascii, char separator)
    {
        length += Encoding.ASCII.GetBytes(ascii, destination[length..]);
        destination[length++] = (byte)separator;
    }

    /// <summary>
    /// A derived signing key with HMAC instances kept for reuse: keyed once, an HMAC costs half of
    /// a one-shot HMAC, which keys itself every time.
    /// </summary>
    private sealed class SigningKeyHmac(byte[] key)
    {
        private readonly ConcurrentBag<IncrementalHash> _idle = [];

        public void Sign(ReadOnlySpan<byte> data, Span<byte> mac)
        {
            if (!_idle.TryTake(out var hmac))
            {
                hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
            }

            hmac.AppendData(data);
            hmac.GetHashAndReset(mac);
            if (_idle.Count < Environment.ProcessorCount * 2)
            {
                _idle.Add(hmac);
            }
            else
            {
                hmac.Dispose();
            }
        }
    }
    /// <summary>
    /// A signed header's values. HTTP/2 carries the authority as the :authority pseudo-header, which
    /// hosts that fold it into Host (Kestrel) do not list under its own name: the same value either way.
    /// </summary>
    private static IReadOnlyList<string?>? HeaderValues(in SignedRequest request, string name) =>
        name == ":authority" ? request.Headers(":authority") ?? request.Headers("host") : request.Headers(name);

    private static string? First(IReadOnlyList<string?>? values) => values is { Count: > 0 } ? values[0] : null;

    private static string? Lookup(List<SigV4Canonical.QueryParameter> query, string name)
    {
        foreach (var parameter in query)
        {
            if (parameter.Name == name)
            {
                return parameter.Value;
            }
        }

        return null;
    }
}
