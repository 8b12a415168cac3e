using System.Net;
using System.Text.Json.Nodes;

namespace Rivulet.Server.Tests;

/// <summary>
/// <c>--auth verify</c> through the real server: signatures are checked against the credentials
/// file with AWS's errors, and a request's account (its key's) and region (its credential scope's)
/// decide which stream a name means.
/// </summary>
public sealed class AuthVerifyTests : IClassFixture<AuthVerifyTests.VerifyingServer>
{
    private static readonly TestSigner Alice = new("AKIAALICEEXAMPLE0001", "alice/secret+key");
    private static readonly TestSigner Bob = new("444455556666", "bob-secret");
    private static readonly TestSigner Carol = new("AKIACAROLEXAMPLE0003", "carol-secret", SessionToken: "carol-token-1");
    private static readonly TestSigner Dave = new("AKIADAVEEXAMPLE00004", "dave-secret");

    private const string Mismatch = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";

    private readonly VerifyingServer _server;

    public AuthVerifyTests(VerifyingServer server) => _server = server;

    [Fact]
    public async Task The_right_secret_is_accepted_and_a_wrong_one_or_an_unknown_key_is_refused()
    {
        var (ok, _) = await SendAsync(Alice, "ListStreams", "{}");
        Assert.Equal(HttpStatusCode.OK, ok);

        await AssertErrorAsync(Alice with { Secret = "not-alice's" }, "ListStreams", "{}", "InvalidSignatureException", Mismatch);
        await AssertErrorAsync(new TestSigner("AKIAUNKNOWNEXAMPLE00", "whatever"), "ListStreams", "{}", "UnrecognizedClientException", "The security token included in the request is invalid.");
    }

