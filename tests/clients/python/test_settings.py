"""Stream and account settings through boto3: encryption, enhanced monitoring, capacity mode, maximum
record size, warm throughput, record distribution, DescribeLimits and the account's billing commitment.

Account-wide state (limits, the billing commitment) is tested in an account of its own: Rivulet takes a
12-digit access key ID as the caller's account, so each test that needs one makes a fresh account and
shares nothing with the other suites on the same server.
"""

from __future__ import annotations

import datetime
import random
import unittest
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from support import (
    ACCOUNT,
    REGION,
    SECRET_KEY,
    KinesisTestCase,
    endpoint,
    not_found_message,
    requires_member,
    stream_arn,
    unique_name,
)

ALL_METRICS = [
    "IncomingBytes",
    "IncomingRecords",
    "OutgoingBytes",
    "OutgoingRecords",
    "WriteProvisionedThroughputExceeded",
    "ReadProvisionedThroughputExceeded",
    "IteratorAgeMilliseconds",
]
KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/12345678-1234-1234-1234-123456789012"


def account_client(account: str, *, validate: bool = True):
    """A boto3 client whose access key ID is a 12-digit account number: the caller's account on Rivulet."""
    session = boto3.session.Session(aws_access_key_id=account, aws_secret_access_key=SECRET_KEY, region_name=REGION)
    return session.client(
        "kinesis",
        endpoint_url=endpoint(),
        config=Config(retries={"max_attempts": 0}, connect_timeout=5, read_timeout=30, parameter_validation=validate),
    )


def new_account() -> str:
    return "9" + "".join(random.choice("0123456789") for _ in range(11))


