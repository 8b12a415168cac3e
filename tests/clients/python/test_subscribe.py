"""SubscribeToShard through boto3, which speaks HTTP/1.1 (the event stream arrives chunked) and parses
the stream with botocore's own EventStream parser, checking every prelude and message CRC-32 and
requiring an initial-response first: records in order with their ContinuationSequenceNumber, the
five starting positions, a resume AFTER_SEQUENCE_NUMBER of the last continuation, ChildShards at the
end of a split shard, ResourceInUse for a second subscription and a take-over after 5 s,
ResourceNotFound when the consumer is deregistered.

Then the framing alone: SubscribeToShard sent over raw HTTP/1.1 (http.client; over https verified
against RIVULET_CA_FILE) with an application/x-amz-json-1.1 and an application/x-amz-cbor-1.1 body,
the bytes fed to botocore.eventstream.EventStreamBuffer, and the CBOR events decoded with cbor2.

A subscription lasts up to 5 minutes: every read here is bounded in bytes and time, and each
subscription is closed as soon as the test has what it needs.
"""

from __future__ import annotations

import base64
import datetime
import http.client
import json
import time
import unittest
import urllib.parse
from typing import Any, Callable

import botocore.eventstream
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError, EventStreamError

from support import ACCESS_KEY, MAX_HASH_KEY, REGION, SECRET_KEY, KinesisTestCase, endpoint, is_tls, now_utc, ssl_context, stream_arn
from test_cbor import Tag1, decode as decode_cbor

try:
    import cbor2
except ImportError:  # Debian's package, when the chosen interpreter is not Debian's python3
    import sys

    sys.path.append("/usr/lib/python3/dist-packages")
    import cbor2

SHARD_0 = "shardId-000000000000"
SEQUENCE_NUMBER = r"^[1-9]\d{49,59}$"
EVENT_STREAM = "application/vnd.amazon.eventstream"
# Records come at once; an empty event comes every 5 s when nothing does. No wait here gets near these.
EVENT_DEADLINE_SECONDS = 20
MAX_EVENTS = 50
# A consumer and shard whose subscription went away are free again within this many tries, 100 ms apart.
IN_USE_RETRIES = 50


