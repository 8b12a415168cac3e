"""CBOR on the wire (application/x-amz-cbor-1.1, as the Java SDK v2 and the KCL send it by default),
checked with an encoder and decoder Rivulet does not share: cbor2 (Debian's python3-cbor2).

cbor2 reads tag 1 as epoch *seconds* (RFC 8949); AWS's CBOR means milliseconds. Its pure-Python
decoder is given a tag-1 hook that keeps the raw number, so tests see what was on the wire.
"""

from __future__ import annotations

import io
import sys
import time
import unittest
from typing import Any

try:
    import cbor2
except ImportError:  # Debian's package, when the chosen interpreter is not Debian's python3
    sys.path.append("/usr/lib/python3/dist-packages")
    import cbor2
from cbor2 import decoder as pure_decoder

from support import ACCOUNT, KinesisTestCase, not_found_message, unique_name
from test_raw_http import post

CBOR_11 = "application/x-amz-cbor-1.1"


class Tag1:
    """A tag-1 value as sent: AWS's epoch milliseconds."""

    def __init__(self, value: Any):
        self.value = value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Tag1) and other.value == self.value

    def __repr__(self) -> str:
        return f"Tag1({self.value!r})"


# Only the pure-Python decoder reads this table; cbor2's C decoder, used by cbor2.loads, keeps its own.
pure_decoder.semantic_decoders[1] = lambda decoder: Tag1(decoder._decode())


def decode(body: bytes) -> Any:
    stream = io.BytesIO(body)
    value = pure_decoder.CBORDecoder(stream).decode()
    if stream.read(1):
        raise AssertionError(f"bytes after the CBOR value: {body!r}")
    return value


def millis(value: int) -> cbor2.CBORTag:
    return cbor2.CBORTag(1, value)


