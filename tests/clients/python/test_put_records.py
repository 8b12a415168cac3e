"""PutRecords: the AWS CLI seed (reference/seeds/put-records.awscli.md) verbatim, then limits through boto3."""

from __future__ import annotations

import base64
import collections
import re
import unittest

from botocore.exceptions import ClientError

from support import (
    ACCOUNT,
    ONE_MIB,
    KinesisTestCase,
    aws,
    partition_key_hash,
    shard_for_hash,
    unique_name,
)

SEQUENCE_NUMBER = r"^[1-9]\d{49,59}$"  # AWS's are 56 digits

# The seed's stream name, used verbatim; the test deletes it again so reruns against one server work.
SEED_STREAM = "samplestream"


class AwsCliPutRecordsSeedTests(KinesisTestCase):
    def test_the_documented_put_records_example_works_with_the_aws_cli(self):
        created = aws("create-stream", "--stream-name", SEED_STREAM, "--shard-count", "3")
        if created.returncode != 0 and "ResourceInUseException" not in created.stderr:
            self.fail(repr(created))
        self.addCleanup(self.delete_stream_quietly, SEED_STREAM)
        waited = aws("wait", "stream-exists", "--stream-name", SEED_STREAM)
        self.assertEqual(0, waited.returncode, repr(waited))

        # Verbatim from the seed, plus endpoint and region (added by aws()).
        result = aws(
            "put-records",
            "--stream-name", "samplestream",
            "--records", "Data=blob1,PartitionKey=partitionkey1", "Data=blob2,PartitionKey=partitionkey2",
        )

        self.assertEqual(0, result.returncode, repr(result))
        output = result.json()
        self.assertEqual(0, output["FailedRecordCount"], repr(result))
        self.assertEqual(2, len(output["Records"]), repr(result))
        shards = self.kinesis.list_shards(StreamName=SEED_STREAM)["Shards"]
        for entry, key in zip(output["Records"], ["partitionkey1", "partitionkey2"]):
            self.assertRegex(entry["SequenceNumber"], SEQUENCE_NUMBER)
            self.assertEqual(shard_for_hash(shards, partition_key_hash(key)), entry["ShardId"], f"in request order: {key}")
            self.assertNotIn("ErrorCode", entry)
        self.assertEqual("NONE", output.get("EncryptionType", "NONE"))

        # Reading back with the CLI yields the two blobs (the CLI prints Data base64-encoded).
        found = {}
        for entry in output["Records"]:
            iterator = aws(
                "get-shard-iterator", "--stream-name", SEED_STREAM, "--shard-id", entry["ShardId"],
                "--shard-iterator-type", "AT_SEQUENCE_NUMBER", "--starting-sequence-number", entry["SequenceNumber"],
            )
            self.assertEqual(0, iterator.returncode, repr(iterator))
            records = aws("get-records", "--shard-iterator", iterator.json()["ShardIterator"], "--limit", "1")
            self.assertEqual(0, records.returncode, repr(records))
            record = records.json()["Records"][0]
            found[record["PartitionKey"]] = base64.b64decode(record["Data"])
            self.assertEqual(entry["SequenceNumber"], record["SequenceNumber"])
        self.assertEqual({"partitionkey1": b"blob1", "partitionkey2": b"blob2"}, found)

    def test_the_aws_cli_reports_an_unknown_stream_the_aws_way(self):
        name = unique_name("cli-missing")

        result = aws("describe-stream-summary", "--stream-name", name)

        self.assertNotEqual(0, result.returncode, repr(result))
        # v2 inserts "(reached max retries: 0)" before the colon; the rest is the same.
        self.assertRegex(
            result.stderr,
            r"An error occurred \(ResourceNotFoundException\) when calling the DescribeStreamSummary operation"
            r"( \(reached max retries: \d+\))?: " + re.escape(f"Stream {name} under account {ACCOUNT} not found."),
        )

    def test_the_aws_cli_lists_and_deletes_a_stream(self):
        name = unique_name("cli-list")
        created = aws("create-stream", "--stream-name", name, "--shard-count", "3")
        self.assertEqual(0, created.returncode, repr(created))
        self.addCleanup(self.delete_stream_quietly, name)

        listed = aws("list-shards", "--stream-name", name)
        self.assertEqual(0, listed.returncode, repr(listed))
        self.assertEqual(
            ["shardId-000000000000", "shardId-000000000001", "shardId-000000000002"],
            [shard["ShardId"] for shard in listed.json()["Shards"]],
        )
        deleted = aws("delete-stream", "--stream-name", name)
        self.assertEqual(0, deleted.returncode, repr(deleted))
        self.assertEqual("", deleted.stdout.strip(), "DeleteStream has no output")


