"""Per-shard write limits switched on by a stream's `rivulet:limits` tag: PutRecords partial failures,
PutRecord refusals through boto3 (retries off, and standard-mode retries), streams without limits,
and the AWS CLI.

The shared server runs with its default (`--limits off`), so every test turns the limits on for its
own stream with the tag. The buckets (1,000 records/s and 1 MiB/s per shard) refill in real time, so
no test assumes how many writes are refused: each writes in a bounded loop until it sees a refusal.
"""

from __future__ import annotations

import os
import tempfile
import threading
import time
from typing import Any

from botocore.exceptions import ClientError

from support import (
    ONE_MIB,
    KinesisTestCase,
    aws,
    client,
    describe_error,
    model_has_member,
    throttled_message,
)

SEQUENCE_NUMBER = r"^[1-9]\d{49,59}$"  # AWS's are 56 digits
LIMITS_TAG = "rivulet:limits"
THROTTLED = "ProvisionedThroughputExceededException"
BATCH = 500  # PutRecords' maximum
MAX_BATCHES = 40  # 20,000 records: far more than a 1,000-record bucket can take in the time this needs
MAX_SINGLE_PUTS = 20


def retrying_client(retries: dict[str, Any]):
    """A boto3 client as applications build it, with the given retry settings."""
    return client(retries=retries)


def payload(counter: int, size: int = 0) -> bytes:
    """A unique, recognisable record body: the counter, padded to `size` bytes."""
    head = f"rec-{counter:08d}".encode()
    return head + b"." * max(0, size - len(head))


