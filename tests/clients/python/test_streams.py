"""Stream lifecycle through boto3: CreateStream, DescribeStream(Summary), ListStreams, ListShards, DeleteStream."""

from __future__ import annotations

import datetime
import unittest

from botocore.exceptions import ClientError

from support import (
    ACCOUNT,
    MAX_HASH_KEY,
    KinesisTestCase,
    requires_member,
    not_found_message,
    now_utc,
    stream_arn,
    unique_name,
)

# AWS's split of the hash space for a three-shard stream (wire reference §5.1).
THREE_SHARD_RANGES = [
    ("0", "113427455640312821154458202477256070484"),
    ("113427455640312821154458202477256070485", "226854911280625642308916404954512140969"),
    ("226854911280625642308916404954512140970", "340282366920938463463374607431768211455"),
]


def close_to_now(value: datetime.datetime, seconds: float = 120) -> bool:
    return abs((now_utc() - value).total_seconds()) <= seconds


class CreateAndDescribeStreamTests(KinesisTestCase):
    def test_a_provisioned_stream_is_described_with_its_shards_arn_and_defaults(self):
        name = self.create_stream("describe", ShardCount=3)

        description = self.kinesis.describe_stream(StreamName=name)["StreamDescription"]

        self.assertEqual(name, description["StreamName"])
        self.assertEqual(stream_arn(name), description["StreamARN"])
        self.assertEqual("ACTIVE", description["StreamStatus"])
        self.assertEqual({"StreamMode": "PROVISIONED"}, description.get("StreamModeDetails"))
        self.assertEqual(24, description["RetentionPeriodHours"])
        self.assertFalse(description["HasMoreShards"])
        self.assertEqual("NONE", description.get("EncryptionType", "NONE"))
        self.assertEqual([{"ShardLevelMetrics": []}], description["EnhancedMonitoring"])
        self.assertIsInstance(description["StreamCreationTimestamp"], datetime.datetime)
        self.assertTrue(close_to_now(description["StreamCreationTimestamp"]), description["StreamCreationTimestamp"])
        shards = description["Shards"]
        self.assertEqual(
            ["shardId-000000000000", "shardId-000000000001", "shardId-000000000002"],
            [shard["ShardId"] for shard in shards],
        )
        self.assertEqual(
            THREE_SHARD_RANGES,
            [(s["HashKeyRange"]["StartingHashKey"], s["HashKeyRange"]["EndingHashKey"]) for s in shards],
        )
        for shard in shards:
            self.assertRegex(shard["SequenceNumberRange"]["StartingSequenceNumber"], r"^(0|[1-9]\d{0,128})$")
            self.assertNotIn("EndingSequenceNumber", shard["SequenceNumberRange"], "a new shard is open")
            self.assertNotIn("ParentShardId", shard)

    def test_describe_stream_summary_reports_counts_mode_and_record_size(self):
        name = self.create_stream("summary", ShardCount=2)

        summary = self.kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]

        self.assertEqual(name, summary["StreamName"])
        self.assertEqual(stream_arn(name), summary["StreamARN"])
        self.assertEqual("ACTIVE", summary["StreamStatus"])
        self.assertEqual({"StreamMode": "PROVISIONED"}, summary.get("StreamModeDetails"))
        self.assertEqual(2, summary["OpenShardCount"])
        self.assertEqual(0, summary.get("ConsumerCount", 0))
        self.assertEqual(24, summary["RetentionPeriodHours"])
        self.assertEqual("NONE", summary.get("EncryptionType", "NONE"))
        self.assertEqual([{"ShardLevelMetrics": []}], summary["EnhancedMonitoring"])
        self.assertTrue(close_to_now(summary["StreamCreationTimestamp"]))
        if "MaxRecordSizeInKiB" in summary:
            self.assertEqual(1024, summary["MaxRecordSizeInKiB"], "default maximum record size is 1 MiB")

    def test_an_on_demand_stream_reports_its_mode_and_accepts_records(self):
        name = self.create_stream("ondemand", StreamModeDetails={"StreamMode": "ON_DEMAND"})

        summary = self.kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]
        self.assertEqual({"StreamMode": "ON_DEMAND"}, summary["StreamModeDetails"])
        self.assertGreaterEqual(summary["OpenShardCount"], 1)
        shards = self.list_all_shards(name)
        self.assertEqual(summary["OpenShardCount"], len(shards))
        self.assertEqual("0", shards[0]["HashKeyRange"]["StartingHashKey"])
        self.assertEqual(str(MAX_HASH_KEY), shards[-1]["HashKeyRange"]["EndingHashKey"])

        put = self.kinesis.put_record(StreamName=name, Data=b"on-demand", PartitionKey="k")
        self.assertIn(put["ShardId"], [shard["ShardId"] for shard in shards])

    @requires_member("CreateStream", "MaxRecordSizeInKiB")
    def test_max_record_size_chosen_at_creation_is_reported(self):
        name = self.create_stream("maxrecord", ShardCount=1, MaxRecordSizeInKiB=2048)

        summary = self.kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]

        self.assertEqual(2048, summary.get("MaxRecordSizeInKiB"), summary)

    @requires_member("CreateStream", "Tags")
    def test_tags_given_at_creation_are_listed(self):
        tags = {"team": "ingest", "env": "test"}
        name = self.create_stream("tags", ShardCount=1, Tags=tags)

        listed = self.kinesis.list_tags_for_stream(StreamName=name)

        self.assertEqual(tags, {tag["Key"]: tag["Value"] for tag in listed["Tags"]})
        self.assertFalse(listed["HasMoreTags"])

    def test_creating_an_existing_stream_is_resource_in_use(self):
        name = self.create_stream("twice", ShardCount=1)

        with self.assertRaises(ClientError) as context:
            self.kinesis.create_stream(StreamName=name, ShardCount=1)

        self.assert_client_error(
            context, "ResourceInUseException", f"Stream {name} under account {ACCOUNT} already exists."
        )

    def test_describing_an_unknown_stream_is_resource_not_found(self):
        name = unique_name("missing")

        with self.assertRaises(ClientError) as context:
            self.kinesis.describe_stream(StreamName=name)
        self.assert_client_error(context, "ResourceNotFoundException", not_found_message(name))

        with self.assertRaises(ClientError) as context:
            self.kinesis.describe_stream_summary(StreamName=name)
        self.assert_client_error(context, "ResourceNotFoundException", not_found_message(name))


