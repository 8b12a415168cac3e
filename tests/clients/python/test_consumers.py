"""Enhanced fan-out consumers through boto3 and the AWS CLI: RegisterStreamConsumer (CREATING, then
ACTIVE; the ARN is <stream ARN>/consumer/<name>:<epoch seconds>), DescribeStreamConsumer by ARN and
by StreamARN + ConsumerName, ListStreamConsumers in pages (MaxResults, NextToken, boto3's paginator,
the CLI's --page-size and --max-items/--starting-token), DeregisterStreamConsumer, and the errors:
a name taken, a consumer unknown, more than 20 on a stream, a stream with consumers deleted without
EnforceConsumerDeletion.
"""

from __future__ import annotations

import re
import time
import unittest
from typing import Any

from botocore.exceptions import ClientError

from support import KinesisTestCase, aws, now_utc, stream_arn

MAX_CONSUMERS = 20
# A consumer settles from CREATING (or DELETING) at the next read on a server with no consumer delay;
# these bounds only matter against one that has a delay.
POLLS = 100
POLL_SECONDS = 0.2


class ConsumerTestCase(KinesisTestCase):
    def register(self, name: str, consumer_name: str) -> dict[str, Any]:
        return self.kinesis.register_stream_consumer(StreamARN=stream_arn(name), ConsumerName=consumer_name)["Consumer"]

    def describe(self, **kwargs: Any) -> dict[str, Any]:
        return self.kinesis.describe_stream_consumer(**kwargs)["ConsumerDescription"]

    def wait_until_active(self, consumer_arn: str) -> dict[str, Any]:
        for _ in range(POLLS):
            description = self.describe(ConsumerARN=consumer_arn)
            if description["ConsumerStatus"] == "ACTIVE":
                return description
            self.assertEqual("CREATING", description["ConsumerStatus"])
            time.sleep(POLL_SECONDS)
        self.fail(f"{consumer_arn} never became ACTIVE")

    def wait_until_gone(self, consumer_arn: str) -> ClientError:
        for _ in range(POLLS):
            try:
                self.assertEqual("DELETING", self.describe(ConsumerARN=consumer_arn)["ConsumerStatus"])
            except ClientError as error:
                self.assertEqual("ResourceNotFoundException", error.response["Error"]["Code"], repr(error.response))
                return error
            time.sleep(POLL_SECONDS)
        self.fail(f"{consumer_arn} was never gone")

    def assert_consumer_arn(self, name: str, consumer: dict[str, Any]) -> None:
        match = re.fullmatch(re.escape(stream_arn(name)) + r"/consumer/" + re.escape(consumer["ConsumerName"]) + r":(\d+)", consumer["ConsumerARN"])
        self.assertIsNotNone(match, f"<stream ARN>/consumer/<name>:<epoch seconds>: {consumer['ConsumerARN']}")
        self.assertEqual(int(consumer["ConsumerCreationTimestamp"].timestamp()), int(match.group(1)), "the ARN carries the creation second")