class LimitsTestCase(KinesisTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        # Retries off: the first answer is what the test sees (the support client's max_attempts 0
        # means the same in legacy mode; this is the standard-mode spelling).
        cls.no_retry = retrying_client({"total_max_attempts": 1, "mode": "standard"})

    def create_limited_stream(self, label: str, value: str | None = "aws", **kwargs: Any) -> tuple[str, list[str]]:
        """A stream with `rivulet:limits` = value (None: untagged); returns its name and shard ids."""
        if value is not None and model_has_member("CreateStream", "Tags"):
            name = self.create_stream(label, Tags={LIMITS_TAG: value}, **kwargs)
        else:
            name = self.create_stream(label, **kwargs)
            if value is not None:
                self.kinesis.add_tags_to_stream(StreamName=name, Tags={LIMITS_TAG: value})
        if value is not None:
            tags = self.kinesis.list_tags_for_stream(StreamName=name)["Tags"]
            self.assertIn({"Key": LIMITS_TAG, "Value": value}, tags)
        shards = [shard["ShardId"] for shard in self.list_all_shards(name)]
        return name, shards

    def put_batches_until_refused(self, name: str, shard_id: str, *, hash_key: str | None = None) -> tuple[list[tuple[bytes, str]], int]:
        """PutRecords of 500 entries until one entry is refused (at most MAX_BATCHES calls), checking
        every result entry. Returns the accepted (data, sequence number) pairs in order and the number
        of refused entries."""
        accepted: list[tuple[bytes, str]] = []
        refused = 0
        counter = 0
        for _ in range(MAX_BATCHES):
            entries = []
            for _ in range(BATCH):
                entry: dict[str, Any] = {"Data": payload(counter), "PartitionKey": f"key-{counter % 13}"}
                if hash_key is not None:
                    entry["ExplicitHashKey"] = hash_key
                entries.append(entry)
                counter += 1
            response = self.kinesis.put_records(StreamName=name, Records=entries)
            results = response["Records"]
            self.assertEqual(BATCH, len(results))
            failed = [result for result in results if "ErrorCode" in result]
            self.assertEqual(len(failed), response["FailedRecordCount"], "FailedRecordCount counts the failed entries")
            for entry, result in zip(entries, results):
                if "ErrorCode" in result:
                    self.assertEqual(
                        {"ErrorCode": THROTTLED, "ErrorMessage": throttled_message(name, shard_id)},
                        result,
                        f"a refused entry carries only ErrorCode and ErrorMessage ({entry['Data']!r})",
                    )
                else:
                    self.assertRegex(result.get("SequenceNumber", ""), SEQUENCE_NUMBER, repr(result))
                    self.assertEqual(shard_id, result.get("ShardId"), repr(result))
                    self.assertNotIn("ErrorMessage", result)
                    accepted.append((entry["Data"], result["SequenceNumber"]))
            refused += len(failed)
            if failed:
                break
        return accepted, refused

    def assert_stored_exactly(self, name: str, shard_id: str, accepted: list[tuple[bytes, str]]) -> None:
        """The shard holds the accepted records, in order, and nothing else."""
        # Reads of a limited stream are limited too (5 GetRecords calls and 2 MiB a second per shard):
        # lifting the limits first lets the read-back see everything without pacing or retries, and
        # what was acknowledged is already on the shard.
        self.kinesis.add_tags_to_stream(StreamName=name, Tags={LIMITS_TAG: "off"})
        records = self.read_shard(name, shard_id, expected=len(accepted))
        self.assertEqual([data for data, _ in accepted], [record["Data"] for record in records])
        self.assertEqual([sequence for _, sequence in accepted], [record["SequenceNumber"] for record in records])


class PutRecordsLimitTests(LimitsTestCase):
    def test_put_records_refuses_only_the_entries_over_the_shard_limit(self):
        name, (shard_id,) = self.create_limited_stream("limits-batch")

        accepted, refused = self.put_batches_until_refused(name, shard_id)

        self.assertGreater(refused, 0, f"{len(accepted)} records accepted in {MAX_BATCHES} calls, none refused")
        self.assertGreater(len(accepted), 0)
        sequences = [int(sequence) for _, sequence in accepted]
        self.assertEqual(sorted(sequences), sequences, "accepted records are in request order on the shard")
        self.assert_stored_exactly(name, shard_id, accepted)

    def test_the_limit_is_per_shard(self):
        name, shards = self.create_limited_stream("limits-shards", ShardCount=2)
        ranges = {shard["ShardId"]: shard["HashKeyRange"] for shard in self.list_all_shards(name)}
        first, second = shards

        accepted, refused = self.put_batches_until_refused(name, first, hash_key=ranges[first]["StartingHashKey"])
        self.assertGreater(refused, 0, f"{len(accepted)} records accepted in {MAX_BATCHES} calls, none refused")

        # The other shard's buckets are untouched: 500 records (half of one second's worth) all go in.
        entries = [
            {"Data": payload(100_000 + i), "PartitionKey": "other", "ExplicitHashKey": ranges[second]["StartingHashKey"]}
            for i in range(BATCH)
        ]
        response = self.kinesis.put_records(StreamName=name, Records=entries)
        self.assertEqual(0, response["FailedRecordCount"], repr([r for r in response["Records"] if "ErrorCode" in r][:3]))
        self.assertEqual({second}, {result["ShardId"] for result in response["Records"]})
        self.assert_stored_exactly(name, first, accepted)
        self.assert_stored_exactly(
            name, second, [(entry["Data"], result["SequenceNumber"]) for entry, result in zip(entries, response["Records"])]
        )


class PutRecordLimitTests(LimitsTestCase):
    def put_single_until_refused(self, name: str, size: int) -> tuple[list[tuple[bytes, str]], ClientError | None]:
        accepted: list[tuple[bytes, str]] = []
        for counter in range(MAX_SINGLE_PUTS):
            data = payload(counter, size)
            try:
                response = self.no_retry.put_record(StreamName=name, Data=data, PartitionKey="k")
            except ClientError as error:
                return accepted, error
            self.assertRegex(response["SequenceNumber"], SEQUENCE_NUMBER)
            accepted.append((data, response["SequenceNumber"]))
        return accepted, None

    def test_put_record_beyond_the_limit_raises_without_retries(self):
        name, (shard_id,) = self.create_limited_stream("limits-single")

        # 512 KiB records: the 1 MiB/s bucket takes about two of them at once.
        accepted, error = self.put_single_until_refused(name, 512 * 1024)

        self.assertIsNotNone(error, f"{len(accepted)} puts of 512 KiB accepted, none refused")
        assert error is not None
        details = describe_error(error)
        self.assertIsInstance(error, self.no_retry.exceptions.ProvisionedThroughputExceededException, details)
        self.assertEqual(THROTTLED, error.response["Error"]["Code"], details)
        self.assertEqual(throttled_message(name, shard_id), error.response["Error"]["Message"], details)
        self.assertEqual(400, error.response["ResponseMetadata"]["HTTPStatusCode"], details)
        self.assertEqual(0, error.response["ResponseMetadata"].get("RetryAttempts", 0), "retries are off")
        self.assert_stored_exactly(name, shard_id, accepted)

    def test_standard_retries_carry_a_put_past_a_drained_bucket(self):
        name, (shard_id,) = self.create_limited_stream("limits-retry")
        retrying = retrying_client({"mode": "standard"})  # botocore's default of 3 attempts
        key = "k"
        full = ONE_MIB - len(key)  # one second's worth of bytes, partition key included
        # Refilled in about half a second: refused when sent right after the drain, however slow the
        # machine, and accepted after botocore's backoffs (up to 1 s, then up to 2 s) in most rounds.
        small = 512 * 1024
        accepted: list[tuple[bytes, str]] = []
        retried = False
        counter = 0
        # The retrying client's first call sets up its connection: done here, untimed.
        retrying.list_shards(StreamName=name)
        deadline = time.monotonic() + 20
        for _ in range(4):
            # Drain: a 1 MiB record goes in only when the bucket is full (it refills within 1 s),
            # and leaves it empty.
            drained = False
            for _ in range(40):
                data = payload(counter, full)
                counter += 1
                try:
                    response = self.no_retry.put_record(StreamName=name, Data=data, PartitionKey=key)
                except ClientError as error:
                    self.assertEqual(THROTTLED, error.response["Error"]["Code"], describe_error(error))
                    if time.monotonic() > deadline:
                        break
                    time.sleep(0.05)
                    continue
                accepted.append((data, response["SequenceNumber"]))
                drained = True
                break
            self.assertTrue(drained, "a 1 MiB record was never accepted")

            data = payload(counter, small)
            counter += 1
            try:
                response = retrying.put_record(StreamName=name, Data=data, PartitionKey=key)
            except ClientError as error:
                # Every backoff happened to be shorter than the refill: botocore gave up after its attempts.
                self.assertEqual(THROTTLED, error.response["Error"]["Code"], describe_error(error))
                self.assertGreaterEqual(error.response["ResponseMetadata"]["RetryAttempts"], 1)
                continue

            self.assertRegex(response["SequenceNumber"], SEQUENCE_NUMBER)
            self.assertEqual(shard_id, response["ShardId"])
            accepted.append((data, response["SequenceNumber"]))
            if response["ResponseMetadata"]["RetryAttempts"] >= 1:
                retried = True
                break
            if time.monotonic() > deadline:
                break

        self.assertTrue(retried, "no put right after draining was refused, retried and then accepted")
        # Each retried put is stored once; nothing refused was stored.
        self.assert_stored_exactly(name, shard_id, accepted)


class NoLimitTests(LimitsTestCase):
    def put_3000(self, name: str, shard_id: str) -> None:
        accepted: list[tuple[bytes, str]] = []
        for batch in range(6):
            entries = [{"Data": payload(batch * BATCH + i), "PartitionKey": f"key-{i % 13}"} for i in range(BATCH)]
            response = self.kinesis.put_records(StreamName=name, Records=entries)
            failed = [result for result in response["Records"] if "ErrorCode" in result]
            self.assertEqual([], failed[:3], f"batch {batch}")
            self.assertEqual(0, response["FailedRecordCount"], f"batch {batch}")
            accepted.extend((entry["Data"], result["SequenceNumber"]) for entry, result in zip(entries, response["Records"]))
        self.assert_stored_exactly(name, shard_id, accepted)

    def test_streams_tagged_off_or_untagged_take_3000_records_at_once(self):
        for value in ("off", None):
            with self.subTest(tag=value):
                name, (shard_id,) = self.create_limited_stream(f"limits-{value or 'untagged'}", value)
                self.put_3000(name, shard_id)

    def test_retagging_off_lifts_the_limit(self):
        name, (shard_id,) = self.create_limited_stream("limits-lift")
        accepted, refused = self.put_batches_until_refused(name, shard_id)
        self.assertGreater(refused, 0, f"{len(accepted)} records accepted in {MAX_BATCHES} calls, none refused")

        self.kinesis.add_tags_to_stream(StreamName=name, Tags={LIMITS_TAG: "off"})

        # From now on nothing is refused, however empty the bucket was left.
        for batch in range(6):
            entries = [{"Data": payload(200_000 + batch * BATCH + i), "PartitionKey": "k"} for i in range(BATCH)]
            response = self.kinesis.put_records(StreamName=name, Records=entries)
            self.assertEqual(0, response["FailedRecordCount"], f"batch {batch} after tagging off")
            accepted.extend((entry["Data"], result["SequenceNumber"]) for entry, result in zip(entries, response["Records"]))
        self.assert_stored_exactly(name, shard_id, accepted)


class AwsCliLimitTests(LimitsTestCase):
    def test_the_aws_cli_put_record_fails_on_a_drained_shard(self):
        name, (shard_id,) = self.create_limited_stream("limits-cli")
        key = "k"
        with tempfile.NamedTemporaryFile(prefix="rivulet-limits-", suffix=".bin", delete=False) as handle:
            handle.write(payload(999_999, ONE_MIB - len(key) - 24 * 1024))
            path = handle.name
        self.addCleanup(os.unlink, path)

        # While the CLI starts (it may take longer than the bucket needs to refill), another client
        # keeps the shard's byte bucket drained with 256 KiB records; the CLI's 1,000 KiB record then
        # needs a full bucket it never finds.
        stop = threading.Event()
        drain_accepted: list[int] = []
        drainer = retrying_client({"total_max_attempts": 1, "mode": "standard"})

        def drain() -> None:
            body = payload(0, 256 * 1024)
            end = time.monotonic() + 30
            for _ in range(5000):
                if stop.is_set() or time.monotonic() > end:
                    return
                try:
                    drainer.put_record(StreamName=name, Data=body, PartitionKey=key)
                    drain_accepted.append(1)
                except ClientError:
                    time.sleep(0.002)

        thread = threading.Thread(target=drain, daemon=True)
        thread.start()
        try:
            for _ in range(200):
                if drain_accepted:
                    break
                time.sleep(0.01)
            self.assertTrue(drain_accepted, "the draining client never got a record in")
            # AWS_MAX_ATTEMPTS=1 (set by aws()) turns the CLI's retries off.
            result = aws(
                "put-record", "--stream-name", name, "--partition-key", key, "--data", f"fileb://{path}",
                "--cli-connect-timeout", "5", "--cli-read-timeout", "30",
            )
        finally:
            stop.set()
            thread.join(timeout=35)

        self.assert_cli_error(result, THROTTLED, "PutRecord", throttled_message(name, shard_id))