    [Fact]
    public async Task A_body_or_a_signed_header_changed_after_signing_is_refused()
    {
        using var http = new HttpClient();
        var name = ServerFixture.UniqueStreamName();
        await CreateAsync(Alice, name);

        using var tamperedBody = Alice.Sign(_server.Endpoint, "DescribeStreamSummary", $$"""{"StreamName":"{{name}}"}""", DateTimeOffset.UtcNow);
        tamperedBody.Content = new StringContent($$"""{"StreamName":"{{name}}x"}""");
        tamperedBody.Content.Headers.ContentType = new("application/x-amz-json-1.1");
        await AssertErrorAsync(await http.SendAsync(tamperedBody, TestContext.Current.CancellationToken), "InvalidSignatureException", Mismatch);

        using var tamperedTarget = Alice.Sign(_server.Endpoint, "DescribeStreamSummary", $$"""{"StreamName":"{{name}}"}""", DateTimeOffset.UtcNow);
        tamperedTarget.Headers.Remove("X-Amz-Target");
        tamperedTarget.Headers.TryAddWithoutValidation("X-Amz-Target", "Kinesis_20131202.DeleteStream");
        await AssertErrorAsync(await http.SendAsync(tamperedTarget, TestContext.Current.CancellationToken), "InvalidSignatureException", Mismatch);

        // Neither reached the stream.
        var (status, _) = await SendAsync(Alice, "DescribeStreamSummary", $$"""{"StreamName":"{{name}}"}""");
        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task Signatures_more_than_five_minutes_old_or_ahead_are_refused_with_both_times()
    {
        var old = DateTimeOffset.UtcNow.AddMinutes(-10);
        var (_, expired) = await SendAsync(Alice, "ListStreams", "{}", old);
        Assert.Equal("InvalidSignatureException", expired["__type"]!.GetValue<string>());
        Assert.StartsWith($"Signature expired: {TestSigner.Basic(old)} is now earlier than ", expired["message"]!.GetValue<string>());
        Assert.EndsWith(" - 5 min.)", expired["message"]!.GetValue<string>());

        var ahead = DateTimeOffset.UtcNow.AddMinutes(10);
        var (_, future) = await SendAsync(Alice, "ListStreams", "{}", ahead);
        Assert.Equal("InvalidSignatureException", future["__type"]!.GetValue<string>());
        Assert.StartsWith($"Signature not yet current: {TestSigner.Basic(ahead)} is still later than ", future["message"]!.GetValue<string>());
        Assert.EndsWith(" + 5 min.)", future["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_presigned_url_works_until_it_expires_and_only_for_its_own_body()
    {
        using var http = new HttpClient();
        const string body = """{"Limit":5}""";

        using var fresh = PresignedRequest(Alice.Presign(_server.Endpoint, body, DateTimeOffset.UtcNow, 300), body);
        using var accepted = await http.SendAsync(fresh, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);

        // Signed an hour ago for 60 s: past its expiry though well inside the key's day.
        using var stale = PresignedRequest(Alice.Presign(_server.Endpoint, body, DateTimeOffset.UtcNow.AddMinutes(-60), 60), body);
        var (_, expired) = await ErrorAsync(await http.SendAsync(stale, TestContext.Current.CancellationToken));
        Assert.Equal("InvalidSignatureException", expired["__type"]!.GetValue<string>());
        Assert.StartsWith("Signature expired: ", expired["message"]!.GetValue<string>());

        using var otherBody = PresignedRequest(Alice.Presign(_server.Endpoint, body, DateTimeOffset.UtcNow, 300), """{"Limit":6}""");
        await AssertErrorAsync(await http.SendAsync(otherBody, TestContext.Current.CancellationToken), "InvalidSignatureException", Mismatch);
    }

    [Fact]
    public async Task One_name_in_two_accounts_and_two_regions_is_three_streams_with_their_own_ARNs()
    {
        var name = ServerFixture.UniqueStreamName();
        var aliceWest = Alice with { Region = "eu-west-1" };
        await CreateAsync(Alice, name, shards: 1);
        await CreateAsync(aliceWest, name, shards: 2);
        await CreateAsync(Bob, name, shards: 3);

        foreach (var (signer, account, region, shards) in new[] { (Alice, "111122223333", "us-east-1", 1), (aliceWest, "111122223333", "eu-west-1", 2), (Bob, "444455556666", "us-east-1", 3) })
        {
            var (status, summary) = await SendAsync(signer, "DescribeStreamSummary", $$"""{"StreamName":"{{name}}"}""");
            Assert.Equal(HttpStatusCode.OK, status);
            var description = summary["StreamDescriptionSummary"]!;
            Assert.Equal($"arn:aws:kinesis:{region}:{account}:stream/{name}", description["StreamARN"]!.GetValue<string>());
            Assert.Equal(shards, description["OpenShardCount"]!.GetValue<int>());
        }

        // What one writes the others do not see.
        var (_, put) = await SendAsync(Alice, "PutRecord", $$"""{"StreamName":"{{name}}","PartitionKey":"k","Data":"AQID"}""");
        Assert.Equal("shardId-000000000000", put["ShardId"]!.GetValue<string>());
        var (_, iterator) = await SendAsync(aliceWest, "GetShardIterator", $$"""{"StreamName":"{{name}}","ShardId":"shardId-000000000000","ShardIteratorType":"TRIM_HORIZON"}""");
        var (_, records) = await SendAsync(aliceWest, "GetRecords", $$"""{"ShardIterator":"{{iterator["ShardIterator"]!.GetValue<string>()}}"}""");
        Assert.Empty(records["Records"]!.AsArray());

        // A key with no account of its own and no 12 digits is the default account, which has no such stream.
        var (_, missing) = await SendAsync(Dave, "DescribeStreamSummary", $$"""{"StreamName":"{{name}}"}""");
        Assert.Equal($"Stream {name} under account 000000000000 not found.", missing["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Wrong_credentials_get_the_same_answer_whether_or_not_the_stream_exists()
    {
        var name = ServerFixture.UniqueStreamName();
        await CreateAsync(Alice, name);
        foreach (var stranger in new[] { Alice with { Secret = "guess" }, new TestSigner("AKIAUNKNOWNEXAMPLE00", "guess") })
        {
            var (existingStatus, existing) = await SendAsync(stranger, "DescribeStreamSummary", $$"""{"StreamName":"{{name}}"}""");
            var (missingStatus, missing) = await SendAsync(stranger, "DescribeStreamSummary", """{"StreamName":"never-created"}""");
            Assert.Equal(HttpStatusCode.BadRequest, existingStatus);
            Assert.Equal(existingStatus, missingStatus);
            Assert.Equal(existing.ToJsonString(), missing.ToJsonString());
        }
    }

    [Fact]
    public async Task A_key_with_a_session_token_needs_that_token()
    {
        var (ok, _) = await SendAsync(Carol, "ListStreams", "{}");
        Assert.Equal(HttpStatusCode.OK, ok);
        var (second, _) = await SendAsync(Carol with { SessionToken = "carol-token-2" }, "ListStreams", "{}");
        Assert.Equal(HttpStatusCode.OK, second);

        await AssertErrorAsync(Carol with { SessionToken = "stolen" }, "ListStreams", "{}", "UnrecognizedClientException", "The security token included in the request is invalid");
        await AssertErrorAsync(Carol with { SessionToken = null }, "ListStreams", "{}", "UnrecognizedClientException", "The security token included in the request is invalid");
    }

    [Fact]
    public async Task The_admin_endpoint_takes_only_requests_signed_by_a_known_credential()
    {
        using var http = new HttpClient();
        using var unsigned = new HttpRequestMessage(HttpMethod.Put, new Uri(_server.Endpoint, "/_rivulet/faults")) { Content = new StringContent("""{"fault":"*=1"}""") };
        using var refused = await http.SendAsync(unsigned, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);

        using var stranger = new TestSigner("AKIAUNKNOWNEXAMPLE00", "whatever").Sign(_server.Endpoint, "", """{"fault":"*=1"}""", DateTimeOffset.UtcNow, "PUT", "/_rivulet/faults");
        using var strangerRefused = await http.SendAsync(stranger, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Forbidden, strangerRefused.StatusCode);

        // Nothing was changed: calls still go through.
        var (ok, _) = await SendAsync(Alice, "ListStreams", "{}");
        Assert.Equal(HttpStatusCode.OK, ok);

        using var signed = Alice.Sign(_server.Endpoint, "", "", DateTimeOffset.UtcNow, "GET", "/_rivulet/faults");
        using var answered = await http.SendAsync(signed, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
    }

    [Fact]
    public async Task An_unsigned_request_is_still_missing_its_token()
    {
        using var http = new KinesisHttp(_server.Endpoint);
        var (response, body) = await http.SendAsync("ListStreams", "{}", signed: false);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("MissingAuthenticationTokenException", JsonNode.Parse(body)!["__type"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_TLS_port_verifies_signatures_too_and_HTTP_2_may_sign_its_authority()
    {
        using var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null;
        using var http = new HttpClient(handler);
        var tls = _server.Server.TlsEndpoint!;

        using var right = Alice.Sign(tls, "ListStreams", "{}", DateTimeOffset.UtcNow);
        right.Version = HttpVersion.Version20;
        using var accepted = await http.SendAsync(right, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal(HttpVersion.Version20, accepted.Version);

        // Over HTTP/2 the JS SDK v3 signs the :authority pseudo-header in place of host.
        using var authority = (Alice with { AuthorityHeader = ":authority" }).Sign(tls, "ListStreams", "{}", DateTimeOffset.UtcNow);
        authority.Version = HttpVersion.Version20;
        using var acceptedByAuthority = await http.SendAsync(authority, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, acceptedByAuthority.StatusCode);

        using var wrong = (Alice with { Secret = "guess" }).Sign(tls, "ListStreams", "{}", DateTimeOffset.UtcNow);
        await AssertErrorAsync(await http.SendAsync(wrong, TestContext.Current.CancellationToken), "InvalidSignatureException", Mismatch);
    }

    private async Task CreateAsync(TestSigner signer, string name, int shards = 1)
    {
        var (status, body) = await SendAsync(signer, "CreateStream", $$"""{"StreamName":"{{name}}","ShardCount":{{shards}}}""");
        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
    }

    private async Task<(HttpStatusCode Status, JsonObject Body)> SendAsync(TestSigner signer, string operation, string body, DateTimeOffset? at = null)
    {
        using var http = new HttpClient();
        using var request = signer.Sign(_server.Endpoint, operation, body, at ?? DateTimeOffset.UtcNow);
        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return (response.StatusCode, text.Length == 0 ? [] : JsonNode.Parse(text)!.AsObject());
    }

    private async Task AssertErrorAsync(TestSigner signer, string operation, string body, string type, string message)
    {
        var (status, error) = await SendAsync(signer, operation, body);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(type, error["__type"]!.GetValue<string>());
        Assert.Equal(message, error["message"]!.GetValue<string>());
    }

    private static async Task AssertErrorAsync(HttpResponseMessage response, string type, string message)
    {
        var (status, error) = await ErrorAsync(response);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(type, error["__type"]!.GetValue<string>());
        Assert.Equal(message, error["message"]!.GetValue<string>());
    }

    private static async Task<(HttpStatusCode Status, JsonObject Body)> ErrorAsync(HttpResponseMessage response)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            return (response.StatusCode, JsonNode.Parse(text)!.AsObject());
        }
    }

    private static HttpRequestMessage PresignedRequest(Uri url, string body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body) };
        request.Content.Headers.ContentType = new("application/x-amz-json-1.1");
        request.Headers.TryAddWithoutValidation("X-Amz-Target", "Kinesis_20131202.ListStreams");
        return request;
    }

    /// <summary>An in-memory server with <c>--auth verify</c> over a credentials file of four keys.</summary>
    public sealed class VerifyingServer : IAsyncLifetime
    {
        private readonly string _credentials = Path.Combine(Path.GetTempPath(), $"rivulet-credentials-{Guid.NewGuid():N}.ini");

        public RivuletServer Server { get; private set; } = null!;

        public Uri Endpoint => Server.Endpoint;

        public async ValueTask InitializeAsync()
        {
            await File.WriteAllTextAsync(_credentials, $"""
                # Rivulet accepts the AWS shared credentials format.
                [alice]
                aws_access_key_id = {Alice.AccessKeyId}
                aws_secret_access_key = {Alice.Secret}
                aws_account_id = 111122223333
                region = us-west-2

                [bob]
                aws_access_key_id = {Bob.AccessKeyId}
                aws_secret_access_key = {Bob.Secret}

                [carol]
                aws_access_key_id = {Carol.AccessKeyId}
                aws_secret_access_key = {Carol.Secret}
                aws_session_token = carol-token-1

                [carol-again]
                aws_access_key_id = {Carol.AccessKeyId}
                aws_secret_access_key = {Carol.Secret}
                aws_session_token = carol-token-2

                [dave]
                aws_access_key_id = {Dave.AccessKeyId}
                aws_secret_access_key = {Dave.Secret}
                """);
            Server = await RivuletServer.StartAsync(new ServerOptions { Port = 0, TlsPort = 0, InMemory = true, Auth = AuthMode.Verify, CredentialsPath = _credentials }, TextWriter.Null, default);
        }

        public async ValueTask DisposeAsync()
        {
            await Server.DisposeAsync();
            File.Delete(_credentials);
        }
    }
}