class PutRecordsTests(KinesisTestCase):
    def test_results_come_back_in_request_order_with_the_hashed_shard(self):
        name = self.create_stream("order", ShardCount=3)
        shards = self.kinesis.list_shards(StreamName=name)["Shards"]
        keys = [f"key-{index}" for index in range(30)]

        response = self.kinesis.put_records(
            StreamName=name, Records=[{"Data": key.encode(), "PartitionKey": key} for key in keys]
        )

        self.assertEqual(0, response["FailedRecordCount"])
        self.assertEqual(len(keys), len(response["Records"]))
        for key, entry in zip(keys, response["Records"]):
            self.assertEqual(shard_for_hash(shards, partition_key_hash(key)), entry["ShardId"], key)
            self.assertRegex(entry["SequenceNumber"], SEQUENCE_NUMBER)

    def test_explicit_hash_keys_route_entries(self):
        name = self.create_stream("explicit", ShardCount=3)

        response = self.kinesis.put_records(
            StreamName=name,
            Records=[
                {"Data": b"a", "PartitionKey": "same", "ExplicitHashKey": "0"},
                {"Data": b"b", "PartitionKey": "same", "ExplicitHashKey": "200000000000000000000000000000000000000"},
                {"Data": b"c", "PartitionKey": "same", "ExplicitHashKey": "340282366920938463463374607431768211455"},
            ],
        )

        self.assertEqual(
            ["shardId-000000000000", "shardId-000000000001", "shardId-000000000002"],
            [entry["ShardId"] for entry in response["Records"]],
        )

    def test_500_entries_are_accepted_and_501_are_a_validation_error(self):
        name = self.create_stream("five-hundred", ShardCount=2)
        entries = [{"Data": f"record {i}".encode(), "PartitionKey": f"pk-{i}"} for i in range(501)]

        accepted = self.kinesis.put_records(StreamName=name, Records=entries[:500])
        self.assertEqual(0, accepted["FailedRecordCount"])
        self.assertEqual(500, len(accepted["Records"]))

        with self.assertRaises(ClientError) as context:
            self.kinesis.put_records(StreamName=name, Records=entries)
        self.assert_client_error(
            context,
            "ValidationException",
            "1 validation error detected: Value at 'records' failed to satisfy constraint: "
            "Member must have length less than or equal to 500.",
        )

    def test_an_empty_record_list_is_a_validation_error(self):
        name = self.create_stream("empty-list", ShardCount=1)

        with self.assertRaises(ClientError) as context:
            self.raw_kinesis.put_records(StreamName=name, Records=[])

        self.assert_client_error(
            context,
            "ValidationException",
            "1 validation error detected: Value at 'records' failed to satisfy constraint: "
            "Member must have length greater than or equal to 1.",
        )

    def test_an_oversized_entry_fails_the_whole_request(self):
        name = self.create_stream("entry-big", ShardCount=1)

        with self.assertRaises(ClientError) as context:
            self.kinesis.put_records(
                StreamName=name,
                Records=[
                    {"Data": b"fine", "PartitionKey": "k"},
                    {"Data": b"\0" * (ONE_MIB + 1), "PartitionKey": "k"},
                ],
            )

        self.assert_client_error(
            context,
            "ValidationException",
            "1 validation error detected: Value at 'records.2.member.data' failed to satisfy constraint: "
            "Member must have length less than or equal to 1048576.",
        )
        iterator = self.iterator(name, "shardId-000000000000", "TRIM_HORIZON")
        self.assertEqual([], self.kinesis.get_records(ShardIterator=iterator)["Records"], "nothing was written")

    def test_a_request_over_10_mib_in_total_is_rejected(self):
        name = self.create_stream("ten-mib", ShardCount=1)
        # Eleven records just under 1 MiB each: every entry is valid, the request is about 11 MB.
        chunk = b"\x5a" * (ONE_MIB - 100)
        entries = [{"Data": chunk, "PartitionKey": f"k{i}"} for i in range(11)]

        with self.assertRaises(ClientError) as context:
            self.kinesis.put_records(StreamName=name, Records=entries)

        self.assert_client_error(context, {"InvalidArgumentException", "ValidationException"})
        iterator = self.iterator(name, "shardId-000000000000", "TRIM_HORIZON")
        self.assertEqual([], self.kinesis.get_records(ShardIterator=iterator, Limit=1)["Records"], "nothing was written")

    def test_sequence_numbers_are_unique_and_strictly_increasing_per_shard(self):
        name = self.create_stream("monotonic", ShardCount=3)

        issued: dict[str, list[int]] = collections.defaultdict(list)
        all_numbers: list[int] = []
        for batch in range(4):
            response = self.kinesis.put_records(
                StreamName=name,
                Records=[{"Data": f"{batch}-{i}".encode(), "PartitionKey": f"pk-{i}"} for i in range(50)],
            )
            self.assertEqual(0, response["FailedRecordCount"])
            per_shard: dict[str, list[int]] = collections.defaultdict(list)
            for entry in response["Records"]:
                per_shard[entry["ShardId"]].append(int(entry["SequenceNumber"]))
            for shard_id, numbers in per_shard.items():
                if issued[shard_id]:
                    self.assertGreater(min(numbers), max(issued[shard_id]), f"later call, later numbers on {shard_id}")
                issued[shard_id].extend(numbers)
                all_numbers.extend(numbers)

        self.assertEqual(len(all_numbers), len(set(all_numbers)), "sequence numbers are unique in the stream")
        for shard_id, numbers in issued.items():
            records = self.read_records(self.iterator(name, shard_id, "TRIM_HORIZON"), expected=len(numbers))
            read = [int(record["SequenceNumber"]) for record in records]
            self.assertEqual(sorted(numbers), read, f"{shard_id} reads back every record in sequence order")
            self.assertEqual(sorted(set(read)), read, f"{shard_id} strictly increasing")


if __name__ == "__main__":
    unittest.main()
