namespace Rivulet.Api.Tests;

/// <summary>The checks every request passes through before its operation runs, in AWS's order.</summary>
public sealed class DispatchTests
{
    private readonly ApiHarness _api = new();

    [Fact]
    public async Task An_unknown_target_is_an_unknown_operation_without_a_message()
    {
        var reply = await _api.SendAsync("Frobnicate", "{}");

        Assert.Equal(400, reply.Status);
        Assert.Equal("""{"__type":"UnknownOperationException"}""", reply.Body);
    }

    [Fact]
    public async Task A_missing_signature_is_reported_before_validation()
    {
        var reply = await _api.SendAsync("PutRecord", "{}", authorization: null);

        Assert.Equal(400, reply.Status);
        Assert.Equal("MissingAuthenticationTokenException", reply.Type);
        Assert.Equal("Missing Authentication Token", reply.Message);
    }

    [Fact]
    public async Task An_incomplete_signature_names_each_missing_part()
    {
        var reply = await _api.SendAsync("ListStreams", "{}", authorization: "AWS4-HMAC-SHA256 SignedHeaders=host");

        Assert.Equal("IncompleteSignatureException", reply.Type);
        Assert.Equal("Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization=AWS4-HMAC-SHA256 SignedHeaders=host", reply.Message);
    }

    [Fact]
    public async Task A_type_mismatch_is_a_serialization_exception_with_a_capital_M_message()
    {
        var reply = await _api.SendAsync("PutRecord", """{"StreamName":1,"PartitionKey":"k","Data":"AA=="}""");

        Assert.Equal(400, reply.Status);
        Assert.Equal("""{"__type":"SerializationException","Message":"class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to an String"}""", reply.Body);
    }

    [Fact]
    public async Task Unparseable_JSON_is_a_serialization_exception_without_a_message()
    {
        var reply = await _api.SendAsync("PutRecord", "{not json");

        Assert.Equal("""{"__type":"SerializationException"}""", reply.Body);
    }

    [Fact]
    public async Task An_empty_body_is_answered_in_CBOR_unless_the_request_was_JSON_1_1()
    {
        var json = await _api.SendAsync("PutRecord", "");
        var other = await _api.SendAsync("PutRecord", "", contentType: "application/json");

        Assert.Equal("""{"__type":"SerializationException"}""", json.Body);
        Assert.Equal("application/x-amz-cbor-1.1", other.ContentType);
    }

    [Fact]
    public async Task The_legacy_JSON_content_type_gets_AWS_envelope_with_status_200()
    {
        var reply = await _api.SendAsync("ListStreams", "{}", contentType: "application/json");

        Assert.Equal(200, reply.Status);
        Assert.Equal("""{"Output":{"__type":"com.amazon.coral.service#UnknownOperationException","message":null},"Version":"1.0"}""", reply.Body);
    }

    [Fact]
    public async Task An_unsupported_content_type_is_refused_as_AWS_does()
    {
        var withTarget = await _api.SendAsync("ListStreams", "{}", contentType: "text/plain");
        var withoutTarget = await _api.SendAsync(null, "{}", contentType: "text/plain");

        Assert.Equal(404, withTarget.Status);
        Assert.Equal("<UnknownOperationException/>\n", withTarget.Body);
        Assert.Equal(403, withoutTarget.Status);
        Assert.Contains("<AccessDeniedException>", withoutTarget.Body);
    }

    [Fact]
    public async Task A_method_other_than_POST_is_access_denied()
    {
        var reply = await _api.SendAsync("ListStreams", "{}", method: "GET");

        Assert.Equal(403, reply.Status);
        Assert.Equal("<AccessDeniedException>\n  <Message>Unable to determine service/operation name to be authorized</Message>\n</AccessDeniedException>\n", reply.Body);
    }

    [Fact]
    public async Task Content_type_parameters_are_ignored()
    {
        var reply = await _api.SendAsync("ListStreams", "{}", contentType: "application/x-amz-json-1.1; charset=utf-8");

        Assert.Equal(200, reply.Status);
    }
}