class CborTests(KinesisTestCase):
    def call(self, operation: str, body: dict[str, Any]) -> Any:
        response = post(f"Kinesis_20131202.{operation}", cbor2.dumps(body), content_type=CBOR_11)
        self.assertEqual(200, response.status, f"{operation}: {response!r} {decode(response.body) if response.body else ''}")
        self.assertEqual(CBOR_11, response.headers.get("content-type"), repr(response))
        return decode(response.body) if response.body else None

    def error(self, operation: str, body: bytes, error_type: str) -> dict[str, Any]:
        response = post(f"Kinesis_20131202.{operation}", body, content_type=CBOR_11)
        self.assertEqual(400, response.status, repr(response))
        self.assertEqual(CBOR_11, response.headers.get("content-type"), repr(response))
        answer = decode(response.body)
        self.assertEqual(error_type, answer["__type"], repr(answer))
        return answer

    def test_a_stream_is_written_and_read_in_cbor_with_raw_blobs_and_millisecond_times(self):
        name = unique_name("cbor")
        self.assertIsNone(self.call("CreateStream", {"StreamName": name, "ShardCount": 2}))
        self.addCleanup(self.delete_stream_quietly, name)
        self.wait_for_active(name)
        before_ms = int(time.time() * 1000) - 1000

        payloads = [bytes([i % 256]) * (i % 50) + bytes(range(256)) for i in range(500)]
        put = self.call("PutRecords", {
            "StreamName": name,
            "Records": [{"Data": data, "PartitionKey": f"pk-{i}"} for i, data in enumerate(payloads)],
        })
        self.assertEqual(0, put["FailedRecordCount"])
        self.assertEqual(500, len(put["Records"]))
        single = self.call("PutRecord", {"StreamName": name, "Data": b"\x00\xff", "PartitionKey": "pk-0"})
        self.assertRegex(single["SequenceNumber"], r"^\d+$")

        shards = self.call("ListShards", {"StreamName": name, "ShardFilter": {"Type": "FROM_TIMESTAMP", "Timestamp": millis(before_ms)}})["Shards"]
        self.assertEqual(2, len(shards))
        read: dict[bytes, int] = {}
        for shard in shards:
            iterator = self.call("GetShardIterator", {
                "StreamName": name, "ShardId": shard["ShardId"], "ShardIteratorType": "AT_TIMESTAMP", "Timestamp": millis(before_ms),
            })["ShardIterator"]
            while iterator:
                page = self.call("GetRecords", {"ShardIterator": iterator, "Limit": 10000})
                for record in page["Records"]:
                    self.assertIsInstance(record["Data"], bytes)
                    read[record["Data"]] = read.get(record["Data"], 0) + 1
                    arrival = record["ApproximateArrivalTimestamp"]
                    self.assertIsInstance(arrival, Tag1)
                    self.assertIsInstance(arrival.value, int)
                    # Milliseconds, not seconds: within a minute of now.
                    self.assertLess(abs(arrival.value - time.time() * 1000), 60_000, arrival)
                if not page["Records"] and page["MillisBehindLatest"] == 0:
                    break
                iterator = page.get("NextShardIterator")
        expected: dict[bytes, int] = {}
        for data in payloads + [b"\x00\xff"]:
            expected[data] = expected.get(data, 0) + 1
        self.assertEqual(expected, read)

        summary = self.call("DescribeStreamSummary", {"StreamName": name})["StreamDescriptionSummary"]
        self.assertEqual(name, summary["StreamName"])
        self.assertIsInstance(summary["StreamCreationTimestamp"], Tag1)
        self.assertLess(abs(summary["StreamCreationTimestamp"].value - time.time() * 1000), 120_000)
        self.assertEqual(f"arn:aws:kinesis:us-east-1:{ACCOUNT}:stream/{name}", summary["StreamARN"])

    def test_control_plane_operations_speak_cbor(self):
        name = unique_name("cbor-control")
        self.call("CreateStream", {"StreamName": name, "ShardCount": 1})
        self.addCleanup(self.delete_stream_quietly, name)
        self.wait_for_active(name)
        self.call("AddTagsToStream", {"StreamName": name, "Tags": {"team": "data", "env": "ci"}})
        tags = self.call("ListTagsForStream", {"StreamName": name})
        self.assertEqual({("env", "ci"), ("team", "data")}, {(tag["Key"], tag["Value"]) for tag in tags["Tags"]})
        self.assertIs(False, tags["HasMoreTags"])
        self.call("IncreaseStreamRetentionPeriod", {"StreamName": name, "RetentionPeriodHours": 48})
        description = self.call("DescribeStream", {"StreamName": name})["StreamDescription"]
        self.assertEqual(48, description["RetentionPeriodHours"])
        self.assertIsInstance(description["StreamCreationTimestamp"], Tag1)
        self.assertIn(name, self.call("ListStreams", {"Limit": 10000})["StreamNames"])
        limits = self.call("DescribeLimits", {})
        self.assertIsInstance(limits["ShardLimit"], int)
        self.call("DeleteStream", {"StreamName": name})

    def test_errors_come_back_as_cbor_maps(self):
        missing = unique_name("cbor-missing")
        answer = self.error("DescribeStreamSummary", cbor2.dumps({"StreamName": missing}), "ResourceNotFoundException")
        self.assertEqual(not_found_message(missing), answer["message"])

        invalid = self.error("CreateStream", cbor2.dumps({"StreamName": "bad name!", "ShardCount": 1}), "ValidationException")
        self.assertIn("streamName", invalid["message"])

        mismatch = self.error("PutRecord", cbor2.dumps({"StreamName": 7, "PartitionKey": "k", "Data": b"x"}), "SerializationException")
        self.assertEqual(
            "class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to an String", mismatch["Message"]
        )

        broken = self.error("PutRecord", b"\xbf\x61", "SerializationException")
        self.assertEqual({"__type": "SerializationException"}, broken)

    def test_timestamps_are_read_as_milliseconds_so_seconds_mean_1970(self):
        name = self.create_stream("cbor-times")
        self.call("PutRecord", {"StreamName": name, "Data": b"first", "PartitionKey": "k"})
        self.call("PutRecord", {"StreamName": name, "Data": b"second", "PartitionKey": "k"})

        def read_at(timestamp: int) -> list[Any]:
            iterator = self.call("GetShardIterator", {
                "StreamName": name, "ShardId": "shardId-000000000000", "ShardIteratorType": "AT_TIMESTAMP", "Timestamp": millis(timestamp),
            })["ShardIterator"]
            return self.call("GetRecords", {"ShardIterator": iterator})["Records"]

        # What an RFC 8949 encoder sends for "now" (seconds) is a moment of January 1970 to AWS: both records are after it.
        everything = read_at(int(time.time()))
        self.assertEqual([b"first", b"second"], [record["Data"] for record in everything])
        # The second record's own arrival time, sent back as it came, starts at that record
        # (and at the first too only if both arrived in the same millisecond).
        second_arrival = everything[1]["ApproximateArrivalTimestamp"].value
        from_second = [record["Data"] for record in read_at(second_arrival)]
        self.assertEqual(b"second", from_second[-1])
        self.assertEqual(from_second == [b"first", b"second"], everything[0]["ApproximateArrivalTimestamp"].value == second_arrival)

if __name__ == "__main__":
    unittest.main()
