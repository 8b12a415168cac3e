using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;

namespace Rivulet.Server.Tests;

/// <summary>
/// The TLS port: HTTP/1.1 and HTTP/2 by ALPN, HTTP/2 by its preface for clients that negotiate
/// nothing, and a certificate clients can trust by the path the server prints.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class TlsTests
{
    private readonly ServerFixture _server;

    public TlsTests(ServerFixture server) => _server = server;

    public static TheoryData<string> Versions => ["1.1", "2.0"];

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task ALPN_chooses_the_protocol_and_the_printed_certificate_is_trusted_for_each_loopback_name(string version)
    {
        var trusted = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(_server.CertificatePath, TestContext.Current.CancellationToken));
        using var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) => TrustedOnlyBy(trusted, certificate, errors);
        using var http = new HttpClient(handler);
        var name = ServerFixture.UniqueStreamName();

        foreach (var host in new[] { "127.0.0.1", "localhost" })
        {
            var endpoint = new UriBuilder(_server.TlsEndpoint) { Host = host }.Uri;
            using var list = Request(endpoint, "ListStreams", "{}", Version.Parse(version));
            using var response = await http.SendAsync(list, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(Version.Parse(version), response.Version);
        }

        using var create = Request(_server.TlsEndpoint, "CreateStream", $$"""{"StreamName":"{{name}}","ShardCount":1}""", Version.Parse(version));
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(create, TestContext.Current.CancellationToken)).StatusCode);
        using var put = Request(_server.TlsEndpoint, "PutRecord", $$"""{"StreamName":"{{name}}","PartitionKey":"k","Data":"aGVsbG8="}""", Version.Parse(version));
        using var putAnswer = await http.SendAsync(put, TestContext.Current.CancellationToken);
        Assert.Equal("shardId-000000000000", JsonNode.Parse(await putAnswer.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!["ShardId"]!.GetValue<string>());

        // What went in over TLS comes out over the plain port: one server, one store.
        using var plain = new KinesisHttp(_server.Endpoint);
        var summary = await plain.OkAsync("DescribeStreamSummary", new { StreamName = name });
        Assert.Equal("ACTIVE", summary["StreamDescriptionSummary"]!["StreamStatus"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task A_client_that_negotiates_no_protocol_is_served_HTTP_2_by_its_preface_and_HTTP_1_1_otherwise(string version)
    {
        var tls = _server.TlsEndpoint;
        using var handler = new SocketsHttpHandler
        {
            // TLS without ALPN, as older Java SDK v2 async clients connect; the request then goes
            // over it as cleartext would (h2 with prior knowledge, or HTTP/1.1).
            ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
                await socket.ConnectAsync(IPAddress.Loopback, tls.Port, cancellationToken);
                var stream = new SslStream(new NetworkStream(socket, ownsSocket: true));
                await stream.AuthenticateAsClientAsync(
                    new SslClientAuthenticationOptions
                    {
                        TargetHost = "localhost",
                        ApplicationProtocols = null,
                        RemoteCertificateValidationCallback = (_, _, _, _) => true,
                    },
                    cancellationToken);
                Assert.True(stream.NegotiatedApplicationProtocol.Protocol.IsEmpty);
                return stream;
            },
        };
        using var http = new HttpClient(handler);
        using var request = Request(new Uri($"http://127.0.0.1:{tls.Port}/"), "ListStreams", "{}", Version.Parse(version));
        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Version.Parse(version), response.Version);
        Assert.NotNull(JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!["StreamNames"]);
    }

    [Fact]
    public void The_self_signed_certificate_names_every_loopback_address_and_is_no_authority()
    {
        using var certificate = X509Certificate2.CreateFromPem(File.ReadAllText(_server.CertificatePath));

        Assert.True(certificate.MatchesHostname("localhost"));
        Assert.True(certificate.MatchesHostname("127.0.0.1"));
        Assert.True(certificate.MatchesHostname("::1"));
        Assert.False(certificate.MatchesHostname("example.com"));
        Assert.False(certificate.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        Assert.True(certificate.NotAfter > DateTime.UtcNow.AddDays(300));
        Assert.False(certificate.HasPrivateKey);
    }

    [Fact]
    public async Task The_certificate_is_kept_across_restarts_and_a_given_pair_replaces_it()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "rivulet-tls-" + Guid.NewGuid().ToString("N"));
        try
        {
            string first;
            await using (var server = await ServerProcess.StartAsync("--data-dir", dataDir))
            {
                Assert.Equal(Path.Combine(dataDir, "tls", "cert.pem"), server.CertificatePath);
                first = await File.ReadAllTextAsync(server.CertificatePath!, TestContext.Current.CancellationToken);
                Assert.Equal(X509Certificate2.CreateFromPem(first).Thumbprint, await ServedThumbprintAsync(server.TlsEndpoint!));
            }

            await using (var again = await ServerProcess.StartAsync("--data-dir", dataDir))
            {
                Assert.Equal(first, await File.ReadAllTextAsync(again.CertificatePath!, TestContext.Current.CancellationToken));
                Assert.Equal(X509Certificate2.CreateFromPem(first).Thumbprint, await ServedThumbprintAsync(again.TlsEndpoint!));
            }

            var (certificatePath, keyPath, thumbprint) = await WriteOwnPairAsync(dataDir);
            await using var own = await ServerProcess.StartAsync("--data-dir", dataDir, "--tls-cert", certificatePath, "--tls-key", keyPath);
            Assert.Equal(certificatePath, own.CertificatePath);
            Assert.Equal(thumbprint, await ServedThumbprintAsync(own.TlsEndpoint!));
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    [Fact]
    public async Task An_in_memory_server_keeps_its_certificate_only_while_it_runs_and_TLS_can_be_off()
    {
        string path;
        await using (var server = await RivuletServer.StartAsync(new ServerOptions { Port = 0, TlsPort = 0, InMemory = true }, TextWriter.Null, TestContext.Current.CancellationToken))
        {
            path = server.TlsCertificatePath!;
            Assert.True(File.Exists(path));
            Assert.NotNull(await ServedThumbprintAsync(server.TlsEndpoint!));
        }

        Assert.False(File.Exists(path));

        await using var plainOnly = await RivuletServer.StartAsync(new ServerOptions { Port = 0, TlsPort = null, InMemory = true }, TextWriter.Null, TestContext.Current.CancellationToken);
        Assert.Null(plainOnly.TlsEndpoint);
        Assert.Null(plainOnly.TlsCertificatePath);
    }

    private static bool TrustedOnlyBy(X509Certificate2 anchor, X509Certificate? presented, SslPolicyErrors errors)
    {
        if (presented is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(anchor);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(new X509Certificate2(presented));
    }

    private static async Task<string?> ServedThumbprintAsync(Uri tls)
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, tls.Port);
        await using var stream = new SslStream(new NetworkStream(socket), leaveInnerStreamOpen: false, (_, _, _, _) => true);
        await stream.AuthenticateAsClientAsync("localhost");
        return stream.RemoteCertificate is { } certificate ? new X509Certificate2(certificate).Thumbprint : null;
    }

    private static async Task<(string Certificate, string Key, string Thumbprint)> WriteOwnPairAsync(string directory)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=rivulet.test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        var certificatePath = Path.Combine(directory, "own-cert.pem");
        var keyPath = Path.Combine(directory, "own-key.pem");
        await File.WriteAllTextAsync(certificatePath, certificate.ExportCertificatePem());
        await File.WriteAllTextAsync(keyPath, key.ExportPkcs8PrivateKeyPem());
        return (certificatePath, keyPath, certificate.Thumbprint);
    }

    private static HttpRequestMessage Request(Uri endpoint, string operation, string body, Version version)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, endpoint)
        {
            Version = version,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new StringContent(body),
        };
        request.Content.Headers.ContentType = new("application/x-amz-json-1.1");
        request.Headers.TryAddWithoutValidation("X-Amz-Target", "Kinesis_20131202." + operation);
        request.Headers.TryAddWithoutValidation("X-Amz-Date", TestSigner.Basic(DateTimeOffset.UtcNow));
        request.Headers.TryAddWithoutValidation("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20251121/us-east-1/kinesis/aws4_request, SignedHeaders=host, Signature=00");
        return request;
    }
}
