"""Shared helpers for the boto3 / AWS CLI compatibility tests.

Everything talks to the server named by RIVULET_ENDPOINT (http:// or https://, on 127.0.0.1 or
localhost) and nowhere else. Over https the certificate to trust is RIVULET_CA_FILE: boto3 and the AWS
CLI read it from AWS_CA_BUNDLE (set from it here too), raw connections load it
alone into their ssl context. Each test creates its own uniquely named stream and deletes it
afterwards, so suites can share one server and run in any order.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import itertools
import json
import os
import re
import ssl
import subprocess
import tempfile
import time
import unittest
import uuid
from typing import Any, Iterable

import boto3
import botocore
from botocore.config import Config
from botocore.exceptions import ClientError

REGION = "us-east-1"
ACCOUNT = "000000000000"
ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"

MAX_HASH_KEY = 2**128 - 1
ONE_MIB = 1024 * 1024

# Every response timeout is bounded so a hung server fails the suite instead of stalling it.
_CONNECT_TIMEOUT_SECONDS = 5
_READ_TIMEOUT_SECONDS = 30
_CLI_TIMEOUT_SECONDS = 60

_names = itertools.count(1)


ENDPOINT_PATTERN = re.compile(r"^https?://(127\.0\.0\.1|localhost):\d+/?$")


def endpoint(variable: str = "RIVULET_ENDPOINT") -> str:
    value = os.environ.get(variable, "").strip()
    if not value:
        raise RuntimeError(f"{variable} is not set (e.g. http://127.0.0.1:45678)")
    if not ENDPOINT_PATTERN.match(value):
        raise RuntimeError(f"{variable} must be http(s)://127.0.0.1:<port> or http(s)://localhost:<port>, got {value!r}")
    return value.rstrip("/")


def is_tls() -> bool:
    return endpoint().startswith("https://")


def ca_file() -> str | None:
    """The PEM to trust over https (RIVULET_CA_FILE); None means the system's trust store."""
    return os.environ.get("RIVULET_CA_FILE", "").strip() or None


def ssl_context(alpn: list[str] | None = None) -> ssl.SSLContext:
    """A verifying client context that trusts RIVULET_CA_FILE only (hostname checked too)."""
    context = ssl.create_default_context(cafile=ca_file())
    if alpn is not None:
        context.set_alpn_protocols(alpn)
    return context


# boto3 and the AWS CLI trust what AWS_CA_BUNDLE names; the runner sets it from RIVULET_CA_FILE, and
# so does this module when run_tests.py is started by hand (over any bundle the environment named).
if ca_file():
    os.environ["AWS_CA_BUNDLE"] = ca_file()  # type: ignore[assignment]


def client(
    *,
    validate: bool = True,
    endpoint_url: str | None = None,
    retries: dict[str, Any] | None = None,
    read_timeout: float = _READ_TIMEOUT_SECONDS,
):
    """A boto3 Kinesis client as an application would build it, minus retries (unless `retries` names
    a botocore retry configuration).

    validate=False turns off botocore's client-side parameter checks so that out-of-range values
    (empty partition key, Limit 0 ...) reach the server, whose answer is what we are testing.
    """
    session = boto3.session.Session(
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        region_name=REGION,
    )
    return session.client(
        "kinesis",
        endpoint_url=endpoint_url or endpoint(),
        config=Config(
            retries=retries if retries is not None else {"max_attempts": 0},
            connect_timeout=_CONNECT_TIMEOUT_SECONDS,
            read_timeout=read_timeout,
            parameter_validation=validate,
        ),
    )


def unique_name(label: str) -> str:
    """Stream names are 1-128 chars of [a-zA-Z0-9_.-]; pid + counter + random keep runs apart."""
    label = re.sub(r"[^a-zA-Z0-9_.-]", "-", label)[:60]
    return f"py-{label}-{os.getpid()}-{next(_names)}-{uuid.uuid4().hex[:6]}"


