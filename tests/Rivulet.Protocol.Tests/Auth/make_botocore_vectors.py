"""Writes botocore-vectors.json: requests signed by botocore's own SigV4 signers, for SigV4VerifierTests.

Run from this folder with the python that has boto3 (tests/clients/setup.sh finds it):
    python3 make_botocore_vectors.py > botocore-vectors.json
The signing time is fixed, so the output only changes when botocore's signing does.
"""

import base64
import datetime
import json
import sys

import botocore
import botocore.auth
from botocore.auth import SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

SIGNED_AT = datetime.datetime(2025, 11, 21, 3, 20, 0)
ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
TOKEN = "IQoJb3JpZ2luX2VjEXAMPLE//////////wEaCXVzLWVhc3QtMSJHMEUCIQ+token/="
ENDPOINT = "http://127.0.0.1:4567"
JSON_11 = "application/x-amz-json-1.1"
BODY = b'{"StreamName":"orders","Data":"aGVsbG8=","PartitionKey":"pk-1"}'

botocore.auth.get_current_datetime = lambda: SIGNED_AT


def kinesis_headers(operation="PutRecord"):
    return {"Content-Type": JSON_11, "X-Amz-Target": f"Kinesis_20131202.{operation}"}


def vector(name, request, body, token=None, region="us-east-1"):
    headers = [[key, value] for key, value in request.headers.items()]
    host = request.url.split("/")[2]
    if not any(key.lower() == "host" for key, _ in headers):
        headers.append(["Host", host])
    target = request.url[len(ENDPOINT):] or "/"
    return {
        "name": name,
        "method": request.method,
        "target": target,
        "headers": headers,
        "body": base64.b64encode(body).decode(),
        "region": region,
        "token": token,
    }


def header_signed(name, *, url=ENDPOINT + "/", headers=None, body=BODY, token=None, region="us-east-1"):
    request = AWSRequest(method="POST", url=url, data=body, headers=headers if headers is not None else kinesis_headers())
    SigV4Auth(Credentials(ACCESS_KEY, SECRET_KEY, token), "kinesis", region).add_auth(request)
    return vector(name, request, body, token, region)


def presigned(name, *, expires=300, token=None, region="us-east-1"):
    # The body stays out of the signature: presigned with none, then sent with it, as
    # X-Amz-Content-SHA256: UNSIGNED-PAYLOAD (signed) says.
    headers = kinesis_headers()
    headers["X-Amz-Content-SHA256"] = "UNSIGNED-PAYLOAD"
    request = AWSRequest(method="POST", url=ENDPOINT + "/", data=b"", headers=headers)
    SigV4QueryAuth(Credentials(ACCESS_KEY, SECRET_KEY, token), "kinesis", region, expires=expires).add_auth(request)
    return vector(name, request, BODY, token, region)


def main():
    vectors = [
        header_signed("put-record"),
        header_signed("put-record-eu-west-1", region="eu-west-1"),
        header_signed("session-token", token=TOKEN),
        header_signed("empty-body-list-streams", headers=kinesis_headers("ListStreams"), body=b"{}"),
        header_signed("path-and-query", url=ENDPOINT + "/a/./b//c/../d%20e?b=2&a=1&a=0&sp%20ace=x%2By&flag"),
    ]

    unsigned = kinesis_headers()
    unsigned["X-Amz-Content-SHA256"] = "UNSIGNED-PAYLOAD"
    vectors.append(header_signed("unsigned-payload", headers=unsigned))

    spaced = kinesis_headers()
    spaced["X-Custom"] = "  a   b \t c  "
    request = AWSRequest(method="POST", url=ENDPOINT + "/", data=BODY, headers=spaced)
    request.headers["X-Repeated"] = "one"
    request.headers["X-Repeated"] = " two  three "
    SigV4Auth(Credentials(ACCESS_KEY, SECRET_KEY), "kinesis", "us-east-1").add_auth(request)
    vectors.append(vector("header-whitespace-and-repeats", request, BODY))

    dated = kinesis_headers()
    dated["Date"] = "placeholder"
    vectors.append(header_signed("date-header", headers=dated))

    vectors.append(presigned("presigned"))
    vectors.append(presigned("presigned-session-token", token=TOKEN))

    json.dump(
        {
            "botocore": botocore.__version__,
            "signedAt": SIGNED_AT.strftime("%Y%m%dT%H%M%SZ"),
            "accessKeyId": ACCESS_KEY,
            "secretAccessKey": SECRET_KEY,
            "sessionToken": TOKEN,
            "vectors": vectors,
        },
        sys.stdout,
        indent=2,
    )
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
