"""Channels through boto3: CreateChannel, DescribeChannel, ListChannels (and its paginator), UpdateChannel,
DeleteChannel, the ChannelActive waiter, and ChannelCount in DescribeStreamSummary.

Nothing is delivered anywhere: a channel is configuration only, so the S3 names below are never contacted.
"""

from __future__ import annotations

import datetime
import time
from typing import Any

from botocore.exceptions import ClientError

from support import ACCOUNT, REGION, KinesisTestCase, stream_arn, unique_name

ROLE = f"arn:aws:iam::{ACCOUNT}:role/delivery"
BUCKET = "arn:aws:s3:::rivulet-test-bucket"
TABLE_BUCKET = f"arn:aws:s3tables:{REGION}:{ACCOUNT}:bucket/rivulet-tables"
SCHEMA = f"arn:aws:glue:{REGION}:{ACCOUNT}:schema/registry/orders"


def channel_arn(name: str) -> str:
    return f"arn:aws:kinesis:{REGION}:{ACCOUNT}:channel/{name}"


def s3_destination(**extra: Any) -> dict[str, Any]:
    return {
        "StorageConfiguration": {"BucketARN": BUCKET, "ExpectedBucketOwner": ACCOUNT, "CompressionType": "GZIP"},
        **extra,
    }


def tables_destination(**extra: Any) -> dict[str, Any]:
    return {
        "DeadLetterQueueS3Configuration": {"BucketARN": BUCKET, "ExpectedBucketOwner": ACCOUNT},
        "S3TablesConfigurationList": [
            {
                "TableBucketARN": TABLE_BUCKET,
                "Namespace": "sales",
                "TableName": "orders",
                "CompressionType": "ZSTD",
                "PartitionSpec": {"PartitionFields": [{"Transform": "TIME_HOUR", "SourceName": "created_at"}]},
            }
        ],
        **extra,
    }


class ChannelTestCase(KinesisTestCase):
    def on_demand_stream(self, label: str) -> str:
        return self.create_stream(label, StreamModeDetails={"StreamMode": "ON_DEMAND"})

    def create_channel(self, stream: str, *, destination: str = "s3", name: str | None = None, wait: bool = True, **kwargs: Any) -> dict[str, Any]:
        name = name or unique_name("channel")
        record: dict[str, Any] = {"RecordFormatType": "JSON"}
        if destination == "s3":
            kwargs.setdefault("S3DestinationConfiguration", s3_destination())
        else:
            record["GSRSchemaARN"] = SCHEMA
            kwargs.setdefault("S3TablesDestinationConfiguration", tables_destination())
        response = self.kinesis.create_channel(
            ChannelName=name,
            ServiceExecutionRoleARN=ROLE,
            StreamConfigurationList=[{"StreamARN": stream_arn(stream), "RecordConfiguration": record}],
            **kwargs,
        )
        self.addCleanup(self.delete_channel_quietly, name)
        if wait:
            self.wait_for_channel(channel_arn(name))
        return response["ChannelDescription"]

    def wait_for_channel(self, arn: str) -> None:
        # What applications do; on a server without transition delays no sleep happens.
        self.kinesis.get_waiter("channel_active").wait(ChannelARN=arn, WaiterConfig={"Delay": 1, "MaxAttempts": 20})

    def delete_channel_quietly(self, name: str) -> None:
        try:
            self.kinesis.delete_channel(ChannelARN=channel_arn(name))
        except ClientError:
            pass


