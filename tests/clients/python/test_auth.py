"""Signature verification through boto3 and the AWS CLI (runs only when RIVULET_AUTH_VERIFY=1).

The server is started with `serve --auth verify --credentials <file>`, and RIVULET_CREDENTIALS_FILE
names that same file (default: tests/clients/auth-credentials.ini). It holds three profiles:

    [rivulet-a]  a long-term key with aws_account_id = 111111111111
    [rivulet-b]  a long-term key whose ID is 12 digits (222222222222), which is then its account
    [rivulet-t]  a temporary key that is only valid with its aws_session_token; no account named, so
                 its account is the server's --account-id (RIVULET_ACCOUNT_ID, default 000000000000)

Signatures are real botocore SigV4 signatures; only the keys, secrets, tokens and the clock vary.
"""

from __future__ import annotations

import configparser
import contextlib
import datetime
import os
import re
import unittest
from typing import Any, Iterator
from unittest import mock

import boto3
import botocore.auth
from botocore.config import Config
from botocore.exceptions import ClientError

from support import KinesisTestCase, aws, endpoint, unique_name

AUTH_VERIFY = os.environ.get("RIVULET_AUTH_VERIFY", "").strip() == "1"
DEFAULT_CREDENTIALS_FILE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "auth-credentials.ini")

INVALID_SIGNATURE = (
    "The request signature we calculated does not match the signature you provided. Check your AWS Secret "
    "Access Key and signing method. Consult the service documentation for details."
)
UNKNOWN_KEY = "The security token included in the request is invalid."
BAD_SESSION_TOKEN = "The security token included in the request is invalid"  # AWS's text has no period here
EXPIRED = re.compile(r"^Signature expired: (\d{8}T\d{6}Z) is now earlier than (\d{8}T\d{6}Z) \((\d{8}T\d{6}Z) - 5 min\.\)$")


def credentials_file() -> str:
    return os.environ.get("RIVULET_CREDENTIALS_FILE", "").strip() or DEFAULT_CREDENTIALS_FILE


class Profile:
    """One section of the credentials file, and the account the server gives its key."""

    def __init__(self, name: str, section: configparser.SectionProxy):
        self.name = name
        self.access_key = section["aws_access_key_id"]
        self.secret_key = section["aws_secret_access_key"]
        self.session_token = section.get("aws_session_token")
        default_account = os.environ.get("RIVULET_ACCOUNT_ID", "").strip() or "000000000000"
        self.account = section.get("aws_account_id") or (
            self.access_key if re.fullmatch(r"\d{12}", self.access_key) else default_account
        )

    def client(self, region: str = "us-east-1", **overrides: Any):
        """A boto3 client for this profile; overrides replace its secret_key / session_token."""
        values = {"secret_key": self.secret_key, "session_token": self.session_token, "access_key": self.access_key}
        values.update(overrides)
        session = boto3.session.Session(
            aws_access_key_id=values["access_key"],
            aws_secret_access_key=values["secret_key"],
            aws_session_token=values["session_token"],
            region_name=region,
        )
        return session.client(
            "kinesis",
            endpoint_url=endpoint(),
            config=Config(retries={"max_attempts": 0}, connect_timeout=5, read_timeout=30),
        )

    def arn(self, name: str, region: str = "us-east-1") -> str:
        return f"arn:aws:kinesis:{region}:{self.account}:stream/{name}"


def load_profiles() -> dict[str, Profile]:
    path = credentials_file()
    parser = configparser.ConfigParser(interpolation=None)
    if not parser.read(path):
        raise RuntimeError(f"cannot read the credentials file {path!r} (RIVULET_CREDENTIALS_FILE)")
    missing = {"rivulet-a", "rivulet-b", "rivulet-t"} - set(parser.sections())
    if missing:
        raise RuntimeError(f"{path} lacks the sections {sorted(missing)} (see tests/clients/auth-credentials.ini)")
    profiles = {name: Profile(name, parser[name]) for name in ("rivulet-a", "rivulet-b", "rivulet-t")}
    if not profiles["rivulet-t"].session_token:
        raise RuntimeError(f"{path}: [rivulet-t] needs an aws_session_token")
    if profiles["rivulet-a"].session_token or profiles["rivulet-b"].session_token:
        raise RuntimeError(f"{path}: [rivulet-a] and [rivulet-b] are long-term keys without a session token")
    return profiles