class SettingsTestCase(KinesisTestCase):
    def summary(self, name: str, client: Any = None) -> dict[str, Any]:
        return (client or self.kinesis).describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]

    def read_shard(self, name: str, client: Any = None, shard_id: str = "shardId-000000000000") -> list[dict[str, Any]]:
        client = client or self.kinesis
        iterator = client.get_shard_iterator(StreamName=name, ShardId=shard_id, ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        return client.get_records(ShardIterator=iterator)["Records"]

    def in_new_account(self) -> tuple[Any, Any, str]:
        account = new_account()
        client = account_client(account)
        raw = account_client(account, validate=False)
        return client, raw, account

    def create_in(self, client: Any, label: str, **kwargs: Any) -> str:
        name = unique_name(label)
        client.create_stream(StreamName=name, **kwargs)
        self.addCleanup(self._delete_quietly, client, name)
        return name

    @staticmethod
    def _delete_quietly(client: Any, name: str) -> None:
        try:
            client.delete_stream(StreamName=name, EnforceConsumerDeletion=True)
        except ClientError:
            pass


class EncryptionTests(SettingsTestCase):
    def test_an_encrypted_stream_says_so_in_describes_writes_and_reads(self):
        name = self.create_stream("encrypt")

        self.kinesis.start_stream_encryption(StreamName=name, EncryptionType="KMS", KeyId=KEY_ARN)

        description = self.kinesis.describe_stream(StreamName=name)["StreamDescription"]
        self.assertEqual(("KMS", KEY_ARN), (description["EncryptionType"], description["KeyId"]))
        self.assertEqual("KMS", self.summary(name)["EncryptionType"])
        self.assertEqual("KMS", self.kinesis.put_record(StreamName=name, PartitionKey="k", Data=b"x")["EncryptionType"])
        puts = self.kinesis.put_records(StreamName=name, Records=[{"PartitionKey": "k", "Data": b"y"}])
        self.assertEqual("KMS", puts["EncryptionType"])
        records = self.read_shard(name)
        self.assertEqual(["KMS", "KMS"], [record.get("EncryptionType") for record in records])

    def test_stopping_encryption_leaves_the_stream_unencrypted(self):
        name = self.create_stream("decrypt")
        self.kinesis.start_stream_encryption(StreamARN=stream_arn(name), EncryptionType="KMS", KeyId="alias/aws/kinesis")

        self.kinesis.stop_stream_encryption(StreamARN=stream_arn(name), EncryptionType="KMS", KeyId="alias/aws/kinesis")

        description = self.kinesis.describe_stream(StreamName=name)["StreamDescription"]
        self.assertEqual("NONE", description["EncryptionType"])
        self.assertNotIn("KeyId", description)
        self.assertEqual("NONE", self.kinesis.put_record(StreamName=name, PartitionKey="k", Data=b"x")["EncryptionType"])

    def test_a_bad_key_a_wrong_type_and_a_missing_stream_are_refused(self):
        name = self.create_stream("encrypt-errors")

        with self.assertRaises(ClientError) as bad_key:
            self.kinesis.start_stream_encryption(StreamName=name, EncryptionType="KMS", KeyId="not-a-key")
        self.assert_client_error(
            bad_key,
            "InvalidArgumentException",
            'KeyId not-a-key is not a valid KMS key. Specify a key ID, a key ARN, an alias name prefixed by "alias/" or an alias ARN.',
        )
        with self.assertRaises(ClientError) as none:
            self.kinesis.start_stream_encryption(StreamName=name, EncryptionType="NONE", KeyId="alias/aws/kinesis")
        self.assert_client_error(
            none, "InvalidArgumentException", "EncryptionType NONE is not valid for StartStreamEncryption. The only valid EncryptionType is KMS."
        )
        missing = unique_name("encrypt-missing")
        with self.assertRaises(ClientError) as not_found:
            self.kinesis.stop_stream_encryption(StreamName=missing, EncryptionType="KMS", KeyId="alias/aws/kinesis")
        self.assert_client_error(not_found, "ResourceNotFoundException", not_found_message(missing))


class MonitoringTests(SettingsTestCase):
    def test_all_enables_every_metric_and_disabling_takes_them_away(self):
        name = self.create_stream("monitor")

        enabled = self.kinesis.enable_enhanced_monitoring(StreamName=name, ShardLevelMetrics=["ALL"])

        self.assertEqual((name, stream_arn(name)), (enabled["StreamName"], enabled["StreamARN"]))
        self.assertEqual([], enabled["CurrentShardLevelMetrics"])
        self.assertEqual(ALL_METRICS, enabled["DesiredShardLevelMetrics"])
        self.assertEqual(
            [{"ShardLevelMetrics": ALL_METRICS}], self.kinesis.describe_stream(StreamName=name)["StreamDescription"]["EnhancedMonitoring"]
        )
        disabled = self.kinesis.disable_enhanced_monitoring(StreamName=name, ShardLevelMetrics=["IncomingBytes", "OutgoingBytes"])
        self.assertEqual(ALL_METRICS, disabled["CurrentShardLevelMetrics"])
        remaining = [m for m in ALL_METRICS if m not in ("IncomingBytes", "OutgoingBytes")]
        self.assertEqual(remaining, disabled["DesiredShardLevelMetrics"])
        self.assertEqual([{"ShardLevelMetrics": remaining}], self.summary(name)["EnhancedMonitoring"])

    def test_an_unknown_metric_and_a_missing_stream_are_refused(self):
        name = self.create_stream("monitor-errors")

        with self.assertRaises(ClientError) as unknown:
            self.raw_kinesis.enable_enhanced_monitoring(StreamName=name, ShardLevelMetrics=["Bytes"])
        self.assert_client_error(unknown, "ValidationException")
        missing = unique_name("monitor-missing")
        with self.assertRaises(ClientError) as not_found:
            self.kinesis.disable_enhanced_monitoring(StreamName=missing, ShardLevelMetrics=["ALL"])
        self.assert_client_error(not_found, "ResourceNotFoundException", not_found_message(missing))


class StreamModeTests(SettingsTestCase):
    def test_a_stream_goes_on_demand_and_back_twice_a_day_at_most(self):
        name = self.create_stream("mode", ShardCount=2)

        self.kinesis.update_stream_mode(StreamARN=stream_arn(name), StreamModeDetails={"StreamMode": "ON_DEMAND"})
        self.wait_for_active(name)

        summary = self.summary(name)
        self.assertEqual(({"StreamMode": "ON_DEMAND"}, 2), (summary["StreamModeDetails"], summary["OpenShardCount"]))
        self.kinesis.update_stream_mode(StreamARN=stream_arn(name), StreamModeDetails={"StreamMode": "PROVISIONED"})
        self.wait_for_active(name)
        with self.assertRaises(ClientError) as third:
            self.kinesis.update_stream_mode(StreamARN=stream_arn(name), StreamModeDetails={"StreamMode": "ON_DEMAND"})
        self.assert_client_error(
            third,
            "LimitExceededException",
            f"The capacity mode of stream {name} under account {ACCOUNT} has been switched 2 times in the last 24 hours, "
            "the most allowed in a rolling 24-hour period.",
        )

    def test_switching_to_the_current_mode_or_a_missing_stream_is_refused(self):
        name = self.create_stream("mode-errors")

        with self.assertRaises(ClientError) as same:
            self.kinesis.update_stream_mode(StreamARN=stream_arn(name), StreamModeDetails={"StreamMode": "PROVISIONED"})
        self.assert_client_error(same, "InvalidArgumentException", f"Stream {name} under account {ACCOUNT} is already in PROVISIONED mode.")
        missing = unique_name("mode-missing")
        with self.assertRaises(ClientError) as not_found:
            self.kinesis.update_stream_mode(StreamARN=stream_arn(missing), StreamModeDetails={"StreamMode": "ON_DEMAND"})
        self.assert_client_error(not_found, "ResourceNotFoundException", not_found_message(missing))


class MaxRecordSizeTests(SettingsTestCase):
    def test_a_larger_maximum_lets_larger_records_in(self):
        name = self.create_stream("max-size")
        record = b"\0" * (1536 * 1024)
        with self.assertRaises(ClientError) as too_large:
            self.kinesis.put_record(StreamName=name, PartitionKey="k", Data=record)
        self.assert_client_error(too_large, "ValidationException")

        self.kinesis.update_max_record_size(StreamARN=stream_arn(name), MaxRecordSizeInKiB=2048)
        self.wait_for_active(name)

        self.assertEqual(2048, self.summary(name)["MaxRecordSizeInKiB"])
        self.kinesis.put_record(StreamName=name, PartitionKey="k", Data=record)

    def test_sizes_outside_the_range_and_a_missing_arn_are_refused(self):
        name = self.create_stream("max-size-errors")

        with self.assertRaises(ClientError) as small:
            self.raw_kinesis.update_max_record_size(StreamARN=stream_arn(name), MaxRecordSizeInKiB=1023)
        self.assert_client_error(
            small,
            "ValidationException",
            "1 validation error detected: Value at 'maxRecordSizeInKiB' failed to satisfy constraint: "
            "Member must have value greater than or equal to 1024.",
        )
        with self.assertRaises(ClientError) as no_arn:
            self.kinesis.update_max_record_size(MaxRecordSizeInKiB=2048)
        self.assert_client_error(no_arn, "InvalidArgumentException", "StreamARN must be provided.")


class LimitsTests(SettingsTestCase):
    def test_a_fresh_account_counts_its_own_shards_and_on_demand_streams(self):
        client, _, _ = self.in_new_account()
        self.assertEqual(
            (20000, 0, 0, 50),
            tuple(client.describe_limits()[key] for key in ("ShardLimit", "OpenShardCount", "OnDemandStreamCount", "OnDemandStreamCountLimit")),
        )

        self.create_in(client, "limits-p", ShardCount=3)
        self.create_in(client, "limits-o", StreamModeDetails={"StreamMode": "ON_DEMAND"})

        limits = client.describe_limits()
        self.assertEqual((7, 1), (limits["OpenShardCount"], limits["OnDemandStreamCount"]))


class AccountSettingsTests(SettingsTestCase):
    def test_the_commitment_runs_at_least_a_day_once_enabled(self):
        client, _, _ = self.in_new_account()
        self.assertEqual({"Status": "DISABLED"}, client.describe_account_settings()["MinimumThroughputBillingCommitment"])

        enabled = client.update_account_settings(MinimumThroughputBillingCommitment={"Status": "ENABLED"})["MinimumThroughputBillingCommitment"]

        self.assertEqual("ENABLED", enabled["Status"])
        self.assertIsInstance(enabled["StartedAt"], datetime.datetime)
        self.assertEqual(datetime.timedelta(hours=24), enabled["EarliestAllowedEndAt"] - enabled["StartedAt"])
        pending = client.update_account_settings(MinimumThroughputBillingCommitment={"Status": "DISABLED"})["MinimumThroughputBillingCommitment"]
        self.assertEqual("ENABLED_UNTIL_EARLIEST_ALLOWED_END", pending["Status"])
        self.assertEqual(enabled["EarliestAllowedEndAt"], pending["EarliestAllowedEndAt"])
        again = client.update_account_settings(MinimumThroughputBillingCommitment={"Status": "ENABLED"})["MinimumThroughputBillingCommitment"]
        self.assertEqual(("ENABLED", enabled["StartedAt"]), (again["Status"], again["StartedAt"]))
        self.assertEqual(again, client.describe_account_settings()["MinimumThroughputBillingCommitment"])

    def test_an_unknown_status_is_refused(self):
        _, raw, _ = self.in_new_account()

        with self.assertRaises(ClientError) as refused:
            raw.update_account_settings(MinimumThroughputBillingCommitment={"Status": "ENABLED_UNTIL_EARLIEST_ALLOWED_END"})
        self.assert_client_error(
            refused,
            "ValidationException",
            "1 validation error detected: Value at 'minimumThroughputBillingCommitment.status' failed to satisfy constraint: "
            "Member must satisfy enum value set: [ENABLED, DISABLED].",
        )


class WarmThroughputTests(SettingsTestCase):
    def test_an_on_demand_stream_warms_once_the_account_has_the_commitment(self):
        client, _, account = self.in_new_account()
        name = self.create_in(client, "warm", StreamModeDetails={"StreamMode": "ON_DEMAND"})
        with self.assertRaises(ClientError) as uncommitted:
            client.update_stream_warm_throughput(StreamName=name, WarmThroughputMiBps=100)
        self.assert_client_error(
            uncommitted,
            "InvalidArgumentException",
            f"Warm throughput requires MinimumThroughputBillingCommitment to be ENABLED for account {account}. Enable it with UpdateAccountSettings.",
        )
        self.assertNotIn("WarmThroughput", self.summary(name, client))
        client.update_account_settings(MinimumThroughputBillingCommitment={"Status": "ENABLED"})

        output = client.update_stream_warm_throughput(StreamName=name, WarmThroughputMiBps=100)

        self.assertEqual(name, output["StreamName"])
        self.assertEqual(f"arn:aws:kinesis:{REGION}:{account}:stream/{name}", output["StreamARN"])
        self.assertEqual(100, output["WarmThroughput"]["TargetMiBps"])
        self.assertEqual({"TargetMiBps": 100, "CurrentMiBps": 100}, self.summary(name, client)["WarmThroughput"])

    def test_a_provisioned_stream_takes_no_warm_throughput(self):
        client, _, account = self.in_new_account()
        client.update_account_settings(MinimumThroughputBillingCommitment={"Status": "ENABLED"})
        name = self.create_in(client, "warm-provisioned", ShardCount=1)

        with self.assertRaises(ClientError) as provisioned:
            client.update_stream_warm_throughput(StreamName=name, WarmThroughputMiBps=100)
        self.assert_client_error(
            provisioned,
            "InvalidArgumentException",
            f"Warm throughput is only supported for streams in ON_DEMAND mode. Stream {name} under account {account} is in PROVISIONED mode.",
        )


@requires_member("UpdateStreamRecordDistributionStrategy", "RecordDistributionStrategy")
class RecordDistributionTests(SettingsTestCase):
    def test_auto_spreads_records_and_takes_them_without_a_partition_key(self):
        name = self.create_stream("auto", StreamModeDetails={"StreamMode": "ON_DEMAND"})
        self.kinesis.update_stream_record_distribution_strategy(StreamARN=stream_arn(name), RecordDistributionStrategy="AUTO")
        self.assertEqual("AUTO", self.summary(name)["RecordDistributionStrategy"])

        output = self.kinesis.put_records(StreamName=name, Records=[{"Data": b"x"} for _ in range(8)])

        self.assertEqual(0, output["FailedRecordCount"])
        per_shard: dict[str, int] = {}
        for entry in output["Records"]:
            per_shard[entry["ShardId"]] = per_shard.get(entry["ShardId"], 0) + 1
        self.assertEqual([2, 2, 2, 2], sorted(per_shard.values()))
        put = self.kinesis.put_record(StreamName=name, Data=b"y")
        records = self.read_shard(name, shard_id=put["ShardId"])
        self.assertTrue(records)
        self.assertTrue(all("PartitionKey" not in record for record in records), records)

    def test_a_provisioned_stream_takes_no_strategy(self):
        name = self.create_stream("auto-provisioned")

        with self.assertRaises(ClientError) as refused:
            self.kinesis.update_stream_record_distribution_strategy(StreamARN=stream_arn(name), RecordDistributionStrategy="AUTO")
        self.assert_client_error(
            refused,
            "InvalidArgumentException",
            f"RecordDistributionStrategy is only supported for streams in ON_DEMAND mode. Stream {name} under account {ACCOUNT} is in PROVISIONED mode.",
        )
        self.assertNotIn("RecordDistributionStrategy", self.summary(name))


if __name__ == "__main__":
    unittest.main()