class CreateAndDescribeChannelTests(ChannelTestCase):
    def test_a_new_channel_is_described_with_its_configuration_and_defaults(self):
        stream = self.on_demand_stream("channel-src")
        created = self.create_channel(stream, Tags={"team": "data"})
        name = created["ChannelName"]

        described = self.kinesis.describe_channel(ChannelARN=channel_arn(name))["ChannelDescription"]

        self.assertIn(created["ChannelStatus"], ("CREATING", "ACTIVE"))
        self.assertEqual("ACTIVE", described["ChannelStatus"])
        self.assertEqual({**created, "ChannelStatus": "ACTIVE"}, described)
        self.assertEqual(channel_arn(name), described["ChannelARN"])
        self.assertRegex(described["ChannelId"], r"^[a-z0-9]{20}$")
        self.assertIsInstance(described["ChannelCreationTimestamp"], datetime.datetime)
        self.assertEqual(ROLE, described["ServiceExecutionRoleARN"])
        source = described["StreamConfigurationList"][0]
        self.assertEqual(stream_arn(stream), source["StreamARN"])
        summary = self.kinesis.describe_stream_summary(StreamName=stream)["StreamDescriptionSummary"]
        self.assertEqual(summary["StreamCreationTimestamp"], source["StreamCreationTimestamp"])
        s3 = described["S3DestinationConfiguration"]
        self.assertEqual(300, s3["DataFreshnessInSeconds"])
        self.assertEqual(BUCKET, s3["DeadLetterQueueS3Configuration"]["BucketARN"])
        self.assertEqual("GZIP", s3["StorageConfiguration"]["CompressionType"])
        logs = described["LoggingConfiguration"]["CloudWatchLogs"]
        self.assertFalse(logs["Enabled"])
        self.assertEqual(f"/aws/kinesis/{name}/{described['ChannelId']}", logs["LogGroupName"])
        self.assertEqual("DestinationDelivery", logs["LogStreamName"])

    def test_an_s3_tables_channel_keeps_its_table_and_the_waiter_sees_it_active(self):
        stream = self.on_demand_stream("channel-tables")
        created = self.create_channel(stream, destination="tables", wait=False)

        self.wait_for_channel(created["ChannelARN"])
        described = self.kinesis.describe_channel(ChannelARN=created["ChannelARN"])["ChannelDescription"]

        table = described["S3TablesDestinationConfiguration"]["S3TablesConfigurationList"][0]
        self.assertEqual(("sales", "orders", "ZSTD"), (table["Namespace"], table["TableName"], table["CompressionType"]))
        self.assertEqual("TIME_HOUR", table["PartitionSpec"]["PartitionFields"][0]["Transform"])
        self.assertNotIn("S3DestinationConfiguration", described)

    def test_a_stream_summary_counts_its_channels(self):
        stream = self.on_demand_stream("channel-count")
        self.assertEqual(0, self.kinesis.describe_stream_summary(StreamName=stream)["StreamDescriptionSummary"]["ChannelCount"])

        self.create_channel(stream)
        self.create_channel(stream, destination="tables")

        self.assertEqual(2, self.kinesis.describe_stream_summary(StreamName=stream)["StreamDescriptionSummary"]["ChannelCount"])

    def test_a_duplicate_name_is_in_use(self):
        stream = self.on_demand_stream("channel-dup")
        other = self.on_demand_stream("channel-dup2")
        name = self.create_channel(stream)["ChannelName"]

        with self.assertRaises(ClientError) as context:
            self.create_channel(other, name=name)

        self.assert_client_error(context, "ResourceInUseException", f"Channel {name} under account {ACCOUNT} already exists.")

    def test_a_missing_stream_is_not_found(self):
        name = unique_name("gone")

        with self.assertRaises(ClientError) as context:
            self.create_channel(name)

        self.assert_client_error(context, "ResourceNotFoundException", f"Stream {name} under account {ACCOUNT} not found.")

    def test_a_provisioned_stream_takes_no_channel(self):
        stream = self.create_stream("channel-prov")

        with self.assertRaises(ClientError) as context:
            self.create_channel(stream)

        self.assert_client_error(context, "InvalidArgumentException")

    def test_both_destinations_at_once_are_refused(self):
        stream = self.on_demand_stream("channel-both")

        with self.assertRaises(ClientError) as context:
            self.create_channel(stream, S3TablesDestinationConfiguration=tables_destination())

        self.assert_client_error(
            context,
            "InvalidArgumentException",
            "Exactly one of S3DestinationConfiguration or S3TablesDestinationConfiguration must be specified.",
        )

    def test_data_freshness_outside_five_to_fifteen_minutes_is_refused(self):
        stream = self.on_demand_stream("channel-fresh")

        with self.assertRaises(ClientError) as context:
            self.create_channel(stream, S3DestinationConfiguration=s3_destination(DataFreshnessInSeconds=60))

        self.assert_client_error(
            context, "InvalidArgumentException", "DataFreshnessInSeconds must be between 300 and 900. Requested value: 60."
        )

    def test_a_bad_channel_name_fails_validation(self):
        stream = self.on_demand_stream("channel-badname")

        with self.assertRaises(ClientError) as context:
            self.raw_kinesis.create_channel(
                ChannelName="bad name",
                ServiceExecutionRoleARN=ROLE,
                StreamConfigurationList=[{"StreamARN": stream_arn(stream), "RecordConfiguration": {"RecordFormatType": "JSON"}}],
                S3DestinationConfiguration=s3_destination(),
            )

        self.assert_client_error(context, "ValidationException")

    def test_describing_a_missing_channel_is_not_found(self):
        name = unique_name("nochannel")

        with self.assertRaises(ClientError) as context:
            self.kinesis.describe_channel(ChannelARN=channel_arn(name))

        self.assert_client_error(context, "ResourceNotFoundException", f"Channel {name} under account {ACCOUNT} not found.")