def stream_arn(name: str) -> str:
    return f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/{name}"


def not_found_message(name: str) -> str:
    return f"Stream {name} under account {ACCOUNT} not found."


def throttled_message(name: str, shard_id: str) -> str:
    """What AWS says when a shard's read or write rate is exceeded (ProvisionedThroughputExceededException)."""
    return f"Rate exceeded for shard {shard_id} in stream {name} under account {ACCOUNT}."


def model_has_member(operation: str, member: str, *, output: bool = False) -> bool:
    """Older botocore builds (e.g. Debian's python3-boto3 1.26) predate newer Kinesis members:
    they refuse such parameters client-side and drop such response fields."""
    model = _service_model().operation_model(operation)
    shape = model.output_shape if output else model.input_shape
    return shape is not None and member in shape.members


def requires_member(operation: str, member: str, *, output: bool = False):
    """Skips a test this client's model cannot express (says so rather than failing)."""
    where = "response" if output else "request"
    return unittest.skipUnless(
        model_has_member(operation, member, output=output),
        f"botocore {botocore.__version__} has no {operation} {where} member {member}",
    )


_model_cache: list[Any] = []


def _service_model() -> Any:
    if not _model_cache:
        _model_cache.append(botocore.session.get_session().get_service_model("kinesis"))
    return _model_cache[0]


def partition_key_hash(partition_key: str) -> int:
    """MD5 of the UTF-8 key read as an unsigned 128-bit big-endian integer (AWS PutRecord docs)."""
    return int.from_bytes(hashlib.md5(partition_key.encode("utf-8")).digest(), "big")


def shard_for_hash(shards: Iterable[dict[str, Any]], hash_key: int) -> str:
    matches = [
        shard["ShardId"]
        for shard in shards
        if int(shard["HashKeyRange"]["StartingHashKey"]) <= hash_key <= int(shard["HashKeyRange"]["EndingHashKey"])
        and "EndingSequenceNumber" not in shard.get("SequenceNumberRange", {})
    ]
    if len(matches) != 1:
        raise AssertionError(f"hash {hash_key} is covered by {len(matches)} open shards: {matches}")
    return matches[0]


def now_utc() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