@contextlib.contextmanager
def signing_clock(offset: datetime.timedelta) -> Iterator[datetime.datetime]:
    """botocore signs with a clock `offset` away from now (the X-Amz-Date it puts in the request)."""
    moment = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None, microsecond=0) + offset
    if hasattr(botocore.auth, "get_current_datetime"):  # botocore >= 1.34
        with mock.patch.object(botocore.auth, "get_current_datetime", lambda *args, **kwargs: moment):
            yield moment
    else:  # older botocore calls datetime.datetime.utcnow() in botocore.auth

        class ShiftedDatetime(datetime.datetime):
            @classmethod
            def utcnow(cls):  # type: ignore[override]
                return moment

        with mock.patch.object(botocore.auth.datetime, "datetime", ShiftedDatetime):
            yield moment


@unittest.skipUnless(
    AUTH_VERIFY,
    "RIVULET_AUTH_VERIFY is not 1 (needs a server started with --auth verify --credentials "
    "tests/clients/auth-credentials.ini)",
)
class SignatureVerificationTests(KinesisTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        profiles = load_profiles()
        cls.a, cls.b, cls.t = profiles["rivulet-a"], profiles["rivulet-b"], profiles["rivulet-t"]
        cls.kinesis = cls.a.client()  # KinesisTestCase's helpers (waiter, cleanup) act as key A
        cls.raw_kinesis = cls.kinesis

    def create_as(self, kinesis: Any, name: str, shards: int = 1) -> None:
        kinesis.create_stream(StreamName=name, ShardCount=shards)
        self.addCleanup(self.delete_with, kinesis, name)
        kinesis.get_waiter("stream_exists").wait(StreamName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 20})

    @staticmethod
    def delete_with(kinesis: Any, name: str) -> None:
        with contextlib.suppress(ClientError, botocore.exceptions.BotoCoreError):
            kinesis.delete_stream(StreamName=name, EnforceConsumerDeletion=True)

    def rejected(self, call: Any, code: str, message: str) -> ClientError:
        with self.assertRaises(ClientError) as context:
            call()
        return self.assert_client_error(context, code, message)

    def answer(self, call: Any) -> tuple[str, str, int]:
        """What a caller learns from a failed call: code, message, HTTP status."""
        try:
            call()
        except ClientError as error:
            return (error.response["Error"]["Code"], error.response["Error"].get("Message"), error.response["ResponseMetadata"]["HTTPStatusCode"])
        self.fail("expected the call to be rejected")

    # -- the right keys --------------------------------------------------------------------------

    def test_the_right_key_creates_writes_reads_and_deletes_a_stream(self):
        kinesis = self.a.client()
        name = unique_name("auth-a")
        self.create_as(kinesis, name)

        put = kinesis.put_record(StreamName=name, Data=b"signed by A", PartitionKey="pk")
        iterator = kinesis.get_shard_iterator(
            StreamName=name, ShardId=put["ShardId"], ShardIteratorType="AT_SEQUENCE_NUMBER", StartingSequenceNumber=put["SequenceNumber"]
        )["ShardIterator"]
        records = kinesis.get_records(ShardIterator=iterator)["Records"]
        self.assertEqual([b"signed by A"], [record["Data"] for record in records])
        summary = kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]
        self.assertEqual(self.a.arn(name), summary["StreamARN"])

        kinesis.delete_stream(StreamName=name)
        self.assertNotIn(name, kinesis.list_streams(Limit=10000)["StreamNames"])

    def test_a_twelve_digit_key_without_an_account_is_its_own_account(self):
        missing = unique_name("auth-b-missing")
        self.rejected(
            lambda: self.b.client().describe_stream_summary(StreamName=missing),
            "ResourceNotFoundException",
            f"Stream {missing} under account {self.b.account} not found.",
        )

    # -- wrong keys ------------------------------------------------------------------------------

    def test_a_wrong_secret_is_invalid_signature_exception(self):
        kinesis = self.a.client(secret_key=self.a.secret_key + "x")
        self.rejected(lambda: kinesis.list_streams(), "InvalidSignatureException", INVALID_SIGNATURE)
        self.rejected(
            lambda: kinesis.put_record(StreamName=unique_name("auth"), Data=b"x", PartitionKey="k"),
            "InvalidSignatureException",
            INVALID_SIGNATURE,
        )
        # Another profile's secret is just as wrong.
        self.rejected(
            lambda: self.a.client(secret_key=self.b.secret_key).list_streams(), "InvalidSignatureException", INVALID_SIGNATURE
        )

    def test_an_unknown_key_is_unrecognized_client_exception(self):
        stranger = self.a.client(access_key="AKIARIVULETUNKNOWN00", secret_key=self.a.secret_key)
        self.rejected(lambda: stranger.list_streams(), "UnrecognizedClientException", UNKNOWN_KEY)
        self.rejected(
            lambda: self.a.client(access_key="999999999999").create_stream(StreamName=unique_name("auth"), ShardCount=1),
            "UnrecognizedClientException",
            UNKNOWN_KEY,
        )

    def test_a_session_key_works_with_its_token_and_only_with_it(self):
        kinesis = self.t.client()
        name = unique_name("auth-t")
        self.create_as(kinesis, name, shards=2)
        summary = kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]
        self.assertEqual(self.t.arn(name), summary["StreamARN"])
        kinesis.put_record(StreamName=name, Data=b"with token", PartitionKey="pk")

        for label, token in (("no token", None), ("a wrong token", self.t.session_token + "x"), ("another key's token", "token-a")):
            with self.subTest(label):
                other = self.t.client(session_token=token)
                self.rejected(lambda: other.describe_stream_summary(StreamName=name), "UnrecognizedClientException", BAD_SESSION_TOKEN)
                self.rejected(
                    lambda: other.put_record(StreamName=name, Data=b"x", PartitionKey="pk"), "UnrecognizedClientException", BAD_SESSION_TOKEN
                )

    def test_wrong_credentials_answer_alike_for_an_existing_and_a_missing_stream(self):
        name = unique_name("auth-exists")
        self.create_as(self.a.client(), name)
        missing = unique_name("auth-missing")
        wrong = {
            "wrong secret": self.a.client(secret_key="not-" + self.a.secret_key),
            "unknown key": self.a.client(access_key="AKIARIVULETUNKNOWN00"),
            "missing token": self.t.client(session_token=None),
            "wrong token": self.t.client(session_token="not-" + self.t.session_token),
        }
        for label, kinesis in wrong.items():
            with self.subTest(label):
                for operation in ("describe_stream_summary", "list_shards", "delete_stream"):
                    existing = self.answer(lambda: getattr(kinesis, operation)(StreamName=name))
                    absent = self.answer(lambda: getattr(kinesis, operation)(StreamName=missing))
                    self.assertEqual(existing, absent, operation)
                    self.assertIn(existing[0], ("InvalidSignatureException", "UnrecognizedClientException"), existing)
                    self.assertEqual(400, existing[2])
                put_existing = self.answer(lambda: kinesis.put_record(StreamName=name, Data=b"x", PartitionKey="k"))
                put_absent = self.answer(lambda: kinesis.put_record(StreamName=missing, Data=b"x", PartitionKey="k"))
                self.assertEqual(put_existing, put_absent)
        # Nothing above touched the stream.
        summary = self.a.client().describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]
        self.assertEqual("ACTIVE", summary["StreamStatus"])

    # -- isolation -------------------------------------------------------------------------------

    def test_two_accounts_each_have_their_own_stream_of_one_name(self):
        name = unique_name("auth-shared")
        a, b, t = self.a.client(), self.b.client(), self.t.client()
        self.create_as(a, name, shards=1)
        self.create_as(b, name, shards=2)

        summary_a = a.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]
        summary_b = b.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]
        self.assertEqual((self.a.arn(name), 1), (summary_a["StreamARN"], summary_a["OpenShardCount"]))
        self.assertEqual((self.b.arn(name), 2), (summary_b["StreamARN"], summary_b["OpenShardCount"]))
        self.assertEqual(1, len(a.list_shards(StreamName=name)["Shards"]))
        self.assertEqual(2, len(b.list_shards(StreamName=name)["Shards"]))

        # A's records stay in A's stream; a third account sees neither.
        a.put_record(StreamName=name, Data=b"for A", PartitionKey="pk")
        iterator = b.get_shard_iterator(StreamName=name, ShardId="shardId-000000000000", ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        self.assertEqual([], b.get_records(ShardIterator=iterator)["Records"])
        self.rejected(
            lambda: t.describe_stream_summary(StreamName=name),
            "ResourceNotFoundException",
            f"Stream {name} under account {self.t.account} not found.",
        )
        a.delete_stream(StreamName=name)
        self.assertEqual(2, b.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]["OpenShardCount"])

    def test_another_account_reaches_a_stream_by_its_arn_only_as_its_policy_allows(self):
        name = unique_name("auth-xacct")
        a, b = self.a.client(), self.b.client()
        self.create_as(a, name)
        arn = self.a.arn(name)

        def denied(action: str, resource: str) -> str:
            return (
                f"User: arn:aws:iam::{self.b.account}:root is not authorized to perform: kinesis:{action} "
                f"on resource: {resource} because no resource-based policy allows the kinesis:{action} action"
            )

        # Without a policy: denied, alike for a stream that exists and one that does not.
        self.rejected(lambda: b.describe_stream_summary(StreamARN=arn), "AccessDeniedException", denied("DescribeStreamSummary", arn))
        missing = self.a.arn(name + "-none")
        self.rejected(lambda: b.describe_stream_summary(StreamARN=missing), "AccessDeniedException", denied("DescribeStreamSummary", missing))
        self.rejected(lambda: b.delete_stream(StreamARN=arn), "AccessDeniedException", denied("DeleteStream", arn))

        policy = (
            '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::%s:root"},'
            '"Action":["kinesis:PutRecord","kinesis:DescribeStreamSummary"],"Resource":"%s"}]}' % (self.b.account, arn)
        )
        a.put_resource_policy(ResourceARN=arn, Policy=policy)
        put = b.put_record(StreamARN=arn, Data=b"from B", PartitionKey="pk")
        self.assertEqual(arn, b.describe_stream_summary(StreamARN=arn)["StreamDescriptionSummary"]["StreamARN"])
        self.rejected(lambda: b.delete_stream(StreamARN=arn), "AccessDeniedException", denied("DeleteStream", arn))

        iterator = a.get_shard_iterator(StreamName=name, ShardId=put["ShardId"], ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        self.assertEqual([b"from B"], [record["Data"] for record in a.get_records(ShardIterator=iterator)["Records"]])

    def test_two_regions_each_have_their_own_stream_of_one_name(self):
        name = unique_name("auth-regions")
        east, west = self.a.client("us-east-1"), self.a.client("eu-west-1")
        self.create_as(east, name, shards=1)
        self.rejected(
            lambda: west.describe_stream_summary(StreamName=name),
            "ResourceNotFoundException",
            f"Stream {name} under account {self.a.account} not found.",
        )
        self.create_as(west, name, shards=3)

        summary_east = east.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]
        summary_west = west.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]
        self.assertEqual((self.a.arn(name, "us-east-1"), 1), (summary_east["StreamARN"], summary_east["OpenShardCount"]))
        self.assertEqual((self.a.arn(name, "eu-west-1"), 3), (summary_west["StreamARN"], summary_west["OpenShardCount"]))
        self.assertEqual(self.a.arn(name, "eu-west-1"), west.describe_stream(StreamName=name)["StreamDescription"]["StreamARN"])
        self.assertEqual(3, len(west.list_shards(StreamName=name)["Shards"]))

        west.delete_stream(StreamName=name)
        self.assertEqual(1, east.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]["OpenShardCount"])

    # -- the clock -------------------------------------------------------------------------------

    def test_a_request_signed_ten_minutes_ago_has_expired(self):
        kinesis = self.a.client()
        with signing_clock(datetime.timedelta(minutes=-10)) as signed_at:
            error = self.rejected(lambda: kinesis.list_streams(), "InvalidSignatureException", None)
        message = error.response["Error"]["Message"]
        self.assertTrue(message.startswith("Signature expired:"), message)
        match = EXPIRED.match(message)
        self.assertIsNotNone(match, f"AWS's wording: {message!r}")
        sent, earliest, now = (datetime.datetime.strptime(value, "%Y%m%dT%H%M%SZ") for value in match.groups())
        self.assertEqual(signed_at, sent, "the X-Amz-Date the request carried")
        self.assertEqual(datetime.timedelta(minutes=5), now - earliest)
        self.assertLess(abs((now - signed_at) - datetime.timedelta(minutes=10)), datetime.timedelta(minutes=1))
        # The same client with the clock put right works again.
        self.assertIn("StreamNames", kinesis.list_streams(Limit=1))

    def test_a_request_signed_four_minutes_ago_is_still_accepted(self):
        with signing_clock(datetime.timedelta(minutes=-4)):
            self.assertIn("StreamNames", self.a.client().list_streams(Limit=1))

    # -- the AWS CLI -----------------------------------------------------------------------------

    def test_the_cli_with_a_profile_from_the_file_works(self):
        name = unique_name("auth-cli")
        created = aws("create-stream", "--stream-name", name, "--shard-count", "1", profile="rivulet-a", credentials_file=credentials_file())
        self.addCleanup(self.delete_with, self.a.client(), name)
        self.assertEqual(0, created.returncode, created)
        described = aws("describe-stream-summary", "--stream-name", name, profile="rivulet-a", credentials_file=credentials_file())
        self.assertEqual(0, described.returncode, described)
        self.assertEqual(self.a.arn(name), described.json()["StreamDescriptionSummary"]["StreamARN"])
        with_token = aws("list-streams", profile="rivulet-t", credentials_file=credentials_file())
        self.assertEqual(0, with_token.returncode, with_token)
        deleted = aws("delete-stream", "--stream-name", name, profile="rivulet-a", credentials_file=credentials_file())
        self.assertEqual(0, deleted.returncode, deleted)

    def test_the_cli_with_a_wrong_secret_reports_invalid_signature_exception(self):
        result = aws(
            "describe-stream-summary", "--stream-name", unique_name("auth-cli"),
            access_key=self.a.access_key, secret_key="wrong-" + self.a.secret_key,
        )
        self.assertNotEqual(0, result.returncode, result)
        self.assertIn(
            f"An error occurred (InvalidSignatureException) when calling the DescribeStreamSummary operation: {INVALID_SIGNATURE}",
            result.stderr,
            result,
        )

    def test_the_cli_with_an_unknown_key_or_a_missing_token_is_unrecognized(self):
        unknown = aws("list-streams", access_key="AKIARIVULETUNKNOWN00", secret_key=self.a.secret_key)
        self.assertNotEqual(0, unknown.returncode, unknown)
        self.assertIn(f"An error occurred (UnrecognizedClientException) when calling the ListStreams operation: {UNKNOWN_KEY}", unknown.stderr, unknown)
        tokenless = aws("list-streams", access_key=self.t.access_key, secret_key=self.t.secret_key)
        self.assertNotEqual(0, tokenless.returncode, tokenless)
        self.assertIn(
            f"An error occurred (UnrecognizedClientException) when calling the ListStreams operation: {BAD_SESSION_TOKEN}\n",
            tokenless.stderr + "\n",
            tokenless,
        )


if __name__ == "__main__":
    unittest.main()
