using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Rivulet.Server;

/// <summary>
/// The certificate the TLS port presents: a PEM pair the operator names, or a self-signed one for
/// localhost, 127.0.0.1 and ::1, made on first start and kept (as <c>tls/cert.pem</c> and
/// <c>tls/key.pem</c>) so that a client told to trust it keeps trusting it across restarts.
/// </summary>
internal static class TlsCertificate
{
    /// <summary>Browsers refuse leaf certificates valid for longer than this.</summary>
    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(397);

    /// <summary>A kept certificate this close to its end is replaced at start-up rather than left to expire while serving.</summary>
    private static readonly TimeSpan RenewBefore = TimeSpan.FromDays(30);

    public static (X509Certificate2 Certificate, string Path) Load(string certificatePath, string keyPath)
    {
        try
        {
            return (X509Certificate2.CreateFromPemFile(certificatePath, keyPath), Path.GetFullPath(certificatePath));
        }
        catch (CryptographicException exception)
        {
            throw new IOException($"cannot use --tls-cert {certificatePath} with --tls-key {keyPath}: {exception.Message}", exception);
        }
    }

    /// <summary>The self-signed certificate kept in <paramref name="directory"/>, made (or renewed) when missing, unreadable or near its end.</summary>
    public static (X509Certificate2 Certificate, string Path) LoadOrCreate(string directory, DateTimeOffset now)
    {
        var certificatePath = Path.GetFullPath(Path.Combine(directory, "cert.pem"));
        var keyPath = Path.Combine(directory, "key.pem");
        if (File.Exists(certificatePath) && File.Exists(keyPath))
        {
            try
            {
                var kept = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
                if (kept.NotAfter.ToUniversalTime() > (now + RenewBefore).UtcDateTime)
                {
                    return (kept, certificatePath);
                }

                kept.Dispose();
            }
            catch (CryptographicException)
            {
                // Damaged or half-written: made again below.
            }
        }

        using var certificate = Create(now);
        Directory.CreateDirectory(directory);
        using var key = certificate.GetECDsaPrivateKey()!;
        DurableFile.Replace(keyPath, Encoding.ASCII.GetBytes(key.ExportPkcs8PrivateKeyPem()), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        DurableFile.Replace(certificatePath, Encoding.ASCII.GetBytes(certificate.ExportCertificatePem()), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        return (X509Certificate2.CreateFromPemFile(certificatePath, keyPath), certificatePath);
    }

    /// <summary>
    /// ECDSA P-256 (every TLS client has it, and it takes a millisecond to make), with what strict
    /// verifiers (OpenSSL's X509_STRICT, as Python 3.13 sets it) ask of a certificate that is its
    /// own trust anchor: key identifiers, a critical non-CA basic constraint, server-auth usage and
    /// the names clients connect by.
    /// </summary>
    internal static X509Certificate2 Create(DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost, O=Rivulet", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        request.CertificateExtensions.Add(names.Build(critical: false));
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        var subjectKey = new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false);
        request.CertificateExtensions.Add(subjectKey);
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier(subjectKey));
        return request.CreateSelfSigned(now.AddDays(-1), now + Lifetime);
    }
}
