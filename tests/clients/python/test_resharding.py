"""Resharding through boto3: SplitShard, MergeShards, UpdateShardCount, and a consumer that follows lineage."""

from __future__ import annotations

import collections

from botocore.exceptions import ClientError

from support import ACCOUNT, MAX_HASH_KEY, KinesisTestCase

HALF = MAX_HASH_KEY // 2


class ReshardingTests(KinesisTestCase):
    def test_split_shard_closes_the_parent_and_opens_two_children(self):
        name = self.create_stream("split")

        self.kinesis.split_shard(StreamName=name, ShardToSplit="shardId-000000000000", NewStartingHashKey=str(HALF))
        self.wait_for_active(name)

        shards = self.list_all_shards(name)
        self.assertEqual(["shardId-000000000000", "shardId-000000000001", "shardId-000000000002"], [s["ShardId"] for s in shards])
        self.assertIn("EndingSequenceNumber", shards[0]["SequenceNumberRange"])
        self.assertEqual({"StartingHashKey": "0", "EndingHashKey": str(HALF - 1)}, shards[1]["HashKeyRange"])
        self.assertEqual({"StartingHashKey": str(HALF), "EndingHashKey": str(MAX_HASH_KEY)}, shards[2]["HashKeyRange"])
        self.assertEqual(["shardId-000000000000"] * 2, [s["ParentShardId"] for s in shards[1:]])

    def test_split_shard_errors_are_aws_errors(self):
        name = self.create_stream("split-errors")

        with self.assertRaises(ClientError) as context:
            self.kinesis.split_shard(StreamName=name, ShardToSplit="shardId-000000000042", NewStartingHashKey="100")
        self.assert_client_error(
            context, "ResourceNotFoundException", f"Could not find shard shardId-000000000042 in stream {name} under account {ACCOUNT}."
        )
        with self.assertRaises(ClientError) as context:
            self.kinesis.split_shard(StreamName=name, ShardToSplit="shardId-000000000000", NewStartingHashKey="1")
        self.assert_client_error(
            context,
            "InvalidArgumentException",
            f"NewStartingHashKey 1 used in SplitShard() on shard shardId-000000000000 in stream {name} under account {ACCOUNT} "
            f"is not both greater than one plus the shard's StartingHashKey 0 and less than the shard's EndingHashKey {MAX_HASH_KEY}.",
        )

    def test_merge_shards_needs_adjacent_shards_and_names_both_parents(self):
        name = self.create_stream("merge", ShardCount=3)

        with self.assertRaises(ClientError) as context:
            self.kinesis.merge_shards(StreamName=name, ShardToMerge="shardId-000000000000", AdjacentShardToMerge="shardId-000000000002")
        self.assert_client_error(
            context,
            "InvalidArgumentException",
            f"Shards shardId-000000000000 and shardId-000000000002 in stream {name} under account {ACCOUNT} are not an adjacent pair of shards eligible for merging",
        )

        self.kinesis.merge_shards(StreamName=name, ShardToMerge="shardId-000000000000", AdjacentShardToMerge="shardId-000000000001")
        self.wait_for_active(name)

        child = self.list_all_shards(name)[-1]
        self.assertEqual("shardId-000000000003", child["ShardId"])
        self.assertEqual(("shardId-000000000000", "shardId-000000000001"), (child["ParentShardId"], child["AdjacentParentShardId"]))
        open_shards = self.kinesis.list_shards(StreamName=name, ShardFilter={"Type": "AT_LATEST"})["Shards"]
        self.assertEqual(["shardId-000000000002", "shardId-000000000003"], [s["ShardId"] for s in open_shards])

    def test_update_shard_count_scales_uniformly_within_aws_bounds(self):
        name = self.create_stream("scale", ShardCount=2)

        output = self.kinesis.update_shard_count(StreamName=name, TargetShardCount=3, ScalingType="UNIFORM_SCALING")
        self.wait_for_active(name)

        self.assertEqual((2, 3, name), (output["CurrentShardCount"], output["TargetShardCount"], output["StreamName"]))
        summary = self.kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]
        self.assertEqual(3, summary["OpenShardCount"])
        open_shards = self.kinesis.list_shards(StreamName=name, ShardFilter={"Type": "AT_LATEST"})["Shards"]
        starts = sorted(int(s["HashKeyRange"]["StartingHashKey"]) for s in open_shards)
        width = (MAX_HASH_KEY + 1) // 3
        self.assertEqual([0, width, 2 * width], starts)

        with self.assertRaises(ClientError) as context:
            self.kinesis.update_shard_count(StreamName=name, TargetShardCount=7, ScalingType="UNIFORM_SCALING")
        self.assert_client_error(context, "LimitExceededException")

    def test_a_consumer_following_lineage_reads_every_record_once_and_in_order_per_key(self):
        name = self.create_stream("lineage", ShardCount=2)
        written: collections.Counter[str] = collections.Counter()

        def write(count: int) -> None:
            entries = []
            for i in range(count):
                key = f"key-{i % 11}"
                entries.append({"PartitionKey": key, "Data": f"{key}:{written[key]}".encode()})
                written[key] += 1
            self.assertEqual(0, self.kinesis.put_records(StreamName=name, Records=entries)["FailedRecordCount"])

        write(50)
        self.kinesis.split_shard(StreamName=name, ShardToSplit="shardId-000000000000", NewStartingHashKey=str(MAX_HASH_KEY // 4))
        self.wait_for_active(name)
        write(50)
        self.kinesis.merge_shards(StreamName=name, ShardToMerge="shardId-000000000003", AdjacentShardToMerge="shardId-000000000001")
        self.wait_for_active(name)
        write(50)
        self.kinesis.update_shard_count(StreamName=name, TargetShardCount=4, ScalingType="UNIFORM_SCALING")
        self.wait_for_active(name)
        write(50)

        seen: dict[str, list[int]] = collections.defaultdict(list)
        for payload in self.read_by_lineage(name):
            key, number = payload.decode().split(":")
            seen[key].append(int(number))
        self.assertEqual({key: list(range(count)) for key, count in written.items()}, dict(seen))

    def read_by_lineage(self, name: str) -> list[bytes]:
        shards = self.list_all_shards(name)
        listed = {s["ShardId"] for s in shards}
        parents = {s["ShardId"]: [p for p in (s.get("ParentShardId"), s.get("AdjacentParentShardId")) if p in listed] for s in shards}
        done: set[str] = set()
        payloads: list[bytes] = []
        for _ in range(len(shards) + 1):
            ready = [s for s in shards if s["ShardId"] not in done and all(p in done for p in parents[s["ShardId"]])]
            if not ready:
                break
            for shard in ready:
                closed = "EndingSequenceNumber" in shard["SequenceNumberRange"]
                iterator = self.iterator(name, shard["ShardId"], "TRIM_HORIZON")
                for _ in range(1000):
                    page = self.kinesis.get_records(ShardIterator=iterator, Limit=9)
                    payloads.extend(r["Data"] for r in page["Records"])
                    iterator = page.get("NextShardIterator")
                    if iterator is None:
                        self.assertTrue(closed)
                        self.assertTrue(page["ChildShards"])
                        for child in page["ChildShards"]:
                            self.assertIn(shard["ShardId"], child["ParentShards"])
                        break
                    self.assertFalse(page.get("ChildShards"))
                    if not closed and not page["Records"] and page["MillisBehindLatest"] == 0:
                        break
                else:
                    self.fail(f"{shard['ShardId']} never ended")
                done.add(shard["ShardId"])
        self.assertEqual(listed, done)
        return payloads
