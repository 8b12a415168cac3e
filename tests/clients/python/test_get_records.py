"""Reading back through boto3: the five iterator types, GetRecords paging and fields, iterator errors."""

from __future__ import annotations

import datetime
import math
import time
import unittest

from botocore.exceptions import ClientError

from support import (
    ACCOUNT,
    KinesisTestCase,
    now_utc,
    requires_member,
    stream_arn,
)

SHARD_0 = "shardId-000000000000"
SHARD_1 = "shardId-000000000001"

MISMATCH = (
    "Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or "
    "(2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. Request specified {type} and {what}."
)


class GetRecordsTests(KinesisTestCase):
    def put_many(self, name: str, count: int, *, prefix: str = "record", hash_key: str = "0") -> list[dict]:
        """PutRecord one by one onto the shard owning `hash_key`; returns the PutRecord results."""
        results = []
        for index in range(count):
            results.append(
                self.kinesis.put_record(
                    StreamName=name, Data=f"{prefix}-{index}".encode(), PartitionKey=f"pk-{index}", ExplicitHashKey=hash_key
                )
            )
        return results

    # -- iterator types ------------------------------------------------------------------------

    def test_trim_horizon_reads_every_record_in_order_with_its_fields(self):
        name = self.create_stream("trim-horizon", ShardCount=1)
        before = now_utc()
        puts = self.put_many(name, 5)

        records = self.read_records(self.iterator(name, SHARD_0, "TRIM_HORIZON"), expected=5)

        self.assertEqual([f"record-{i}".encode() for i in range(5)], [record["Data"] for record in records])
        self.assertEqual([put["SequenceNumber"] for put in puts], [record["SequenceNumber"] for record in records])
        self.assertEqual([f"pk-{i}" for i in range(5)], [record["PartitionKey"] for record in records])
        for record in records:
            arrival = record["ApproximateArrivalTimestamp"]
            self.assertIsInstance(arrival, datetime.datetime)
            self.assertIsNotNone(arrival.tzinfo, "boto3 returns timezone-aware datetimes")
            self.assertLessEqual(abs((arrival - before).total_seconds()), 60, f"arrival {arrival} close to now")
            self.assertEqual("NONE", record.get("EncryptionType", "NONE"))

    def test_latest_skips_existing_records_and_sees_new_ones(self):
        name = self.create_stream("latest", ShardCount=1)
        self.put_many(name, 3, prefix="old")

        iterator = self.iterator(name, SHARD_0, "LATEST")
        empty = self.kinesis.get_records(ShardIterator=iterator)
        self.assertEqual([], empty["Records"])
        self.put_many(name, 2, prefix="new")

        records = self.read_records(empty["NextShardIterator"], expected=2)
        self.assertEqual([b"new-0", b"new-1"], [record["Data"] for record in records])

    def test_at_and_after_sequence_number_start_at_and_after_the_record(self):
        name = self.create_stream("at-after", ShardCount=1)
        puts = self.put_many(name, 5)
        third = puts[2]["SequenceNumber"]

        at = self.read_records(
            self.iterator(name, SHARD_0, "AT_SEQUENCE_NUMBER", StartingSequenceNumber=third), expected=3
        )
        after = self.read_records(
            self.iterator(name, SHARD_0, "AFTER_SEQUENCE_NUMBER", StartingSequenceNumber=third), expected=2
        )

        self.assertEqual([b"record-2", b"record-3", b"record-4"], [record["Data"] for record in at])
        self.assertEqual([b"record-3", b"record-4"], [record["Data"] for record in after])

    def test_at_timestamp_starts_at_the_first_record_arriving_at_or_after_it(self):
        name = self.create_stream("at-timestamp", ShardCount=1)
        self.put_many(name, 2, prefix="before")
        # boto3 sends whole epoch seconds; wait for the next second so the boundary is unambiguous.
        first_arrival = time.time()
        for _ in range(40):
            if time.time() >= math.floor(first_arrival) + 1.05:
                break
            time.sleep(0.05)
        boundary = datetime.datetime.fromtimestamp(math.floor(time.time()), tz=datetime.timezone.utc)
        self.put_many(name, 2, prefix="after")

        from_boundary = self.read_records(self.iterator(name, SHARD_0, "AT_TIMESTAMP", Timestamp=boundary), expected=2)
        from_past = self.read_records(
            self.iterator(name, SHARD_0, "AT_TIMESTAMP", Timestamp=boundary - datetime.timedelta(hours=1)), expected=4
        )
        self.assertEqual([b"after-0", b"after-1"], [record["Data"] for record in from_boundary])
        self.assertEqual(
            [b"before-0", b"before-1", b"after-0", b"after-1"], [record["Data"] for record in from_past]
        )

    def test_an_at_timestamp_in_the_future_is_invalid_argument(self):
        # Real Kinesis refuses future timestamps rather than waiting for them (message recorded from
        # AWS by kinesalite, Hazelcast Jet's and LocalStack's Flink Kinesis tests).
        name = self.create_stream("at-future", ShardCount=1)
        future_seconds = math.floor(time.time()) + 3600

        with self.assertRaises(ClientError) as context:
            self.kinesis.get_shard_iterator(
                StreamName=name,
                ShardId=SHARD_0,
                ShardIteratorType="AT_TIMESTAMP",
                Timestamp=datetime.datetime.fromtimestamp(future_seconds, tz=datetime.timezone.utc),
            )

        error = self.assert_client_error(context, "InvalidArgumentException")
        self.assertRegex(
            error.response["Error"]["Message"],
            r"^The timestampInMillis parameter cannot be greater than the currentTimestampInMillis\. "
            rf"timestampInMillis: {future_seconds * 1000}, currentTimestampInMillis: \d{{13}}$",
        )

    @requires_member("GetShardIterator", "StreamARN")
    def test_iterators_work_on_a_stream_addressed_by_arn(self):
        name = self.create_stream("arn-read", ShardCount=1)
        self.put_many(name, 1, prefix="arn")

        iterator = self.kinesis.get_shard_iterator(
            StreamARN=stream_arn(name), ShardId=SHARD_0, ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]
        response = self.kinesis.get_records(ShardIterator=iterator, StreamARN=stream_arn(name))

        self.assertEqual([b"arn-0"], [record["Data"] for record in response["Records"]])

    # -- paging --------------------------------------------------------------------------------

    def test_limit_pages_through_records_with_next_shard_iterator(self):
        name = self.create_stream("limit", ShardCount=1)
        self.put_many(name, 5)

        iterator = self.iterator(name, SHARD_0, "TRIM_HORIZON")
        pages = []
        for _ in range(10):
            response = self.kinesis.get_records(ShardIterator=iterator, Limit=2)
            self.assertIn("MillisBehindLatest", response)
            self.assertIsInstance(response["MillisBehindLatest"], int)
            self.assertGreaterEqual(response["MillisBehindLatest"], 0)
            self.assertTrue(response.get("NextShardIterator"), "an open shard always returns NextShardIterator")
            pages.append([record["Data"] for record in response["Records"]])
            iterator = response["NextShardIterator"]
            if not response["Records"]:
                break

        self.assertEqual(
            [[b"record-0", b"record-1"], [b"record-2", b"record-3"], [b"record-4"], []], pages[:4]
        )
        self.assertEqual(0, response["MillisBehindLatest"], "caught up with the tip")
        self.assertNotIn("ChildShards", response, "an open shard has no child shards")

    def test_a_limit_out_of_range_is_a_validation_error(self):
        name = self.create_stream("limit-range", ShardCount=1)
        iterator = self.iterator(name, SHARD_0, "TRIM_HORIZON")

        with self.assertRaises(ClientError) as context:
            self.kinesis.get_records(ShardIterator=iterator, Limit=10001)

        self.assert_client_error(
            context,
            "ValidationException",
            "1 validation error detected: Value at 'limit' failed to satisfy constraint: "
            "Member must have value less than or equal to 10000.",
        )

    def test_binary_data_round_trips_byte_for_byte(self):
        name = self.create_stream("binary", ShardCount=1)
        payloads = [
            bytes(range(256)),
            b"\xff\xfe\xfd\x00\x80\xc0\xc1\xf5\xf8\xed\xa0\x80",  # invalid UTF-8 everywhere
            b"\x00",
            "naïve ✓ 🚀".encode("utf-8"),
            bytes(range(255, -1, -1)) * 64,
        ]
        for index, payload in enumerate(payloads):
            self.kinesis.put_record(StreamName=name, Data=payload, PartitionKey=f"bin-{index}")

        records = self.read_records(self.iterator(name, SHARD_0, "TRIM_HORIZON"), expected=len(payloads))

        self.assertEqual(len(payloads), len(records))
        for payload, record in zip(payloads, records):
            self.assertIsInstance(record["Data"], bytes)
            self.assertTrue(payload == record["Data"], f"{payload[:16]!r}... came back as {record['Data'][:16]!r}...")

    def test_put_records_entries_are_readable_from_their_shards(self):
        name = self.create_stream("batch-read", ShardCount=2)
        response = self.kinesis.put_records(
            StreamName=name,
            Records=[{"Data": f"batch-{i}".encode(), "PartitionKey": f"key-{i}"} for i in range(20)],
        )
        expected: dict[str, list[bytes]] = {}
        for index, entry in enumerate(response["Records"]):
            expected.setdefault(entry["ShardId"], []).append(f"batch-{index}".encode())

        for shard_id, data in expected.items():
            records = self.read_records(self.iterator(name, shard_id, "TRIM_HORIZON"), expected=len(data))
            self.assertEqual(sorted(data), sorted(record["Data"] for record in records), shard_id)

    # -- errors --------------------------------------------------------------------------------

    def test_a_sequence_number_type_without_a_sequence_number_is_invalid_argument(self):
        name = self.create_stream("mismatch-none", ShardCount=1)

        for iterator_type in ("AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER"):
            with self.subTest(iterator_type):
                with self.assertRaises(ClientError) as context:
                    self.kinesis.get_shard_iterator(StreamName=name, ShardId=SHARD_0, ShardIteratorType=iterator_type)
                self.assert_client_error(
                    context,
                    "InvalidArgumentException",
                    MISMATCH.format(type=iterator_type, what="no StartingSequenceNumber"),
                )

    def test_trim_horizon_or_latest_with_a_sequence_number_is_invalid_argument(self):
        name = self.create_stream("mismatch-extra", ShardCount=1)
        sequence_number = self.put_many(name, 1)[0]["SequenceNumber"]

        for iterator_type in ("TRIM_HORIZON", "LATEST"):
            with self.subTest(iterator_type):
                with self.assertRaises(ClientError) as context:
                    self.kinesis.get_shard_iterator(
                        StreamName=name,
                        ShardId=SHARD_0,
                        ShardIteratorType=iterator_type,
                        StartingSequenceNumber=sequence_number,
                    )
                self.assert_client_error(
                    context,
                    "InvalidArgumentException",
                    MISMATCH.format(type=iterator_type, what="also a StartingSequenceNumber"),
                )

    def test_at_timestamp_without_a_timestamp_is_invalid_argument(self):
        name = self.create_stream("mismatch-ts", ShardCount=1)

        with self.assertRaises(ClientError) as context:
            self.kinesis.get_shard_iterator(StreamName=name, ShardId=SHARD_0, ShardIteratorType="AT_TIMESTAMP")

        self.assert_client_error(
            context,
            "InvalidArgumentException",
            "Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP. "
            "Current request has no timestamp parameter.",
        )

    def test_a_sequence_number_from_another_shard_is_invalid_argument(self):
        name = self.create_stream("other-shard", ShardCount=2)
        on_shard_1 = self.kinesis.put_record(
            StreamName=name, Data=b"x", PartitionKey="k", ExplicitHashKey=str(2**127 + 1)
        )
        self.assertEqual(SHARD_1, on_shard_1["ShardId"])

        with self.assertRaises(ClientError) as context:
            self.kinesis.get_shard_iterator(
                StreamName=name,
                ShardId=SHARD_0,
                ShardIteratorType="AT_SEQUENCE_NUMBER",
                StartingSequenceNumber=on_shard_1["SequenceNumber"],
            )

        self.assert_client_error(
            context,
            "InvalidArgumentException",
            f"Invalid StartingSequenceNumber. It encodes {SHARD_1}, while it was used in a call to a shard with {SHARD_0}",
        )

    def test_an_unknown_iterator_type_is_a_validation_error(self):
        name = self.create_stream("bad-type", ShardCount=1)

        with self.assertRaises(ClientError) as context:
            self.kinesis.get_shard_iterator(StreamName=name, ShardId=SHARD_0, ShardIteratorType="OLDEST")

        self.assert_client_error(
            context,
            "ValidationException",
            "1 validation error detected: Value at 'shardIteratorType' failed to satisfy constraint: "
            "Member must satisfy enum value set: [AFTER_SEQUENCE_NUMBER, LATEST, AT_TIMESTAMP, AT_SEQUENCE_NUMBER, TRIM_HORIZON].",
        )

    def test_an_unknown_shard_is_resource_not_found(self):
        name = self.create_stream("bad-shard", ShardCount=1)

        with self.assertRaises(ClientError) as context:
            self.kinesis.get_shard_iterator(StreamName=name, ShardId="shardId-000000000007", ShardIteratorType="LATEST")

        self.assert_client_error(
            context,
            "ResourceNotFoundException",
            f"Shard shardId-000000000007 in stream {name} under account {ACCOUNT} does not exist",
        )

    def test_a_garbled_shard_iterator_is_invalid_argument(self):
        name = self.create_stream("garbled", ShardCount=1)
        genuine = self.iterator(name, SHARD_0, "TRIM_HORIZON")
        tampered = genuine[:-8] + ("A" if genuine[-8] != "A" else "B") + genuine[-7:]

        for garbage in ("AAAAAAAAAAGarbledIteratorThatIsNotBase64!!", "x", tampered):
            with self.subTest(garbage[:20]):
                with self.assertRaises(ClientError) as context:
                    self.kinesis.get_records(ShardIterator=garbage)
                self.assert_client_error(context, "InvalidArgumentException", "Invalid ShardIterator.")


if __name__ == "__main__":
    unittest.main()