class ConsumerTests(ConsumerTestCase):
    def test_a_registered_consumer_is_creating_then_active_and_described_by_arn_or_by_name(self):
        name = self.create_stream("consumer")

        consumer = self.register(name, "alpha")

        self.assertEqual("alpha", consumer["ConsumerName"])
        self.assertEqual("CREATING", consumer["ConsumerStatus"])
        self.assert_consumer_arn(name, consumer)
        self.assertLess(abs((now_utc() - consumer["ConsumerCreationTimestamp"]).total_seconds()), 120)
        by_arn = self.wait_until_active(consumer["ConsumerARN"])
        self.assertEqual(
            {
                "ConsumerName": "alpha",
                "ConsumerARN": consumer["ConsumerARN"],
                "ConsumerStatus": "ACTIVE",
                "ConsumerCreationTimestamp": consumer["ConsumerCreationTimestamp"],
                "StreamARN": stream_arn(name),
            },
            by_arn,
        )
        self.assertEqual(by_arn, self.describe(StreamARN=stream_arn(name), ConsumerName="alpha"))

    def test_list_stream_consumers_pages_with_max_results_and_next_token(self):
        name = self.create_stream("consumer-list")
        arns = {}
        for consumer_name in ("one", "two", "three"):
            arns[consumer_name] = self.register(name, consumer_name)["ConsumerARN"]
            self.wait_until_active(arns[consumer_name])

        first = self.kinesis.list_stream_consumers(StreamARN=stream_arn(name), MaxResults=2)
        self.assertEqual(2, len(first["Consumers"]))
        self.assertIn("NextToken", first)
        second = self.kinesis.list_stream_consumers(StreamARN=stream_arn(name), MaxResults=2, NextToken=first["NextToken"])
        self.assertEqual(1, len(second["Consumers"]))
        self.assertNotIn("NextToken", second)
        listed = first["Consumers"] + second["Consumers"]
        self.assertEqual(arns, {consumer["ConsumerName"]: consumer["ConsumerARN"] for consumer in listed})
        self.assertEqual(3, len(listed), "each consumer once over the pages")
        for consumer in listed:
            self.assertEqual({"ConsumerName", "ConsumerARN", "ConsumerStatus", "ConsumerCreationTimestamp"}, set(consumer))
            self.assertEqual("ACTIVE", consumer["ConsumerStatus"])
            self.assert_consumer_arn(name, consumer)

        pages = list(self.kinesis.get_paginator("list_stream_consumers").paginate(StreamARN=stream_arn(name), PaginationConfig={"PageSize": 1}))
        self.assertEqual([1, 1, 1], [len(page["Consumers"]) for page in pages])
        self.assertEqual(sorted(arns.values()), sorted(consumer["ConsumerARN"] for page in pages for consumer in page["Consumers"]))

        empty = self.kinesis.list_stream_consumers(StreamARN=stream_arn(self.create_stream("consumer-none")))
        self.assertEqual([], empty["Consumers"])
        self.assertNotIn("NextToken", empty)

    def test_deregistered_consumers_are_gone_by_arn_and_by_name(self):
        name = self.create_stream("consumer-deregister")
        first = self.register(name, "first")["ConsumerARN"]
        second = self.register(name, "second")["ConsumerARN"]
        self.wait_until_active(first)
        self.wait_until_active(second)

        self.kinesis.deregister_stream_consumer(ConsumerARN=first)
        self.kinesis.deregister_stream_consumer(StreamARN=stream_arn(name), ConsumerName="second")

        self.wait_until_gone(first)
        self.wait_until_gone(second)
        self.assertEqual([], self.kinesis.list_stream_consumers(StreamARN=stream_arn(name))["Consumers"])
        with self.assertRaises(ClientError) as context:
            self.kinesis.deregister_stream_consumer(ConsumerARN=first)
        self.assert_client_error(context, "ResourceNotFoundException")

    def test_a_taken_name_is_resource_in_use_and_an_unknown_consumer_is_resource_not_found(self):
        name = self.create_stream("consumer-errors")
        self.wait_until_active(self.register(name, "taken")["ConsumerARN"])

        with self.assertRaises(ClientError) as context:
            self.register(name, "taken")
        self.assert_client_error(context, "ResourceInUseException")

        with self.assertRaises(ClientError) as context:
            self.describe(StreamARN=stream_arn(name), ConsumerName="nobody")
        self.assert_client_error(context, "ResourceNotFoundException")
        with self.assertRaises(ClientError) as context:
            self.describe(ConsumerARN=f"{stream_arn(name)}/consumer/nobody:1700000000")
        self.assert_client_error(context, "ResourceNotFoundException")
        with self.assertRaises(ClientError) as context:
            self.kinesis.deregister_stream_consumer(StreamARN=stream_arn(name), ConsumerName="nobody")
        self.assert_client_error(context, "ResourceNotFoundException")
        missing = stream_arn(f"{name}-missing")
        with self.assertRaises(ClientError) as context:
            self.kinesis.register_stream_consumer(StreamARN=missing, ConsumerName="any")
        self.assert_client_error(context, "ResourceNotFoundException")
        with self.assertRaises(ClientError) as context:
            self.kinesis.list_stream_consumers(StreamARN=missing)
        self.assert_client_error(context, "ResourceNotFoundException")

    def test_a_stream_holds_at_most_20_consumers(self):
        name = self.create_stream("consumer-limit")
        for index in range(MAX_CONSUMERS):
            consumer = self.register(name, f"c{index:02d}")
            # AWS allows five CREATING at once: let each settle, as an application registering many would.
            self.wait_until_active(consumer["ConsumerARN"])

        with self.assertRaises(ClientError) as context:
            self.register(name, "one-too-many")
        self.assert_client_error(context, "LimitExceededException")

        listed = list(self.kinesis.get_paginator("list_stream_consumers").paginate(StreamARN=stream_arn(name)))
        self.assertEqual(MAX_CONSUMERS, sum(len(page["Consumers"]) for page in listed))
        self.assertEqual(MAX_CONSUMERS, self.kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]["ConsumerCount"])

    def test_a_stream_with_consumers_is_deleted_only_with_enforce_consumer_deletion(self):
        name = self.create_stream("consumer-delete")
        consumer = self.register(name, "holder")["ConsumerARN"]
        self.wait_until_active(consumer)

        with self.assertRaises(ClientError) as context:
            self.kinesis.delete_stream(StreamName=name)
        self.assert_client_error(context, "ResourceInUseException")
        self.assertEqual("ACTIVE", self.describe(ConsumerARN=consumer)["ConsumerStatus"], "nothing was deleted")

        self.kinesis.delete_stream(StreamName=name, EnforceConsumerDeletion=True)
        self.kinesis.get_waiter("stream_not_exists").wait(StreamName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 20})
        with self.assertRaises(ClientError) as context:
            self.describe(ConsumerARN=consumer)
        self.assert_client_error(context, "ResourceNotFoundException")


