"""TLS on the wire (runs only when RIVULET_ENDPOINT is https): boto3's own connection really is TLS,
verified against RIVULET_CA_FILE, with HTTP/1.1 chosen by ALPN; a client offering h2 first gets
HTTP/2; a client offering only http/1.1 gets it and a working request.
"""

from __future__ import annotations

import http.client
import json
import socket
import ssl
import struct
import unittest
import urllib.parse

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from support import ACCESS_KEY, REGION, SECRET_KEY, KinesisTestCase, aws, client, endpoint, is_tls, ssl_context, unique_name

HTTP2_PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
HTTP2_SETTINGS = 0x4
TLS_VERSIONS = ("TLSv1.2", "TLSv1.3")


def endpoint_host_port() -> tuple[str, int]:
    parsed = urllib.parse.urlsplit(endpoint())
    assert parsed.hostname and parsed.port
    return parsed.hostname, parsed.port


def connect_tls(alpn: list[str]) -> ssl.SSLSocket:
    host, port = endpoint_host_port()
    raw = socket.create_connection((host, port), timeout=10)
    try:
        return ssl_context(alpn).wrap_socket(raw, server_hostname=host)
    except BaseException:
        raw.close()
        raise


def read_exactly(sock: ssl.SSLSocket, count: int) -> bytes:
    data = b""
    while len(data) < count:
        chunk = sock.recv(count - len(data))
        if not chunk:
            raise AssertionError(f"connection closed after {len(data)} of {count} bytes")
        data += chunk
    return data


@unittest.skipUnless(
    is_tls(), "RIVULET_ENDPOINT is not https (these checks run when the suite is pointed at the TLS port)"
)
class TlsTests(KinesisTestCase):
    def test_boto3_speaks_http_1_1_over_verified_tls_chosen_by_alpn(self):
        kinesis = client()
        kinesis.list_streams(Limit=1)

        # botocore keeps the connection it used in urllib3's pool: look at that very socket.
        manager = kinesis._endpoint.http_session._manager
        sockets = []
        for key in list(manager.pools.keys()):
            pool = manager.pools[key]
            sockets.extend(conn.sock for conn in list(pool.pool.queue) if conn is not None and conn.sock is not None)
        self.assertTrue(sockets, "boto3 left no pooled connection to inspect")
        for sock in sockets:
            self.assertIsInstance(sock, ssl.SSLSocket)
            self.assertIn(sock.version(), TLS_VERSIONS)
            self.assertEqual("http/1.1", sock.selected_alpn_protocol(), "urllib3 offers http/1.1 and the server picks it")
            self.assertEqual(ssl.CERT_REQUIRED, sock.context.verify_mode, "boto3 verified the certificate")
            self.assertTrue(sock.getpeercert(), "a verified peer certificate")

    def test_boto3_and_the_cli_with_certificate_checks_off_work_too(self):
        # As the KPL's VerifyCertificate=false and `aws --no-verify-ssl` connect: no trust store at all.
        import boto3
        import urllib3

        urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
        unverified = boto3.session.Session(aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY, region_name=REGION).client(
            "kinesis", endpoint_url=endpoint(), verify=False
        )
        name = unique_name("tls-noverify")
        unverified.create_stream(StreamName=name, ShardCount=1)
        self.addCleanup(unverified.delete_stream, StreamName=name)
        unverified.get_waiter("stream_exists").wait(StreamName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 20})
        put = unverified.put_record(StreamName=name, Data=b"unverified", PartitionKey="pk")
        self.assertEqual("shardId-000000000000", put["ShardId"])

        listed = aws("list-streams", "--no-verify-ssl")
        self.assertEqual(0, listed.returncode, listed)
        self.assertIn(name, listed.json()["StreamNames"])

    def test_a_client_offering_h2_first_gets_http2(self):
        with connect_tls(["h2", "http/1.1"]) as sock:
            self.assertIn(sock.version(), TLS_VERSIONS)
            self.assertEqual("h2", sock.selected_alpn_protocol())
            # An HTTP/2 server's first frame is its SETTINGS frame (RFC 9113 §3.4).
            sock.sendall(HTTP2_PREFACE + struct.pack(">I", 0)[1:] + bytes([HTTP2_SETTINGS, 0]) + struct.pack(">I", 0))
            header = read_exactly(sock, 9)
            self.assertEqual(HTTP2_SETTINGS, header[3], f"first frame header {header.hex()}")
            self.assertEqual(0, header[4] & 0x1, "the server's own SETTINGS, not an ACK")

    def test_a_client_offering_only_http_1_1_gets_it_and_a_working_request(self):
        host, port = endpoint_host_port()
        body = b'{"Limit": 1}'
        headers = {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "Kinesis_20131202.ListStreams"}
        request = AWSRequest(method="POST", url=endpoint() + "/", data=body, headers=headers)
        SigV4Auth(Credentials(ACCESS_KEY, SECRET_KEY), "kinesis", REGION).add_auth(request)

        connection = http.client.HTTPSConnection(host, port, timeout=30, context=ssl_context(["http/1.1"]))
        try:
            connection.request("POST", "/", body=body, headers=dict(request.headers.items()))
            response = connection.getresponse()
            answer = response.read()
            self.assertEqual("http/1.1", connection.sock.selected_alpn_protocol())
            self.assertIn(connection.sock.version(), TLS_VERSIONS)
        finally:
            connection.close()
        self.assertEqual(200, response.status, answer)
        self.assertEqual(11, response.version, "an HTTP/1.1 status line")
        self.assertTrue(response.getheader("x-amzn-RequestId"))
        self.assertIn("StreamNames", json.loads(answer))


if __name__ == "__main__":
    unittest.main()