class ListStreamsTests(KinesisTestCase):
    @requires_member("ListStreams", "StreamSummaries", output=True)
    def test_list_streams_returns_names_and_summaries_of_new_streams(self):
        first = self.create_stream("list-a", ShardCount=1)
        second = self.create_stream("list-b", StreamModeDetails={"StreamMode": "ON_DEMAND"})

        names, summaries = self.list_all_streams()

        self.assertIn(first, names)
        self.assertIn(second, names)
        self.assertEqual(len(names), len(set(names)), "no stream is listed twice across pages")
        self.assertEqual(sorted(names), names, "ListStreams lists names in lexicographic order")
        self.assertIn(first, summaries, "StreamSummaries lists the stream too")
        self.assertEqual(stream_arn(first), summaries[first]["StreamARN"])
        self.assertEqual("ACTIVE", summaries[first]["StreamStatus"])
        self.assertEqual({"StreamMode": "PROVISIONED"}, summaries[first]["StreamModeDetails"])
        self.assertTrue(close_to_now(summaries[first]["StreamCreationTimestamp"]))
        self.assertEqual({"StreamMode": "ON_DEMAND"}, summaries[second]["StreamModeDetails"])

    @requires_member("ListStreams", "NextToken", output=True)
    def test_list_streams_with_a_limit_reports_more_streams(self):
        self.create_stream("limit-a", ShardCount=1)
        self.create_stream("limit-b", ShardCount=1)

        page = self.kinesis.list_streams(Limit=1)

        self.assertEqual(1, len(page["StreamNames"]))
        self.assertTrue(page["HasMoreStreams"])
        self.assertIn("NextToken", page)
        following = self.kinesis.list_streams(NextToken=page["NextToken"], Limit=1)
        self.assertEqual(1, len(following["StreamNames"]))
        self.assertNotEqual(page["StreamNames"], following["StreamNames"])