class AwsCliConsumerTests(ConsumerTestCase):
    def cli_json(self, *args: str) -> Any:
        result = aws(*args)
        self.assertEqual(0, result.returncode, repr(result))
        return result.json()

    def test_the_aws_cli_registers_describes_lists_and_deregisters_consumers(self):
        name = self.create_stream("cli-consumers")
        arn = stream_arn(name)

        registered = self.cli_json("register-stream-consumer", "--stream-arn", arn, "--consumer-name", "cli-a")["Consumer"]
        self.assertEqual("CREATING", registered["ConsumerStatus"])
        self.assertRegex(registered["ConsumerARN"], "^" + re.escape(arn) + r"/consumer/cli-a:\d+$")
        others = {consumer_name: self.register(name, consumer_name)["ConsumerARN"] for consumer_name in ("cli-b", "cli-c")}

        described = self.cli_json("describe-stream-consumer", "--stream-arn", arn, "--consumer-name", "cli-a")["ConsumerDescription"]
        self.assertEqual((registered["ConsumerARN"], arn), (described["ConsumerARN"], described["StreamARN"]))
        self.assertIn(described["ConsumerStatus"], ("CREATING", "ACTIVE"))

        # Pages of one consumer: the CLI follows the server's NextToken, stops after two items and
        # hands out its own token wrapping the server's, which --starting-token resumes from.
        head = self.cli_json("list-stream-consumers", "--stream-arn", arn, "--page-size", "1", "--max-items", "2")
        self.assertEqual(2, len(head["Consumers"]), repr(head))
        self.assertIn("NextToken", head)
        tail = self.cli_json("list-stream-consumers", "--stream-arn", arn, "--page-size", "1", "--starting-token", head["NextToken"])
        self.assertEqual(1, len(tail["Consumers"]), repr(tail))
        self.assertNotIn("NextToken", tail)
        self.assertEqual(["cli-a", "cli-b", "cli-c"], sorted(c["ConsumerName"] for c in head["Consumers"] + tail["Consumers"]))

        self.assert_cli_error(
            aws("register-stream-consumer", "--stream-arn", arn, "--consumer-name", "cli-a"), "ResourceInUseException", "RegisterStreamConsumer"
        )
        self.assert_cli_error(
            aws("describe-stream-consumer", "--stream-arn", arn, "--consumer-name", "cli-z"), "ResourceNotFoundException", "DescribeStreamConsumer"
        )

        deregistered = aws("deregister-stream-consumer", "--consumer-arn", others["cli-b"])
        self.assertEqual(0, deregistered.returncode, repr(deregistered))
        self.assertEqual("", deregistered.stdout.strip(), "DeregisterStreamConsumer has no output")
        self.wait_until_gone(others["cli-b"])
        remaining = self.kinesis.list_stream_consumers(StreamARN=arn)["Consumers"]
        self.assertEqual(["cli-a", "cli-c"], sorted(c["ConsumerName"] for c in remaining))


if __name__ == "__main__":
    unittest.main()