class ListChannelsTests(ChannelTestCase):
    def test_the_stream_filter_and_the_paginator_return_the_channels_of_a_stream(self):
        stream = self.on_demand_stream("channel-list")
        other = self.on_demand_stream("channel-list-other")
        names = sorted([self.create_channel(stream)["ChannelName"], self.create_channel(stream, destination="tables")["ChannelName"]])
        elsewhere = self.create_channel(other)["ChannelName"]
        stream_filter = [{"StreamARN": stream_arn(stream)}]

        first = self.kinesis.list_channels(StreamFilter=stream_filter, MaxResults=1)
        second = self.kinesis.list_channels(StreamFilter=stream_filter, MaxResults=1, NextToken=first["NextToken"])
        pages = list(
            self.kinesis.get_paginator("list_channels").paginate(StreamFilter=stream_filter, PaginationConfig={"PageSize": 1})
        )

        self.assertEqual([names[0]], [c["ChannelName"] for c in first["ChannelSummaries"]])
        self.assertEqual([names[1]], [c["ChannelName"] for c in second["ChannelSummaries"]])
        self.assertNotIn("NextToken", second)
        paged = [c["ChannelName"] for page in pages for c in page["ChannelSummaries"]]
        self.assertEqual(names, paged)
        self.assertNotIn(elsewhere, paged)
        summary = first["ChannelSummaries"][0]
        self.assertIn(summary["ChannelDestinationType"], ("S3", "S3_TABLES"))
        self.assertEqual(stream_arn(stream), summary["Streams"][0]["StreamARN"])
        self.assertIsInstance(summary["Streams"][0]["StreamCreationTimestamp"], datetime.datetime)

    def test_a_filter_with_the_streams_creation_time_as_boto3_sends_it_still_matches(self):
        stream = self.on_demand_stream("channel-ts")
        name = self.create_channel(stream)["ChannelName"]
        created = self.kinesis.describe_stream_summary(StreamName=stream)["StreamDescriptionSummary"]["StreamCreationTimestamp"]

        matched = self.kinesis.list_channels(StreamFilter=[{"StreamARN": stream_arn(stream), "StreamCreationTimestamp": created}])
        missed = self.kinesis.list_channels(
            StreamFilter=[{"StreamARN": stream_arn(stream), "StreamCreationTimestamp": created - datetime.timedelta(days=1)}]
        )

        self.assertEqual([name], [c["ChannelName"] for c in matched["ChannelSummaries"]])
        self.assertEqual([], missed["ChannelSummaries"])

    def test_a_garbled_token_is_an_invalid_argument(self):
        with self.assertRaises(ClientError) as context:
            self.kinesis.list_channels(NextToken="bm90IGEgdG9rZW4=")

        self.assert_client_error(context, "InvalidArgumentException", "Invalid NextToken.")


class UpdateAndDeleteChannelTests(ChannelTestCase):
    def test_data_freshness_and_logging_can_change(self):
        stream = self.on_demand_stream("channel-update")
        arn = self.create_channel(stream)["ChannelARN"]

        updated = self.kinesis.update_channel(
            ChannelARN=arn,
            S3DestinationConfiguration={"DataFreshnessInSeconds": 600},
            LoggingConfiguration={"CloudWatchLogs": {"Enabled": True, "LogStreamName": "mine"}},
        )["ChannelDescription"]
        self.wait_for_channel(arn)
        described = self.kinesis.describe_channel(ChannelARN=arn)["ChannelDescription"]

        self.assertIn(updated["ChannelStatus"], ("UPDATING", "ACTIVE"))
        self.assertEqual(600, described["S3DestinationConfiguration"]["DataFreshnessInSeconds"])
        self.assertTrue(described["LoggingConfiguration"]["CloudWatchLogs"]["Enabled"])
        self.assertEqual("mine", described["LoggingConfiguration"]["CloudWatchLogs"]["LogStreamName"])

    def test_the_other_destinations_settings_cannot_be_given(self):
        stream = self.on_demand_stream("channel-wrongdest")
        created = self.create_channel(stream)

        with self.assertRaises(ClientError) as context:
            self.kinesis.update_channel(ChannelARN=created["ChannelARN"], S3TablesDestinationConfiguration={"DataFreshnessInSeconds": 600})

        self.assert_client_error(
            context,
            "InvalidArgumentException",
            f"Channel {created['ChannelName']} has destination type S3; S3TablesDestinationConfiguration cannot be specified.",
        )

    def test_updating_a_missing_channel_is_not_found(self):
        with self.assertRaises(ClientError) as context:
            self.kinesis.update_channel(ChannelARN=channel_arn(unique_name("nochannel")), S3DestinationConfiguration={"DataFreshnessInSeconds": 600})

        self.assert_client_error(context, "ResourceNotFoundException")

    def test_a_deleted_channel_is_gone_and_frees_its_stream(self):
        stream = self.on_demand_stream("channel-delete")
        arn = self.create_channel(stream)["ChannelARN"]

        with self.assertRaises(ClientError) as refused:
            self.kinesis.delete_stream(StreamName=stream)
        self.assert_client_error(refused, "ResourceInUseException")

        self.kinesis.delete_channel(ChannelARN=arn)
        for _ in range(20):
            try:
                self.kinesis.describe_channel(ChannelARN=arn)
            except ClientError as error:
                self.assertEqual("ResourceNotFoundException", error.response["Error"]["Code"])
                break
            time.sleep(0.25)
        else:
            self.fail("the channel stayed after DeleteChannel")

        with self.assertRaises(ClientError) as again:
            self.kinesis.delete_channel(ChannelARN=arn)
        self.assert_client_error(again, "ResourceNotFoundException")
        self.kinesis.delete_stream(StreamName=stream)