class Subscription:
    """One boto3 subscribe_to_shard: its events one at a time, each within a deadline."""

    def __init__(self, test: unittest.TestCase, response: dict[str, Any]):
        self.test = test
        self.response = response
        self.stream = response["EventStream"]
        self.events = iter(self.stream)
        self.last_continuation: str | None = None

    def next_event(self) -> dict[str, Any] | None:
        """The next SubscribeToShardEvent (checked), or None when the stream ended; raises EventStreamError for an exception event."""
        started = time.monotonic()
        try:
            event = next(self.events)
        except StopIteration:
            return None
        self.test.assertLess(time.monotonic() - started, EVENT_DEADLINE_SECONDS)
        self.test.assertEqual(["SubscribeToShardEvent"], list(event), repr(event))
        shard_event = event["SubscribeToShardEvent"]
        check_event(self.test, shard_event)
        if "ContinuationSequenceNumber" in shard_event:
            self.last_continuation = shard_event["ContinuationSequenceNumber"]
        return shard_event

    def records(self, count: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """Events until `count` records came (more is a failure): the records and the events."""
        records: list[dict[str, Any]] = []
        events: list[dict[str, Any]] = []
        deadline = time.monotonic() + EVENT_DEADLINE_SECONDS
        while len(records) < count:
            self.test.assertLess(len(events), MAX_EVENTS)
            self.test.assertLess(time.monotonic(), deadline, f"{len(records)} of {count} records")
            event = self.next_event()
            self.test.assertIsNotNone(event, f"the stream ended after {len(records)} of {count} records")
            events.append(event)
            records.extend(event["Records"])
        self.test.assertEqual(count, len(records), "exactly the records expected")
        return records, events

    def close(self) -> None:
        self.stream.close()


def check_event(test: unittest.TestCase, event: dict[str, Any]) -> None:
    """Every event: records with their members, a continuation equal to the last record's sequence
    number; only the end of a closed shard names children, and then has no continuation."""
    test.assertIsInstance(event["Records"], list)
    test.assertIsInstance(event["MillisBehindLatest"], int)
    test.assertGreaterEqual(event["MillisBehindLatest"], 0)
    if event.get("ChildShards"):
        test.assertEqual([], event["Records"], "the ChildShards event carries no records")
        test.assertNotIn("ContinuationSequenceNumber", event, "the ChildShards event has no ContinuationSequenceNumber")
        return
    test.assertRegex(event.get("ContinuationSequenceNumber", ""), SEQUENCE_NUMBER, repr(event))
    if event["Records"]:
        test.assertEqual(event["Records"][-1]["SequenceNumber"], event["ContinuationSequenceNumber"], "the continuation is the last record's")
    for record in event["Records"]:
        test.assertRegex(record["SequenceNumber"], SEQUENCE_NUMBER)
        test.assertIsInstance(record["Data"], bytes)
        test.assertIsInstance(record["ApproximateArrivalTimestamp"], datetime.datetime)
        test.assertLess(abs((now_utc() - record["ApproximateArrivalTimestamp"]).total_seconds()), 120)


class SubscribeTestCase(KinesisTestCase):
    def stream_with_consumer(self, label: str, consumers: tuple[str, ...] = ("reader",)) -> tuple[str, list[str]]:
        """A one-shard stream and its consumers, each waited for until ACTIVE."""
        name = self.create_stream(label)
        arns = []
        for consumer_name in consumers:
            arn = self.kinesis.register_stream_consumer(StreamARN=stream_arn(name), ConsumerName=consumer_name)["Consumer"]["ConsumerARN"]
            for _ in range(100):
                if self.kinesis.describe_stream_consumer(ConsumerARN=arn)["ConsumerDescription"]["ConsumerStatus"] == "ACTIVE":
                    break
                time.sleep(0.2)
            else:
                self.fail(f"{arn} never became ACTIVE")
            arns.append(arn)
        return name, arns

    def subscribe(self, consumer_arn: str, shard_id: str, *, retry_in_use: bool = False, **position: Any) -> Subscription:
        for attempt in range(1, IN_USE_RETRIES + 1):
            try:
                response = self.kinesis.subscribe_to_shard(ConsumerARN=consumer_arn, ShardId=shard_id, StartingPosition=position)
            except ClientError as error:
                if not retry_in_use or error.response["Error"]["Code"] != "ResourceInUseException" or attempt == IN_USE_RETRIES:
                    raise
                time.sleep(0.1)
                continue
            subscription = Subscription(self, response)
            self.addCleanup(subscription.close)
            return subscription
        raise AssertionError("unreachable")

    def put(self, name: str, *payloads: bytes, **kwargs: Any) -> list[str]:
        """PutRecord each payload in turn (partition keys pk-0, pk-1, ...); their sequence numbers."""
        return [
            self.kinesis.put_record(StreamName=name, Data=data, PartitionKey=f"pk-{i}", **kwargs)["SequenceNumber"]
            for i, data in enumerate(payloads)
        ]


class Boto3SubscribeToShardTests(SubscribeTestCase):
    def test_records_put_before_and_after_subscribing_arrive_in_order_with_their_continuation(self):
        name, (consumer,) = self.stream_with_consumer("subscribe")
        before = [b"\x00first", b"second\xff", bytes(range(256))]
        before_sequence = self.put(name, *before)

        subscription = self.subscribe(consumer, SHARD_0, Type="TRIM_HORIZON")
        metadata = subscription.response["ResponseMetadata"]
        self.assertEqual(200, metadata["HTTPStatusCode"])
        self.assertEqual(EVENT_STREAM, metadata["HTTPHeaders"].get("content-type"))
        self.assertEqual("chunked", metadata["HTTPHeaders"].get("transfer-encoding"), "boto3 speaks HTTP/1.1: the event stream is chunked")
        self.assertTrue(metadata.get("RequestId"))

        records, events = subscription.records(3)
        self.assertEqual(list(zip(before_sequence, before)), [(r["SequenceNumber"], r["Data"]) for r in records])
        self.assertEqual(["pk-0", "pk-1", "pk-2"], [r["PartitionKey"] for r in records])
        self.assertEqual(0, events[-1]["MillisBehindLatest"], "caught up")

        after = [f"after-{i}".encode() for i in range(4)]
        after_sequence = self.put(name, *after)
        records, events = subscription.records(4)
        self.assertEqual(list(zip(after_sequence, after)), [(r["SequenceNumber"], r["Data"]) for r in records])
        self.assertEqual(after_sequence[-1], subscription.last_continuation)
        self.assertEqual(0, events[-1]["MillisBehindLatest"])

    def test_after_sequence_number_of_the_last_continuation_resumes_exactly(self):
        name, (consumer,) = self.stream_with_consumer("resume")
        first_sequence = self.put(name, *[f"first-{i}".encode() for i in range(5)])
        first = self.subscribe(consumer, SHARD_0, Type="TRIM_HORIZON")
        self.assertEqual(first_sequence, [r["SequenceNumber"] for r in first.records(5)[0]])
        continuation = first.last_continuation
        self.assertEqual(first_sequence[-1], continuation)
        first.close()

        later = [f"later-{i}".encode() for i in range(4)]
        later_sequence = self.put(name, *later)
        resumed = self.subscribe(consumer, SHARD_0, retry_in_use=True, Type="AFTER_SEQUENCE_NUMBER", SequenceNumber=continuation)
        records, _ = resumed.records(4)
        self.assertEqual(list(zip(later_sequence, later)), [(r["SequenceNumber"], r["Data"]) for r in records], "no gap, no repeat")

    def test_each_starting_position_starts_where_get_shard_iterator_would(self):
        name, consumers = self.stream_with_consumer("positions", consumers=("trim", "at", "after", "time", "latest"))
        trim, at, after, at_time, latest = consumers
        sequence = self.put(name, b"r0", b"r1")
        # boto3 sends timestamps in whole seconds: r2 and r3 go in the next second, AT_TIMESTAMP names its start.
        second = int(time.time()) + 1
        time.sleep(max(0.0, second - time.time()) + 0.01)
        middle = datetime.datetime.fromtimestamp(second, datetime.timezone.utc)
        sequence += self.put(name, b"r2", b"r3")

        self.assertEqual([b"r0", b"r1", b"r2", b"r3"], [r["Data"] for r in self.subscribe(trim, SHARD_0, Type="TRIM_HORIZON").records(4)[0]])
        self.assertEqual([b"r1", b"r2", b"r3"], [r["Data"] for r in self.subscribe(at, SHARD_0, Type="AT_SEQUENCE_NUMBER", SequenceNumber=sequence[1]).records(3)[0]])
        self.assertEqual([b"r2", b"r3"], [r["Data"] for r in self.subscribe(after, SHARD_0, Type="AFTER_SEQUENCE_NUMBER", SequenceNumber=sequence[1]).records(2)[0]])
        self.assertEqual([b"r2", b"r3"], [r["Data"] for r in self.subscribe(at_time, SHARD_0, Type="AT_TIMESTAMP", Timestamp=middle).records(2)[0]])
        from_latest = self.subscribe(latest, SHARD_0, Type="LATEST")
        self.put(name, b"r4")
        self.assertEqual([b"r4"], [r["Data"] for r in from_latest.records(1)[0]])

    def test_a_split_shard_ends_with_child_shards_and_no_continuation_then_the_stream_ends(self):
        name, (consumer,) = self.stream_with_consumer("child-shards")
        parent = [f"parent-{i}".encode() for i in range(5)]
        self.put(name, *parent)
        half = (MAX_HASH_KEY + 1) // 2
        self.kinesis.split_shard(StreamName=name, ShardToSplit=SHARD_0, NewStartingHashKey=str(half))
        self.wait_for_active(name)
        self.put(name, b"low", ExplicitHashKey="0")
        self.put(name, b"high", ExplicitHashKey=str(MAX_HASH_KEY))

        subscription = self.subscribe(consumer, SHARD_0, Type="TRIM_HORIZON")
        self.assertEqual(parent, [r["Data"] for r in subscription.records(5)[0]])
        last = subscription.next_event()
        self.assertIsNotNone(last)
        self.assertEqual([], last["Records"])
        self.assertNotIn("ContinuationSequenceNumber", last)
        self.assertEqual(0, last["MillisBehindLatest"])
        self.assertEqual(
            [
                {"ShardId": "shardId-000000000001", "ParentShards": [SHARD_0], "HashKeyRange": {"StartingHashKey": "0", "EndingHashKey": str(half - 1)}},
                {"ShardId": "shardId-000000000002", "ParentShards": [SHARD_0], "HashKeyRange": {"StartingHashKey": str(half), "EndingHashKey": str(MAX_HASH_KEY)}},
            ],
            sorted(last["ChildShards"], key=lambda child: child["ShardId"]),
        )
        self.assertIsNone(subscription.next_event(), "the event stream ends after the ChildShards event")

        # Resuming after the parent's last record (as a reader restarting from its last continuation) gets the end at once.
        resumed = self.subscribe(consumer, SHARD_0, retry_in_use=True, Type="AFTER_SEQUENCE_NUMBER", SequenceNumber=subscription.last_continuation)
        end = resumed.next_event()
        self.assertIsNotNone(end)
        self.assertEqual((last["ChildShards"], []), (end["ChildShards"], end["Records"]))
        self.assertIsNone(resumed.next_event())

        # The same consumer reads the children (other shards: no wait for the parent's subscription).
        for child, data in (("shardId-000000000001", b"low"), ("shardId-000000000002", b"high")):
            self.assertEqual([data], [r["Data"] for r in self.subscribe(consumer, child, Type="TRIM_HORIZON").records(1)[0]])

    def test_a_second_subscription_while_the_first_is_young_is_resource_in_use(self):
        name, (consumer,) = self.stream_with_consumer("in-use")
        first = self.subscribe(consumer, SHARD_0, Type="LATEST")

        with self.assertRaises(ClientError) as context:
            self.subscribe(consumer, SHARD_0, Type="TRIM_HORIZON")
        self.assert_client_error(context, "ResourceInUseException", f"Another active subscription exists for this consumer: {consumer}")

        sequence = self.put(name, b"still-here")
        self.assertEqual(sequence, [r["SequenceNumber"] for r in first.records(1)[0]], "the first subscription runs on")

    def test_a_subscription_after_5_seconds_takes_over_and_the_older_ends_with_resource_in_use(self):
        name, (consumer,) = self.stream_with_consumer("take-over")
        older = self.subscribe(consumer, SHARD_0, Type="LATEST")
        started = time.monotonic()
        time.sleep(5.3)  # AWS refuses a second subscription for 5 s, then lets it take over

        newer = self.subscribe(consumer, SHARD_0, Type="LATEST")
        self.assertGreater(time.monotonic() - started, 5)
        with self.assertRaises(EventStreamError) as context:
            for _ in range(5):
                event = older.next_event()
                self.assertIsNotNone(event, "the older stream ends with an exception event, not silently")
                # Only an empty event (the 5-second heartbeat) may come before the exception.
                self.assertEqual([], event["Records"], repr(event))
        self.assertEqual("ResourceInUseException", context.exception.response["Error"]["Code"], repr(context.exception.response))
        sequence = self.put(name, b"for-the-newer")
        self.assertEqual(sequence, [r["SequenceNumber"] for r in newer.records(1)[0]])

    def test_deregistering_the_consumer_ends_its_subscription_with_resource_not_found(self):
        name, (consumer,) = self.stream_with_consumer("deregister")
        self.put(name, b"one")
        subscription = self.subscribe(consumer, SHARD_0, Type="TRIM_HORIZON")
        subscription.records(1)

        self.kinesis.deregister_stream_consumer(ConsumerARN=consumer)
        with self.assertRaises(EventStreamError) as context:
            for _ in range(5):
                self.assertIsNotNone(subscription.next_event(), "the stream ends with an exception event, not silently")
        error = context.exception
        self.assertIsInstance(error, ClientError)
        self.assertEqual("ResourceNotFoundException", error.response["Error"]["Code"], repr(error.response))
        self.assertIn("reader", error.response["Error"].get("Message", ""), "the message names the consumer")
        self.assertEqual("SubscribeToShard", error.operation_name)

    def test_subscribing_before_the_consumer_or_shard_exists_is_an_ordinary_error(self):
        name, (consumer,) = self.stream_with_consumer("subscribe-errors")

        with self.assertRaises(ClientError) as context:
            self.subscribe(f"{stream_arn(name)}/consumer/nobody:1700000000", SHARD_0, Type="LATEST")
        self.assert_client_error(context, "ResourceNotFoundException")
        with self.assertRaises(ClientError) as context:
            self.subscribe(consumer, "shardId-000000000009", Type="LATEST")
        self.assert_client_error(context, "ResourceNotFoundException")
        with self.assertRaises(ClientError) as context:
            self.subscribe(consumer, SHARD_0, Type="AT_SEQUENCE_NUMBER", SequenceNumber="not-a-number")
        self.assert_client_error(context, ("InvalidArgumentException", "ValidationException"))


# -- the framing on the wire ---------------------------------------------------------------------

JSON_11 = "application/x-amz-json-1.1"
CBOR_11 = "application/x-amz-cbor-1.1"
MAX_RAW_BYTES = 4 * 1024 * 1024


def raw_subscribe(body: bytes, content_type: str) -> tuple[http.client.HTTPConnection, http.client.HTTPResponse]:
    """SubscribeToShard over HTTP/1.1 with a SigV4 signature as botocore makes it, read by hand."""
    parsed = urllib.parse.urlsplit(endpoint())
    assert parsed.hostname and parsed.port
    if is_tls():
        connection: http.client.HTTPConnection = http.client.HTTPSConnection(parsed.hostname, parsed.port, timeout=10, context=ssl_context())
    else:
        connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=10)
    request = AWSRequest(
        method="POST",
        url=endpoint() + "/",
        data=body,
        headers={"Content-Type": content_type, "X-Amz-Target": "Kinesis_20131202.SubscribeToShard"},
    )
    SigV4Auth(Credentials(ACCESS_KEY, SECRET_KEY), "kinesis", REGION).add_auth(request)
    try:
        connection.request("POST", "/", body=body, headers=dict(request.headers.items()))
        return connection, connection.getresponse()
    except BaseException:
        connection.close()
        raise