class KinesisTestCase(unittest.TestCase):
    """Base class: a boto3 client, stream creation with cleanup, and error assertions."""

    maxDiff = None

    @classmethod
    def setUpClass(cls) -> None:
        cls.kinesis = client()
        cls.raw_kinesis = client(validate=False)

    # -- streams -------------------------------------------------------------------------------

    def create_stream(self, label: str, *, wait: bool = True, **kwargs: Any) -> str:
        name = unique_name(label)
        if "ShardCount" not in kwargs and "StreamModeDetails" not in kwargs:
            kwargs["ShardCount"] = 1
        self.kinesis.create_stream(StreamName=name, **kwargs)
        self.addCleanup(self.delete_stream_quietly, name)
        if wait:
            self.wait_for_active(name)
        return name

    def wait_for_active(self, name: str) -> None:
        # What applications do; streams are ACTIVE at once on Rivulet, so normally no sleep happens.
        self.kinesis.get_waiter("stream_exists").wait(
            StreamName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 20}
        )

    def delete_stream_quietly(self, name: str) -> None:
        try:
            self.kinesis.delete_stream(StreamName=name, EnforceConsumerDeletion=True)
        except ClientError:
            pass
        except botocore.exceptions.BotoCoreError:
            pass

    def list_all_streams(self) -> tuple[list[str], dict[str, dict[str, Any]]]:
        """All stream names in listing order, and the StreamSummaries by name (paginated, bounded)."""
        names: list[str] = []
        summaries: dict[str, dict[str, Any]] = {}
        kwargs: dict[str, Any] = {"Limit": 100}
        for _ in range(200):
            page = self.kinesis.list_streams(**kwargs)
            names.extend(page["StreamNames"])
            for summary in page.get("StreamSummaries", []):
                summaries[summary["StreamName"]] = summary
            if not page.get("HasMoreStreams"):
                return names, summaries
            if page.get("NextToken"):
                kwargs = {"NextToken": page["NextToken"], "Limit": 100}
            else:
                kwargs = {"ExclusiveStartStreamName": page["StreamNames"][-1], "Limit": 100}
        raise AssertionError("ListStreams kept reporting HasMoreStreams")

    def list_all_shards(self, name: str) -> list[dict[str, Any]]:
        shards: list[dict[str, Any]] = []
        response = self.kinesis.list_shards(StreamName=name)
        for _ in range(100):
            shards.extend(response["Shards"])
            token = response.get("NextToken")
            if not token:
                return shards
            response = self.kinesis.list_shards(NextToken=token)
        raise AssertionError("ListShards kept returning NextToken")

    # -- reading -------------------------------------------------------------------------------

    def iterator(self, name: str, shard_id: str, iterator_type: str, **kwargs: Any) -> str:
        response = self.kinesis.get_shard_iterator(
            StreamName=name, ShardId=shard_id, ShardIteratorType=iterator_type, **kwargs
        )
        iterator = response["ShardIterator"]
        self.assertIsInstance(iterator, str)
        self.assertTrue(0 < len(iterator) <= 512, f"iterator length {len(iterator)}")
        return iterator

    def read_records(self, iterator: str, *, expected: int, max_calls: int = 20, limit: int | None = None) -> list[dict[str, Any]]:
        """GetRecords until `expected` records arrived or the iterator stops; bounded by max_calls."""
        records: list[dict[str, Any]] = []
        for _ in range(max_calls):
            kwargs: dict[str, Any] = {"ShardIterator": iterator}
            if limit is not None:
                kwargs["Limit"] = limit
            response = self.kinesis.get_records(**kwargs)
            records.extend(response["Records"])
            iterator = response.get("NextShardIterator")
            if len(records) >= expected or not iterator:
                break
            if not response["Records"]:
                time.sleep(0.05)
        return records

    def read_shard(self, name: str, shard_id: str, *, expected: int, max_calls: int = 60) -> list[dict[str, Any]]:
        """Every record of the shard from TRIM_HORIZON until caught up (an empty page at the tip
        after at least `expected` records); bounded in calls."""
        iterator = self.iterator(name, shard_id, "TRIM_HORIZON")
        records: list[dict[str, Any]] = []
        for _ in range(max_calls):
            page = self.kinesis.get_records(ShardIterator=iterator)
            records.extend(page["Records"])
            iterator = page.get("NextShardIterator")
            caught_up = not page["Records"] and page.get("MillisBehindLatest", 0) == 0
            if not iterator or (caught_up and len(records) >= expected):
                break
            if not page["Records"]:
                time.sleep(0.02)
        return records

    # -- errors --------------------------------------------------------------------------------

    def assert_client_error(self, context: Any, code: str | Iterable[str], message: str | None = None, *, status: int = 400) -> ClientError:
        """Checks what boto3 users see: e.response['Error'] Code/Message and the HTTP status."""
        error = context.exception
        self.assertIsInstance(error, ClientError)
        codes = {code} if isinstance(code, str) else set(code)
        details = describe_error(error)
        self.assertIn(error.response["Error"]["Code"], codes, details)
        self.assertEqual(status, error.response["ResponseMetadata"]["HTTPStatusCode"], details)
        if message is not None:
            self.assertEqual(message, error.response["Error"].get("Message"), details)
        return error

    def assert_cli_error(self, result: Any, code: str, operation: str, message: str | None = None) -> None:
        """Checks what AWS CLI users see: a failed exit, and the error's code (and message) on stderr."""
        self.assertNotEqual(0, result.returncode, repr(result))
        # v2 inserts "(reached max retries: N)" before the colon.
        self.assertRegex(
            result.stderr,
            rf"An error occurred \({code}\) when calling the {operation} operation( \(reached max retries: \d+\))?: "
            + ("" if message is None else re.escape(message)),
            repr(result),
        )


