"""Error bodies on the wire, with plain urllib: what any hand-written or unusual client sees.

Over https urllib verifies the server against RIVULET_CA_FILE alone (support.ssl_context).
"""

from __future__ import annotations

import json
import unittest
import urllib.error
import urllib.request
from typing import Any

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from support import ACCESS_KEY, REGION, SECRET_KEY, KinesisTestCase, endpoint, is_tls, ssl_context

JSON_11 = "application/x-amz-json-1.1"


class RawResponse:
    def __init__(self, status: int, headers: dict[str, str], body: bytes):
        self.status = status
        self.headers = {key.lower(): value for key, value in headers.items()}
        self.body = body

    def json(self) -> Any:
        return json.loads(self.body)

    def __repr__(self) -> str:
        return f"HTTP {self.status} {self.headers} {self.body[:500]!r}"


def post(target: str, body: bytes, *, sign: bool = True, content_type: str = JSON_11) -> RawResponse:
    url = endpoint() + "/"
    headers = {"Content-Type": content_type, "X-Amz-Target": target}
    if sign:
        # A real SigV4 signature, as botocore makes it (content-type;host;x-amz-date;x-amz-target).
        request = AWSRequest(method="POST", url=url, data=body, headers=headers)
        SigV4Auth(Credentials(ACCESS_KEY, SECRET_KEY), "kinesis", REGION).add_auth(request)
        headers = dict(request.headers.items())
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    context = ssl_context() if is_tls() else None
    try:
        with urllib.request.urlopen(request, timeout=30, context=context) as response:
            return RawResponse(response.status, dict(response.headers.items()), response.read())
    except urllib.error.HTTPError as error:
        with error:
            return RawResponse(error.code, dict(error.headers.items()), error.read())


class RawHttpErrorTests(KinesisTestCase):
    def assert_json_error(self, response: RawResponse, error_type: str) -> dict[str, Any]:
        self.assertEqual(400, response.status, repr(response))
        self.assertTrue(response.headers.get("x-amzn-requestid"), f"x-amzn-RequestId missing: {response!r}")
        self.assertTrue(response.headers.get("content-type", "").startswith(JSON_11), repr(response))
        body = response.json()
        self.assertEqual(error_type, body.get("__type"), repr(response))
        if "x-amzn-errortype" in response.headers:
            self.assertEqual(error_type, response.headers["x-amzn-errortype"].split(":")[0], "header agrees with body")
        return body

    def test_an_unknown_target_is_unknown_operation_exception(self):
        response = post("Kinesis_20131202.FlyToTheMoon", b"{}")

        body = self.assert_json_error(response, "UnknownOperationException")
        self.assertNotIn("message", body, "AWS sends no message for an unknown operation")

    def test_an_unknown_target_is_reported_before_authentication(self):
        response = post("Kinesis_20131202.FlyToTheMoon", b"{}", sign=False)

        self.assert_json_error(response, "UnknownOperationException")

    def test_a_number_where_a_string_belongs_is_a_serialization_exception(self):
        response = post("Kinesis_20131202.DescribeStreamSummary", b'{"StreamName": 123}')

        body = self.assert_json_error(response, "SerializationException")
        self.assertEqual(
            "class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to an String",
            body.get("Message"),
            "SerializationException carries a capitalised Message",
        )

    def test_a_body_that_is_not_json_is_a_serialization_exception(self):
        response = post("Kinesis_20131202.ListStreams", b'{"Limit": ')

        self.assert_json_error(response, "SerializationException")

    def test_a_request_without_authorization_is_missing_authentication_token(self):
        response = post("Kinesis_20131202.ListStreams", b"{}", sign=False)

        body = self.assert_json_error(response, "MissingAuthenticationTokenException")
        self.assertEqual("Missing Authentication Token", body.get("message"))

    def test_a_signed_request_without_botocore_succeeds(self):
        response = post("Kinesis_20131202.ListStreams", b'{"Limit": 1}')

        self.assertEqual(200, response.status, repr(response))
        self.assertTrue(response.headers.get("x-amzn-requestid"))
        self.assertIn("StreamNames", response.json())


if __name__ == "__main__":
    unittest.main()