def read_messages(response: http.client.HTTPResponse, enough: Callable[[list[Any]], bool]) -> list[Any]:
    """Feeds the body to botocore's EventStreamBuffer (which checks both CRCs) until `enough`, bounded in bytes and time."""
    buffer = botocore.eventstream.EventStreamBuffer()
    messages: list[Any] = []
    received = 0
    deadline = time.monotonic() + EVENT_DEADLINE_SECONDS
    while not enough(messages):
        if time.monotonic() > deadline or received > MAX_RAW_BYTES:
            raise AssertionError(f"{len(messages)} messages in {received} bytes: not enough")
        chunk = response.read1(65536)
        if not chunk:
            raise AssertionError(f"the stream ended after {len(messages)} messages")
        received += len(chunk)
        buffer.add_data(chunk)
        messages.extend(buffer)
    return messages


class RawEventStreamFramingTests(SubscribeTestCase):
    def subscribe_raw(self, body: bytes, content_type: str) -> tuple[http.client.HTTPResponse, list[Any]]:
        connection, response = raw_subscribe(body, content_type)
        self.addCleanup(connection.close)
        self.addCleanup(response.close)
        self.assertEqual(200, response.status, response.read(4096) if response.status != 200 else "")
        self.assertEqual(11, response.version, "HTTP/1.1")
        self.assertEqual(EVENT_STREAM, response.getheader("Content-Type"))
        self.assertEqual("chunked", response.getheader("Transfer-Encoding"))
        self.assertIsNone(response.getheader("Content-Length"))
        self.assertTrue(response.getheader("x-amzn-RequestId"))

        def enough(messages: list[Any]) -> bool:
            return sum(len(message.payload) > 0 and message.headers.get(":event-type") == "SubscribeToShardEvent" for message in messages) > 0

        messages = read_messages(response, enough)
        first = messages[0]
        self.assertEqual("event", first.headers[":message-type"])
        self.assertEqual("initial-response", first.headers[":event-type"])
        for message in messages[1:]:
            self.assertEqual("event", message.headers[":message-type"])
            self.assertEqual("SubscribeToShardEvent", message.headers[":event-type"])
            self.assertEqual(200, message.to_response_dict()["status_code"])
        return response, messages

    def test_a_json_subscription_is_framed_for_botocore_with_json_events(self):
        name, (consumer,) = self.stream_with_consumer("raw-json")
        payloads = [bytes(range(256)), b"\x00", "snow \u2603".encode()]
        sequence = self.put(name, *payloads)

        body = json.dumps({"ConsumerARN": consumer, "ShardId": SHARD_0, "StartingPosition": {"Type": "TRIM_HORIZON"}}).encode()
        _, messages = self.subscribe_raw(body, JSON_11)

        self.assertEqual({}, json.loads(messages[0].payload))
        event_message = messages[1]
        self.assertEqual("application/json", event_message.headers[":content-type"])
        event = json.loads(event_message.payload)
        self.assertEqual(sequence, [r["SequenceNumber"] for r in event["Records"]])
        self.assertEqual(payloads, [base64.b64decode(r["Data"]) for r in event["Records"]])
        for record in event["Records"]:
            arrival = record["ApproximateArrivalTimestamp"]
            self.assertIsInstance(arrival, (int, float))
            self.assertLess(abs(arrival - time.time()), 120, "epoch seconds in JSON")
        self.assertEqual(sequence[-1], event["ContinuationSequenceNumber"])
        self.assertEqual(0, event["MillisBehindLatest"])

    def test_a_cbor_subscription_is_framed_for_botocore_with_cbor_events_and_millisecond_tag_1_times(self):
        name, (consumer,) = self.stream_with_consumer("raw-cbor")
        payloads = [bytes(range(256)), b"\xff\xfe", b"plain"]
        sequence = self.put(name, *payloads)

        body = cbor2.dumps({"ConsumerARN": consumer, "ShardId": SHARD_0, "StartingPosition": {"Type": "TRIM_HORIZON"}})
        _, messages = self.subscribe_raw(body, CBOR_11)

        self.assertEqual({}, decode_cbor(messages[0].payload))
        event_message = messages[1]
        self.assertEqual(CBOR_11, event_message.headers[":content-type"])
        raw = event_message.payload
        event = decode_cbor(raw)
        self.assertIsInstance(event, dict)
        self.assertEqual(sequence, [r["SequenceNumber"] for r in event["Records"]])
        for record, data in zip(event["Records"], payloads):
            self.assertIsInstance(record["Data"], bytes, "blobs are CBOR byte strings")
            self.assertEqual(data, record["Data"])
            arrival = record["ApproximateArrivalTimestamp"]
            self.assertIsInstance(arrival, Tag1)
            self.assertIsInstance(arrival.value, int)
            self.assertLess(abs(arrival.value - time.time() * 1000), 120_000, f"epoch milliseconds, not seconds: {arrival}")
            # On the wire: tag 1 (0xc1) on an unsigned 64-bit integer (0x1b) holding the milliseconds.
            self.assertIn(b"\xc1\x1b" + arrival.value.to_bytes(8, "big"), raw)
        self.assertEqual(sequence[-1], event["ContinuationSequenceNumber"])
        self.assertEqual(0, event["MillisBehindLatest"])


if __name__ == "__main__":
    unittest.main()
