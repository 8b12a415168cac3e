"""Fault injection and server-wide limits as boto3 and the AWS CLI meet them, on the admin server
(RIVULET_ADMIN_ENDPOINT) whose plan the tests change through /_rivulet/faults and /_rivulet/limits.

Those settings are server-wide, so every test leaves the admin server as it found it (no faults, no
latency, limits off), and every class skips when RIVULET_ADMIN_ENDPOINT is not set. Limits refill in
real time: no test assumes how many calls get through, only bounds a machine of any speed respects.
"""

from __future__ import annotations

import json
import os
import sys
import time
import unittest
import urllib.error
import urllib.request
from typing import Any

from botocore.exceptions import ClientError, ReadTimeoutError
from botocore.retries.standard import RetryEventAdapter, ThrottlingErrorDetector

from support import (
    ACCOUNT,
    CliResult,
    KinesisTestCase,
    aws,
    client,
    describe_error,
    endpoint,
    ssl_context,
    throttled_message,
)

ADMIN_VARIABLE = "RIVULET_ADMIN_ENDPOINT"
THROTTLED = "ProvisionedThroughputExceededException"
ACCOUNT_RATE_MESSAGE = f"Rate exceeded for account {ACCOUNT}."
NO_FAULTS = {"fault": "", "latency": ""}
NO_RETRIES = {"total_max_attempts": 1, "mode": "standard"}
SEQUENCE_NUMBER = r"^[1-9]\d{49,59}$"


def admin_request(method: str, path: str, body: Any = None) -> tuple[int, Any]:
    """One JSON call to the admin server's /_rivulet API; error statuses are answers too."""
    url = endpoint(ADMIN_VARIABLE) + path
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    context = ssl_context() if url.startswith("https://") else None
    try:
        with urllib.request.urlopen(request, timeout=10, context=context) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def count_attempts(kinesis: Any, operation: str) -> list[float]:
    """The send times of every attempt the client makes of `operation`, retries included."""
    sent: list[float] = []
    kinesis.meta.events.register(f"before-send.kinesis.{operation}", lambda **_: sent.append(time.monotonic()))
    return sent


def classify_retries(kinesis: Any, operation: str) -> list[bool]:
    """For each answer of `operation`, whether botocore's retry logic takes it for throttling (as
    adaptive mode does to slow down) rather than a transient failure."""
    detector = ThrottlingErrorDetector(RetryEventAdapter())
    verdicts: list[bool] = []
    kinesis.meta.events.register(
        f"needs-retry.kinesis.{operation}", lambda **kwargs: verdicts.append(detector.is_throttling_error(**kwargs))
    )
    return verdicts