def describe_error(error: ClientError) -> str:
    meta = error.response.get("ResponseMetadata", {})
    return (
        f"got {error.response.get('Error')} status={meta.get('HTTPStatusCode')} "
        f"operation={error.operation_name}"
    )


# -- AWS CLI ------------------------------------------------------------------------------------

class CliResult:
    def __init__(self, argv: list[str], completed: subprocess.CompletedProcess[str]):
        self.argv = argv
        self.returncode = completed.returncode
        self.stdout = completed.stdout
        self.stderr = completed.stderr

    def json(self) -> Any:
        return json.loads(self.stdout) if self.stdout.strip() else None

    def __repr__(self) -> str:
        return (
            f"CLI {' '.join(self.argv)}\n exit={self.returncode}\n stdout={self.stdout[:2000]}\n"
            f" stderr={self.stderr[-2000:]}"
        )


_cli_home = tempfile.mkdtemp(prefix="rivulet-cli-")


@functools.lru_cache(maxsize=None)
def aws_cli_major() -> int:
    value = os.environ.get("RIVULET_AWS_MAJOR", "").strip()
    if value.isdigit():
        return int(value)
    out = subprocess.run(
        [aws_cli_path(), "--version"], capture_output=True, text=True, timeout=_CLI_TIMEOUT_SECONDS
    )
    match = re.match(r"aws-cli/(\d+)", (out.stdout or out.stderr).strip())
    return int(match.group(1)) if match else 1


def aws_cli_path() -> str:
    return os.environ.get("RIVULET_AWS", "").strip() or "aws"


def aws(
    *args: str,
    access_key: str = ACCESS_KEY,
    secret_key: str = SECRET_KEY,
    session_token: str | None = None,
    region: str = REGION,
    profile: str | None = None,
    credentials_file: str | None = None,
    endpoint_url: str | None = None,
) -> CliResult:
    """Runs `aws kinesis <args>` against the endpoint, isolated from any user configuration.

    CLI v2 reads blob arguments as base64 unless told otherwise; raw-in-base64-out gives the v1
    behaviour the seed example relies on (Data=blob1 means the five bytes "blob1"). v1 has no such
    option and must not get it. With `profile` the credentials come from that section of
    `credentials_file` (AWS's shared-credentials format) instead of the environment.
    """
    argv = [aws_cli_path(), "kinesis", *args, "--endpoint-url", endpoint_url or endpoint(), "--region", region, "--output", "json"]
    if profile is not None:
        argv += ["--profile", profile]
    if aws_cli_major() >= 2:
        argv += ["--cli-binary-format", "raw-in-base64-out", "--no-cli-pager"]
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("AWS_") or key in ("AWS_CA_BUNDLE",)
    }
    env.update(
        AWS_DEFAULT_REGION=region,
        AWS_CONFIG_FILE=os.path.join(_cli_home, "config"),
        AWS_SHARED_CREDENTIALS_FILE=credentials_file or os.path.join(_cli_home, "credentials"),
        AWS_MAX_ATTEMPTS="1",
        AWS_PAGER="",
        AWS_EC2_METADATA_DISABLED="true",
    )
    if profile is None:
        env.update(AWS_ACCESS_KEY_ID=access_key, AWS_SECRET_ACCESS_KEY=secret_key)
        if session_token is not None:
            env["AWS_SESSION_TOKEN"] = session_token
    completed = subprocess.run(
        argv, capture_output=True, text=True, env=env, timeout=_CLI_TIMEOUT_SECONDS, stdin=subprocess.DEVNULL
    )
    return CliResult(argv, completed)