class ListShardsTests(KinesisTestCase):
    def test_three_shards_split_the_hash_space_evenly(self):
        name = self.create_stream("listshards", ShardCount=3)

        shards = self.kinesis.list_shards(StreamName=name)["Shards"]

        self.assertEqual(
            ["shardId-000000000000", "shardId-000000000001", "shardId-000000000002"],
            [shard["ShardId"] for shard in shards],
        )
        self.assertEqual(
            THREE_SHARD_RANGES,
            [(s["HashKeyRange"]["StartingHashKey"], s["HashKeyRange"]["EndingHashKey"]) for s in shards],
        )

    @requires_member("ListShards", "StreamARN")
    def test_list_shards_accepts_the_stream_arn(self):
        name = self.create_stream("listshards-arn", ShardCount=2)

        shards = self.kinesis.list_shards(StreamARN=stream_arn(name))["Shards"]

        self.assertEqual(["shardId-000000000000", "shardId-000000000001"], [s["ShardId"] for s in shards])

    def test_list_shards_pages_with_max_results(self):
        name = self.create_stream("listshards-page", ShardCount=3)

        first = self.kinesis.list_shards(StreamName=name, MaxResults=2)
        self.assertEqual(2, len(first["Shards"]))
        self.assertIn("NextToken", first)
        rest = self.kinesis.list_shards(NextToken=first["NextToken"])

        self.assertEqual(["shardId-000000000002"], [s["ShardId"] for s in rest["Shards"]])
        self.assertNotIn("NextToken", rest, "no token after the last page")

    def test_list_shards_for_an_unknown_stream_is_resource_not_found(self):
        name = unique_name("listshards-missing")

        with self.assertRaises(ClientError) as context:
            self.kinesis.list_shards(StreamName=name)

        self.assert_client_error(context, "ResourceNotFoundException", not_found_message(name))


class DeleteStreamTests(KinesisTestCase):
    def test_a_deleted_stream_is_gone_for_describe_put_and_list(self):
        name = self.create_stream("delete", ShardCount=1)

        self.kinesis.delete_stream(StreamName=name)
        self.kinesis.get_waiter("stream_not_exists").wait(
            StreamName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 20}
        )

        with self.assertRaises(ClientError) as context:
            self.kinesis.describe_stream_summary(StreamName=name)
        self.assert_client_error(context, "ResourceNotFoundException", not_found_message(name))
        with self.assertRaises(ClientError) as context:
            self.kinesis.put_record(StreamName=name, Data=b"late", PartitionKey="k")
        self.assert_client_error(context, "ResourceNotFoundException", not_found_message(name))
        with self.assertRaises(ClientError) as context:
            self.kinesis.delete_stream(StreamName=name)
        self.assert_client_error(context, "ResourceNotFoundException", not_found_message(name))
        self.assertNotIn(name, self.list_all_streams()[0])

    def test_a_deleted_name_can_be_created_again_empty(self):
        name = self.create_stream("recreate", ShardCount=1)
        self.kinesis.put_record(StreamName=name, Data=b"old", PartitionKey="k")
        self.kinesis.delete_stream(StreamName=name)
        self.kinesis.get_waiter("stream_not_exists").wait(
            StreamName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 20}
        )

        self.kinesis.create_stream(StreamName=name, ShardCount=1)
        self.wait_for_active(name)

        iterator = self.iterator(name, "shardId-000000000000", "TRIM_HORIZON")
        self.assertEqual([], self.kinesis.get_records(ShardIterator=iterator)["Records"])


if __name__ == "__main__":
    unittest.main()