class FaultTestCase(KinesisTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        if not os.environ.get(ADMIN_VARIABLE, "").strip():
            raise unittest.SkipTest(f"{ADMIN_VARIABLE} is not set: no server whose faults and limits the tests may change")
        cls.admin = endpoint(ADMIN_VARIABLE)
        cls.kinesis = client(endpoint_url=cls.admin)
        cls.raw_kinesis = client(validate=False, endpoint_url=cls.admin)
        cls.no_retry = client(endpoint_url=cls.admin, retries=NO_RETRIES)
        # A run stopped half-way may have left a plan behind.
        cls.restore_admin()

    @classmethod
    def restore_admin(cls) -> None:
        status, state = admin_request("DELETE", "/_rivulet/faults")
        if (status, state) != (200, NO_FAULTS):
            raise AssertionError(f"DELETE /_rivulet/faults answered {status} {state}")
        status, state = admin_request("PUT", "/_rivulet/limits", {"limits": "off"})
        if (status, state) != (200, {"limits": "off"}):
            raise AssertionError(f"PUT /_rivulet/limits off answered {status} {state}")

    def tearDown(self) -> None:
        # tearDown runs before the cleanups: streams are deleted once faults and limits are gone.
        self.restore_admin()

    def set_faults(self, **plan: str) -> dict[str, str]:
        status, state = admin_request("PUT", "/_rivulet/faults", plan)
        self.assertEqual(200, status, f"PUT /_rivulet/faults {plan}: {state}")
        return state

    def clear_faults(self) -> None:
        self.assertEqual((200, NO_FAULTS), admin_request("DELETE", "/_rivulet/faults"))

    def set_limits(self, value: str) -> None:
        self.assertEqual((200, {"limits": value}), admin_request("PUT", "/_rivulet/limits", {"limits": value}))

    def only_shard(self, name: str) -> str:
        (shard,) = self.list_all_shards(name)
        return shard["ShardId"]

    def assert_stored_exactly(self, name: str, shard_id: str, accepted: list[tuple[bytes, str]]) -> None:
        """The shard holds the accepted records, in order, and nothing else."""
        records = self.read_shard(name, shard_id, expected=len(accepted))
        self.assertEqual([data for data, _ in accepted], [record["Data"] for record in records])
        self.assertEqual([sequence for _, sequence in accepted], [record["SequenceNumber"] for record in records])

    def check_put_records_results(
        self, name: str, shard_id: str, entries: list[dict[str, Any]], response: dict[str, Any]
    ) -> tuple[list[tuple[bytes, str]], int]:
        """Every result is either accepted (sequence number, shard) or refused exactly as AWS marks an
        entry over the shard's rate; returns the accepted (data, sequence number) pairs and the refusals."""
        results = response["Records"]
        self.assertEqual(len(entries), len(results))
        accepted: list[tuple[bytes, str]] = []
        refused = 0
        for entry, result in zip(entries, results):
            if "ErrorCode" in result:
                self.assertEqual({"ErrorCode": THROTTLED, "ErrorMessage": throttled_message(name, shard_id)}, result)
                refused += 1
            else:
                self.assertRegex(result.get("SequenceNumber", ""), SEQUENCE_NUMBER, repr(result))
                self.assertEqual(shard_id, result.get("ShardId"), repr(result))
                accepted.append((entry["Data"], result["SequenceNumber"]))
        self.assertEqual(refused, response.get("FailedRecordCount", 0), "FailedRecordCount counts the refused entries")
        return accepted, refused


class AdminEndpointTests(FaultTestCase):
    def test_the_fault_plan_round_trips_in_canonical_form(self):
        self.assertEqual((200, NO_FAULTS), admin_request("GET", "/_rivulet/faults"))

        # The error defaults to InternalFailure and is spelled out when read back.
        planned = {"fault": "PutRecord=0.5:InternalFailure", "latency": ""}
        self.assertEqual(planned, self.set_faults(fault="PutRecord=0.5"))
        self.assertEqual((200, planned), admin_request("GET", "/_rivulet/faults"))

        # A member left out of a PUT stays as it was.
        planned = {"fault": "PutRecord=0.5:InternalFailure", "latency": "GetRecords=200"}
        self.assertEqual(planned, self.set_faults(latency="GetRecords=200"))
        self.assertEqual((200, planned), admin_request("GET", "/_rivulet/faults"))

        bad_inputs = [
            ({"fault": "GetRecords=1:LimitExceededException"}, "GetRecords never answers LimitExceededException"),
            ({"fault": "ListStreams=1:ProvisionedThroughputExceededException"}, "ListStreams never answers"),
            ({"fault": "PutRecord=2"}, "PutRecord=2"),
            ({"fault": "PutRecord=1:Bogus"}, "InternalFailure"),
            ({"fault": "NoSuchOperation=1"}, "NoSuchOperation"),
            ({"latency": "GetRecords=soon"}, "GetRecords=soon"),
            ({"fault": 1}, None),
            ("not an object", None),
        ]
        for body, reason in bad_inputs:
            with self.subTest(body=body):
                status, answer = admin_request("PUT", "/_rivulet/faults", body)
                self.assertEqual(400, status, answer)
                self.assertIsInstance(answer, dict)
                self.assertTrue(answer.get("message"), f"a 400 says why: {answer}")
                if reason is not None:
                    self.assertIn(reason, answer["message"])
                self.assertEqual((200, planned), admin_request("GET", "/_rivulet/faults"), "a refused PUT changes nothing")

        # "" clears only the member it names.
        self.assertEqual({"fault": "", "latency": "GetRecords=200"}, self.set_faults(fault=""))

        self.set_faults(fault="PutRecords=1:ProvisionedThroughputExceededException,*=0.1")
        self.assertEqual((200, NO_FAULTS), admin_request("DELETE", "/_rivulet/faults"))
        self.assertEqual((200, NO_FAULTS), admin_request("GET", "/_rivulet/faults"))

    def test_the_limits_setting_round_trips(self):
        self.assertEqual((200, {"limits": "off"}), admin_request("GET", "/_rivulet/limits"))
        self.set_limits("aws")
        self.assertEqual((200, {"limits": "aws"}), admin_request("GET", "/_rivulet/limits"))

        status, answer = admin_request("PUT", "/_rivulet/limits", {"limits": "sometimes"})
        self.assertEqual(400, status, answer)
        self.assertTrue(answer.get("message"), answer)
        self.assertEqual((200, {"limits": "aws"}), admin_request("GET", "/_rivulet/limits"))

        self.set_limits("off")
        self.assertEqual((200, {"limits": "off"}), admin_request("GET", "/_rivulet/limits"))


class PutRecordsFaultTests(FaultTestCase):
    def test_a_certain_throughput_fault_refuses_every_entry_and_stores_none(self):
        name = self.create_stream("fault-batch")
        shard_id = self.only_shard(name)
        entries = [{"Data": f"batch-{i:03d}".encode(), "PartitionKey": f"key-{i}"} for i in range(10)]

        self.set_faults(fault="PutRecords=1:ProvisionedThroughputExceededException")
        response = self.no_retry.put_records(StreamName=name, Records=entries)
        self.assertEqual(len(entries), response["FailedRecordCount"])
        expected = {"ErrorCode": THROTTLED, "ErrorMessage": throttled_message(name, shard_id)}
        self.assertEqual([expected] * len(entries), response["Records"], "refused entries carry no SequenceNumber")

        self.clear_faults()
        response = self.no_retry.put_records(StreamName=name, Records=entries)
        accepted, refused = self.check_put_records_results(name, shard_id, entries, response)
        self.assertEqual(0, refused)
        self.assert_stored_exactly(name, shard_id, accepted)

    def test_a_half_chance_fault_refuses_some_entries_and_stores_the_rest_in_order(self):
        name = self.create_stream("fault-half")
        shard_id = self.only_shard(name)
        entries = [{"Data": f"half-{i:03d}".encode(), "PartitionKey": f"key-{i % 7}"} for i in range(500)]

        self.set_faults(fault="PutRecords=0.5:ProvisionedThroughputExceededException")
        response = self.no_retry.put_records(StreamName=name, Records=entries)
        accepted, refused = self.check_put_records_results(name, shard_id, entries, response)

        # Each entry is refused on its own: all or none of 500 has a chance of 2^-499.
        self.assertTrue(1 <= refused <= 499, f"{refused} of 500 refused")
        self.clear_faults()
        self.assert_stored_exactly(name, shard_id, accepted)


class RetryTests(FaultTestCase):
    def test_standard_retries_give_up_on_an_internal_failure_after_three_attempts(self):
        self.set_faults(fault="ListStreams=1:InternalFailure")
        standard = client(endpoint_url=self.admin, retries={"mode": "standard"})
        sent = count_attempts(standard, "ListStreams")
        throttling = classify_retries(standard, "ListStreams")

        with self.assertRaises(ClientError) as context:
            standard.list_streams()

        error = self.assert_client_error(context, "InternalFailureException", "Internal Service Failure", status=500)
        self.assertEqual(3, len(sent), "standard mode's default is 3 attempts")
        self.assertEqual(2, error.response["ResponseMetadata"]["RetryAttempts"])
        self.assertEqual([False] * 3, throttling, "a 500 is a transient failure, not throttling")

    def test_legacy_retries_make_max_attempts_plus_one_attempts(self):
        self.set_faults(fault="ListStreams=1:InternalFailure")
        legacy = client(endpoint_url=self.admin, retries={"mode": "legacy", "max_attempts": 4})
        sent = count_attempts(legacy, "ListStreams")

        with self.assertRaises(ClientError) as context:
            legacy.list_streams()

        error = self.assert_client_error(context, "InternalFailureException", "Internal Service Failure", status=500)
        self.assertEqual(5, len(sent), "legacy max_attempts counts the retries")
        self.assertEqual(4, error.response["ResponseMetadata"]["RetryAttempts"])

    def test_a_limit_exceeded_fault_is_retried_as_throttling(self):
        name = self.create_stream("fault-describe")
        self.set_faults(fault="DescribeStream=1:LimitExceededException")
        standard = client(endpoint_url=self.admin, retries={"mode": "standard"})
        sent = count_attempts(standard, "DescribeStream")
        throttling = classify_retries(standard, "DescribeStream")

        with self.assertRaises(standard.exceptions.LimitExceededException) as context:
            standard.describe_stream(StreamName=name)

        self.assert_client_error(context, "LimitExceededException", ACCOUNT_RATE_MESSAGE)
        self.assertEqual(3, len(sent))
        self.assertEqual([True] * 3, throttling)

    def test_a_get_records_throughput_fault_raises_the_modeled_exception_after_retries(self):
        name = self.create_stream("fault-read")
        shard_id = self.only_shard(name)
        iterator = self.iterator(name, shard_id, "TRIM_HORIZON")
        self.set_faults(fault="GetRecords=1:ProvisionedThroughputExceededException")
        standard = client(endpoint_url=self.admin, retries={"mode": "standard"})
        sent = count_attempts(standard, "GetRecords")
        throttling = classify_retries(standard, "GetRecords")

        with self.assertRaises(standard.exceptions.ProvisionedThroughputExceededException) as context:
            standard.get_records(ShardIterator=iterator)

        self.assert_client_error(context, THROTTLED, throttled_message(name, shard_id))
        self.assertEqual(3, len(sent))
        self.assertEqual([True] * 3, throttling)

    def test_retries_recover_once_the_fault_is_lifted(self):
        name = self.create_stream("fault-recover")
        shard_id = self.only_shard(name)
        self.set_faults(fault="PutRecord=1:InternalFailure")
        standard = client(endpoint_url=self.admin, retries={"mode": "standard"})
        sent = count_attempts(standard, "PutRecord")
        lifted: list[tuple[int, Any]] = []

        def lift_after_first_answer(**_: Any) -> None:
            # needs-retry follows each answer; returning None leaves the decision to botocore.
            if not lifted:
                lifted.append(admin_request("DELETE", "/_rivulet/faults"))

        standard.meta.events.register("needs-retry.kinesis.PutRecord", lift_after_first_answer)

        response = standard.put_record(StreamName=name, Data=b"survivor", PartitionKey="k")

        self.assertEqual([(200, NO_FAULTS)], lifted)
        self.assertEqual(2, len(sent))
        self.assertEqual(1, response["ResponseMetadata"]["RetryAttempts"])
        self.assertEqual(shard_id, response["ShardId"])
        # The failed first attempt stored nothing: the shard holds the record once.
        self.assert_stored_exactly(name, shard_id, [(b"survivor", response["SequenceNumber"])])


class LatencyTests(FaultTestCase):
    def test_latency_delays_the_answer_past_a_short_read_timeout(self):
        self.assertEqual({"fault": "", "latency": "ListStreams=300"}, self.set_faults(latency="ListStreams=300"))

        started = time.monotonic()
        self.kinesis.list_streams()
        elapsed = time.monotonic() - started
        self.assertGreaterEqual(elapsed, 0.3)

        impatient = client(endpoint_url=self.admin, retries=NO_RETRIES, read_timeout=0.1)
        with self.assertRaises(ReadTimeoutError):
            impatient.list_streams()

        self.assertEqual(NO_FAULTS, self.set_faults(latency=""))


class ServerLimitTests(FaultTestCase):
    BATCH = 300
    INTERVAL_SECONDS = 0.1
    MAX_BATCHES = 40
    MAX_SECONDS = 10

    def test_a_shard_takes_no_more_than_1000_records_a_second(self):
        name = self.create_stream("limits-server")
        shard_id = self.only_shard(name)
        # Server-wide, not a tag: the stream is untagged, so it follows the default.
        self.set_limits("aws")

        # Three times the shard's rate, for about four seconds.
        accepted: list[tuple[bytes, str]] = []
        sent = refused = 0
        started = answered = time.monotonic()
        for batch in range(self.MAX_BATCHES):
            if time.monotonic() - started > self.MAX_SECONDS:
                break
            entries = [
                {"Data": f"rate-{batch:02d}-{i:03d}".encode(), "PartitionKey": f"key-{i % 11}"} for i in range(self.BATCH)
            ]
            response = self.no_retry.put_records(StreamName=name, Records=entries)
            answered = time.monotonic()
            batch_accepted, batch_refused = self.check_put_records_results(name, shard_id, entries, response)
            accepted.extend(batch_accepted)
            refused += batch_refused
            sent += len(entries)
            time.sleep(max(0.0, started + (batch + 1) * self.INTERVAL_SECONDS - time.monotonic()))
        # From before the first request was sent until the last answer arrived: every accepted
        # record was admitted within it.
        elapsed = answered - started

        print(
            f"\n  {len(accepted)} of {sent} records accepted ({len(accepted) / sent:.0%}) in {elapsed:.2f} s",
            file=sys.stderr,
        )
        # The bucket starts full: the first second's worth always goes in.
        self.assertGreaterEqual(len(accepted), 1000)
        # Refilling at 1,000 a second, it can never let more through, however slow this machine.
        self.assertLessEqual(len(accepted), 1000 + 1000 * elapsed + 1, f"in {elapsed:.2f} s")
        self.assertEqual(sent, len(accepted) + refused)

        # Reads are limited too (5 calls a second per shard): with the limits off the read-back
        # needs no pacing.
        self.set_limits("off")
        self.assert_stored_exactly(name, shard_id, accepted)

    def test_get_records_beyond_five_a_second_is_refused_and_standard_retries_wait_it_out(self):
        name = self.create_stream("limits-read")
        shard_id = self.only_shard(name)
        put = self.kinesis.put_record(StreamName=name, Data=b"to-read", PartitionKey="k")
        iterator = self.iterator(name, shard_id, "TRIM_HORIZON")
        self.set_limits("aws")

        refusal: ClientError | None = None
        for _ in range(20):
            try:
                self.no_retry.get_records(ShardIterator=iterator)
            except ClientError as error:
                refusal = error
                break
        self.assertIsNotNone(refusal, "20 GetRecords calls in a row, none refused")
        assert refusal is not None
        details = describe_error(refusal)
        self.assertIsInstance(refusal, self.no_retry.exceptions.ProvisionedThroughputExceededException, details)
        self.assertEqual(throttled_message(name, shard_id), refusal.response["Error"]["Message"], details)
        self.assertEqual(400, refusal.response["ResponseMetadata"]["HTTPStatusCode"], details)

        # One call is let through every 0.2 s; five attempts make a backoff that short all along
        # vanishingly unlikely.
        standard = client(endpoint_url=self.admin, retries={"mode": "standard", "total_max_attempts": 5})
        page = standard.get_records(ShardIterator=iterator)
        self.assertEqual([(b"to-read", put["SequenceNumber"])], [(r["Data"], r["SequenceNumber"]) for r in page["Records"]])

    def test_describe_limits_beyond_once_a_second_is_refused(self):
        self.set_limits("aws")

        refusal: ClientError | None = None
        for _ in range(10):
            try:
                self.no_retry.describe_limits()
            except ClientError as error:
                refusal = error
                break
        self.assertIsNotNone(refusal, "10 DescribeLimits calls in a row, none refused")
        assert refusal is not None
        details = describe_error(refusal)
        self.assertIsInstance(refusal, self.no_retry.exceptions.LimitExceededException, details)
        self.assertEqual(ACCOUNT_RATE_MESSAGE, refusal.response["Error"]["Message"], details)
        self.assertEqual(400, refusal.response["ResponseMetadata"]["HTTPStatusCode"], details)


class AwsCliFaultTests(FaultTestCase):
    def test_the_aws_cli_put_record_fails_under_a_throughput_fault(self):
        name = self.create_stream("fault-cli")
        shard_id = self.only_shard(name)

        def put_record() -> CliResult:
            # AWS_MAX_ATTEMPTS=1 (set by aws()) turns the CLI's retries off.
            return aws(
                "put-record", "--stream-name", name, "--partition-key", "k", "--data", "cli-record",
                "--cli-connect-timeout", "5", "--cli-read-timeout", "30", endpoint_url=self.admin,
            )

        self.set_faults(fault="PutRecord=1:ProvisionedThroughputExceededException")
        result = put_record()
        self.assert_cli_error(result, THROTTLED, "PutRecord", throttled_message(name, shard_id))

        self.clear_faults()
        result = put_record()
        self.assertEqual(0, result.returncode, repr(result))
        self.assertEqual(shard_id, result.json()["ShardId"], repr(result))
