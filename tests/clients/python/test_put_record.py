"""The boto3 `put_record` seed (reference/seeds/put_record.boto3.rst): results, routing, limits and errors."""

from __future__ import annotations

import unittest

from botocore.exceptions import ClientError

from support import (
    ACCOUNT,
    MAX_HASH_KEY,
    ONE_MIB,
    KinesisTestCase,
    requires_member,
    not_found_message,
    partition_key_hash,
    shard_for_hash,
    stream_arn,
    unique_name,
)

SEQUENCE_NUMBER = r"^[1-9]\d{49,59}$"  # AWS's are 56 digits


def length_message(member: str, relation: str, bound: int) -> str:
    return (
        f"1 validation error detected: Value at '{member}' failed to satisfy constraint: "
        f"Member must have length {relation} {bound}."
    )


class PutRecordTests(KinesisTestCase):
    def test_put_record_returns_shard_id_sequence_number_and_encryption_type(self):
        name = self.create_stream("seed", ShardCount=1)

        response = self.kinesis.put_record(StreamName=name, Data=b"hello, world", PartitionKey="partition-1")

        self.assertEqual("shardId-000000000000", response["ShardId"])
        self.assertRegex(response["SequenceNumber"], SEQUENCE_NUMBER)
        self.assertEqual("NONE", response.get("EncryptionType"), "the seed's response includes EncryptionType")
        self.assertEqual(200, response["ResponseMetadata"]["HTTPStatusCode"])
        headers = response["ResponseMetadata"]["HTTPHeaders"]
        self.assertTrue(headers.get("x-amzn-requestid"), "every response carries x-amzn-RequestId")
        self.assertTrue(response["ResponseMetadata"].get("RequestId"))

    def test_a_dry_run_checks_everything_and_writes_nothing(self):
        name = self.create_stream("dry-run", ShardCount=1)

        with self.assertRaises(ClientError) as context:
            self.kinesis.put_record(StreamName=name, Data=b"dry", PartitionKey="k", DryRun=True)
        self.assert_client_error(context, "DryRunOperationException", "The request was rejected because the DryRun parameter was specified.")

        with self.assertRaises(ClientError) as context:
            self.kinesis.put_record(StreamName=unique_name("missing"), Data=b"dry", PartitionKey="k", DryRun=True)
        self.assertEqual("ResourceNotFoundException", context.exception.response["Error"]["Code"])

        iterator = self.kinesis.get_shard_iterator(StreamName=name, ShardId="shardId-000000000000", ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        self.assertEqual([], self.kinesis.get_records(ShardIterator=iterator)["Records"])

    def test_the_md5_of_the_partition_key_picks_the_shard(self):
        name = self.create_stream("md5", ShardCount=3)
        shards = self.kinesis.list_shards(StreamName=name)["Shards"]

        seen = set()
        for index in range(24):
            key = f"user-{index}"
            response = self.kinesis.put_record(StreamName=name, Data=b"x", PartitionKey=key)
            expected = shard_for_hash(shards, partition_key_hash(key))
            self.assertEqual(expected, response["ShardId"], f"partition key {key!r} (md5 {partition_key_hash(key)})")
            seen.add(response["ShardId"])
        self.assertEqual(3, len(seen), "24 keys reach all three shards")

    def test_a_unicode_partition_key_is_hashed_as_utf8(self):
        name = self.create_stream("md5-utf8", ShardCount=3)
        shards = self.kinesis.list_shards(StreamName=name)["Shards"]

        for key in ["clé", "ключ", "键", "🔑"]:
            response = self.kinesis.put_record(StreamName=name, Data=b"x", PartitionKey=key)
            self.assertEqual(shard_for_hash(shards, partition_key_hash(key)), response["ShardId"], key)

    def test_explicit_hash_key_overrides_the_partition_key(self):
        name = self.create_stream("explicit", ShardCount=3)
        key = "always-the-same-key"
        natural = shard_for_hash(self.kinesis.list_shards(StreamName=name)["Shards"], partition_key_hash(key))

        for hash_key, shard in [
            ("0", "shardId-000000000000"),
            ("113427455640312821154458202477256070484", "shardId-000000000000"),
            ("113427455640312821154458202477256070485", "shardId-000000000001"),
            ("226854911280625642308916404954512140970", "shardId-000000000002"),
            (str(MAX_HASH_KEY), "shardId-000000000002"),
        ]:
            response = self.kinesis.put_record(StreamName=name, Data=b"x", PartitionKey=key, ExplicitHashKey=hash_key)
            self.assertEqual(shard, response["ShardId"], f"ExplicitHashKey {hash_key} (key alone -> {natural})")

    def test_explicit_hash_key_of_2_pow_128_is_invalid_argument(self):
        name = self.create_stream("explicit-big", ShardCount=1)

        with self.assertRaises(ClientError) as context:
            self.kinesis.put_record(
                StreamName=name, Data=b"x", PartitionKey="k", ExplicitHashKey="340282366920938463463374607431768211456"
            )

        self.assert_client_error(
            context,
            "InvalidArgumentException",
            "Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. "
            "Specified value was 340282366920938463463374607431768211456",
        )

    def test_a_non_numeric_explicit_hash_key_is_a_validation_error(self):
        name = self.create_stream("explicit-text", ShardCount=1)

        with self.assertRaises(ClientError) as context:
            self.kinesis.put_record(StreamName=name, Data=b"x", PartitionKey="k", ExplicitHashKey="not-a-number")

        self.assert_client_error(
            context,
            "ValidationException",
            "1 validation error detected: Value at 'explicitHashKey' failed to satisfy constraint: "
            "Member must satisfy regular expression pattern: ^(0|([1-9]\\d{0,38}))$.",
        )

    def test_a_partition_key_of_257_characters_is_a_validation_error(self):
        name = self.create_stream("pk-long", ShardCount=1)

        self.kinesis.put_record(StreamName=name, Data=b"x", PartitionKey="k" * 256)  # the maximum is fine
        with self.assertRaises(ClientError) as context:
            self.kinesis.put_record(StreamName=name, Data=b"x", PartitionKey="k" * 257)

        self.assert_client_error(context, "ValidationException", length_message("partitionKey", "less than or equal to", 256))

    def test_an_empty_partition_key_is_a_validation_error(self):
        name = self.create_stream("pk-empty", ShardCount=1)

        # botocore refuses an empty key itself; the raw client lets the server answer.
        with self.assertRaises(ClientError) as context:
            self.raw_kinesis.put_record(StreamName=name, Data=b"x", PartitionKey="")

        self.assert_client_error(context, "ValidationException", length_message("partitionKey", "greater than or equal to", 1))

    def test_data_over_one_mib_is_a_validation_error(self):
        name = self.create_stream("data-big", ShardCount=1)

        with self.assertRaises(ClientError) as context:
            self.kinesis.put_record(StreamName=name, Data=b"\0" * (ONE_MIB + 1), PartitionKey="k")

        self.assert_client_error(context, "ValidationException", length_message("data", "less than or equal to", ONE_MIB))

    def test_data_plus_partition_key_is_limited_to_one_mib(self):
        name = self.create_stream("data-edge", ShardCount=1)
        key = "0123456789"

        accepted = self.kinesis.put_record(StreamName=name, Data=b"\0" * (ONE_MIB - len(key)), PartitionKey=key)
        self.assertEqual("shardId-000000000000", accepted["ShardId"], "data + key of exactly 1 MiB fits")

        with self.assertRaises(ClientError) as context:
            self.kinesis.put_record(StreamName=name, Data=b"\0" * (ONE_MIB - len(key) + 1), PartitionKey=key)
        self.assert_client_error(context, "ValidationException")

    @requires_member("CreateStream", "MaxRecordSizeInKiB")
    def test_a_stream_with_max_record_size_2048_kib_takes_a_1_5_mib_record(self):
        name = self.create_stream("data-2mib", ShardCount=1, MaxRecordSizeInKiB=2048)
        payload = bytes(range(256)) * (3 * ONE_MIB // 2 // 256)
        self.assertEqual(3 * ONE_MIB // 2, len(payload))

        put = self.kinesis.put_record(StreamName=name, Data=payload, PartitionKey="big")

        records = self.read_records(self.iterator(name, put["ShardId"], "TRIM_HORIZON"), expected=1)
        self.assertEqual(1, len(records))
        self.assertEqual(put["SequenceNumber"], records[0]["SequenceNumber"])
        self.assertTrue(records[0]["Data"] == payload, "the 1.5 MiB record reads back unchanged")
        with self.assertRaises(ClientError) as context:
            self.kinesis.put_record(StreamName=name, Data=b"\0" * (2 * ONE_MIB + 1), PartitionKey="k")
        self.assert_client_error(context, "ValidationException")

    def test_sequence_number_for_ordering_gives_strictly_increasing_numbers(self):
        name = self.create_stream("ordering", ShardCount=2)

        previous = self.kinesis.put_record(StreamName=name, Data=b"0", PartitionKey="ordered")
        numbers = [int(previous["SequenceNumber"])]
        for index in range(1, 6):
            previous = self.kinesis.put_record(
                StreamName=name,
                Data=str(index).encode(),
                PartitionKey="ordered",
                SequenceNumberForOrdering=previous["SequenceNumber"],
            )
            numbers.append(int(previous["SequenceNumber"]))

        self.assertEqual(sorted(set(numbers)), numbers, f"strictly increasing: {numbers}")

    def test_an_invalid_sequence_number_for_ordering_is_invalid_argument(self):
        name = self.create_stream("ordering-bad", ShardCount=1)
        # Matches the model pattern but is no sequence number Kinesis could have issued (version nibble 0).
        bogus = "1" + "0" * 55

        with self.assertRaises(ClientError) as context:
            self.kinesis.put_record(StreamName=name, Data=b"x", PartitionKey="k", SequenceNumberForOrdering=bogus)

        self.assert_client_error(
            context,
            "InvalidArgumentException",
            f"ExclusiveMinimumSequenceNumber {bogus} used in PutRecord on stream {name} under account {ACCOUNT} is invalid.",
        )

    def test_an_unknown_stream_is_resource_not_found(self):
        name = unique_name("nowhere")

        with self.assertRaises(ClientError) as context:
            self.kinesis.put_record(StreamName=name, Data=b"x", PartitionKey="k")

        self.assert_client_error(context, "ResourceNotFoundException", not_found_message(name))

    @requires_member("PutRecord", "StreamARN")
    def test_the_stream_arn_can_replace_the_stream_name(self):
        name = self.create_stream("by-arn", ShardCount=1)

        put = self.kinesis.put_record(StreamARN=stream_arn(name), Data=b"via arn", PartitionKey="k")

        records = self.read_records(self.iterator(name, put["ShardId"], "TRIM_HORIZON"), expected=1)
        self.assertEqual([b"via arn"], [record["Data"] for record in records])

    @requires_member("PutRecord", "StreamARN")
    def test_an_arn_of_an_unknown_stream_is_resource_not_found(self):
        name = unique_name("nowhere-arn")

        with self.assertRaises(ClientError) as context:
            self.kinesis.put_record(StreamARN=stream_arn(name), Data=b"x", PartitionKey="k")

        self.assert_client_error(context, "ResourceNotFoundException", not_found_message(name))

    @requires_member("PutRecord", "StreamARN")
    def test_a_stream_name_and_arn_that_disagree_are_rejected(self):
        named = self.create_stream("disagree-name", ShardCount=1)
        other = self.create_stream("disagree-arn", ShardCount=1)

        with self.assertRaises(ClientError) as context:
            self.kinesis.put_record(StreamName=named, StreamARN=stream_arn(other), Data=b"x", PartitionKey="k")

        # AWS's exact answer is not documented; any 400 that writes nothing is what a user relies on.
        self.assert_client_error(
            context, {"InvalidArgumentException", "ValidationException", "ResourceNotFoundException"}
        )
        for stream in (named, other):
            iterator = self.iterator(stream, "shardId-000000000000", "TRIM_HORIZON")
            self.assertEqual([], self.kinesis.get_records(ShardIterator=iterator)["Records"], f"nothing written to {stream}")


if __name__ == "__main__":
    unittest.main()
