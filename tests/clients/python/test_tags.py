"""Tags and resource policies through boto3: AddTagsToStream, RemoveTagsFromStream, ListTagsForStream,
TagResource, UntagResource, ListTagsForResource, PutResourcePolicy, GetResourcePolicy, DeleteResourcePolicy."""

from __future__ import annotations

import json

from botocore.exceptions import ClientError

from support import ACCOUNT, REGION, KinesisTestCase, not_found_message, stream_arn, unique_name

OTHER_ACCOUNT = "111122223333"
INVALID_CHARACTERS = (
    "Some tags contain invalid characters. Valid characters: Unicode letters, digits, white space, _ . / = + - % @."
)


def numbered(start: int, count: int) -> dict[str, str]:
    return {f"k{i:03d}": f"v{i}" for i in range(start, start + count)}


def policy_for(arn: str, action: str = "kinesis:GetRecords") -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "read",
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{OTHER_ACCOUNT}:root"},
                    "Action": ["kinesis:DescribeStreamSummary", action],
                    "Resource": arn,
                }
            ],
        }
    )


def foreign_stream_arn(name: str) -> str:
    return f"arn:aws:kinesis:{REGION}:{OTHER_ACCOUNT}:stream/{name}"


def consumer_arn(name: str, consumer: str) -> str:
    return f"{stream_arn(name)}/consumer/{consumer}:1700000000"


class StreamTagTests(KinesisTestCase):
    def list_tags(self, name: str, **kwargs) -> dict:
        return self.kinesis.list_tags_for_stream(StreamName=name, **kwargs)

    def test_added_tags_overwrite_equal_keys_and_are_listed_in_key_order(self):
        name = self.create_stream("add-tags", Tags={"b": "old"})

        self.kinesis.add_tags_to_stream(StreamName=name, Tags={"b": "new", "a": "", "Zb": "z", "ü0 _./=+-@:": "ü"})
        self.kinesis.add_tags_to_stream(StreamARN=stream_arn(name), Tags={"_": "1"})

        listed = self.list_tags(name)
        self.assertEqual(["Zb", "_", "a", "b", "ü0 _./=+-@:"], [tag["Key"] for tag in listed["Tags"]])
        self.assertEqual({"Zb": "z", "_": "1", "a": "", "b": "new", "ü0 _./=+-@:": "ü"}, {t["Key"]: t["Value"] for t in listed["Tags"]})
        self.assertFalse(listed["HasMoreTags"])

    def test_tags_are_paged_by_limit_and_exclusive_start_key(self):
        name = self.create_stream("page-tags", Tags=numbered(0, 5))

        first = self.list_tags(name, Limit=2)
        rest = self.list_tags(name, ExclusiveStartTagKey=first["Tags"][-1]["Key"], Limit=10)
        after_unknown = self.list_tags(name, ExclusiveStartTagKey="k0025")

        self.assertEqual(["k000", "k001"], [tag["Key"] for tag in first["Tags"]])
        self.assertTrue(first["HasMoreTags"])
        self.assertEqual(["k002", "k003", "k004"], [tag["Key"] for tag in rest["Tags"]])
        self.assertFalse(rest["HasMoreTags"])
        self.assertEqual(["k003", "k004"], [tag["Key"] for tag in after_unknown["Tags"]])

    def test_removing_tags_ignores_keys_the_stream_does_not_have(self):
        name = self.create_stream("remove-tags", Tags={"a": "1", "b": "2"})

        self.kinesis.remove_tags_from_stream(StreamName=name, TagKeys=["a", "missing"])
        self.kinesis.remove_tags_from_stream(StreamARN=stream_arn(name), TagKeys=["missing"])

        self.assertEqual([{"Key": "b", "Value": "2"}], self.list_tags(name)["Tags"])

    def test_a_stream_holds_at_most_50_tags(self):
        name = self.create_stream("fifty-tags")
        self.kinesis.add_tags_to_stream(StreamName=name, Tags=numbered(0, 50))

        with self.assertRaises(ClientError) as context:
            self.kinesis.add_tags_to_stream(StreamName=name, Tags=numbered(50, 1))

        self.assert_client_error(
            context,
            "InvalidArgumentException",
            f"Failed to add tags to stream {name} under account {ACCOUNT} because a given stream cannot have more than 50 tags associated with it.",
        )
        self.assertEqual(50, len(self.list_tags(name)["Tags"]))

    def test_characters_outside_aws_s_set_are_refused(self):
        name = self.create_stream("bad-tags")
        for tags in ({"a;b": "1"}, {"a": "tab\there"}, {"a": "x,y"}):
            with self.subTest(tags=tags):
                with self.assertRaises(ClientError) as context:
                    self.kinesis.add_tags_to_stream(StreamName=name, Tags=tags)
                self.assert_client_error(context, "InvalidArgumentException", INVALID_CHARACTERS)

    def test_percent_and_the_aws_prefix_are_refused(self):
        name = self.create_stream("pct-tags")

        with self.assertRaises(ClientError) as context:
            self.kinesis.add_tags_to_stream(StreamName=name, Tags={"a": "50%"})
        self.assert_client_error(
            context,
            "InvalidArgumentException",
            f"Failed to add tags to stream {name} under account {ACCOUNT} because some tags contained illegal characters. "
            "The allowed characters are Unicode letters, white-spaces, '_',',','/','=','+','-','@'.",
        )
        with self.assertRaises(ClientError) as context:
            self.kinesis.add_tags_to_stream(StreamName=name, Tags={"aws:owner": "me"})
        self.assert_client_error(context, "InvalidArgumentException")

    def test_the_model_s_lengths_are_validation_errors(self):
        name = self.create_stream("long-tags")

        with self.assertRaises(ClientError) as context:
            self.raw_kinesis.add_tags_to_stream(StreamName=name, Tags={"k" * 129: "v"})
        self.assert_client_error(context, "ValidationException")
        with self.assertRaises(ClientError) as context:
            self.raw_kinesis.list_tags_for_stream(StreamName=name, Limit=51)
        self.assert_client_error(context, "ValidationException")

    def test_an_unknown_stream_is_resource_not_found(self):
        name = unique_name("missing-tags")

        for call in (
            lambda: self.kinesis.add_tags_to_stream(StreamName=name, Tags={"a": "b"}),
            lambda: self.kinesis.remove_tags_from_stream(StreamName=name, TagKeys=["a"]),
            lambda: self.kinesis.list_tags_for_stream(StreamName=name),
            lambda: self.kinesis.list_tags_for_resource(ResourceARN=stream_arn(name)),
        ):
            with self.subTest(call=call):
                with self.assertRaises(ClientError) as context:
                    call()
                self.assert_client_error(context, "ResourceNotFoundException", not_found_message(name))

    def test_create_stream_refuses_more_than_50_tags(self):
        name = unique_name("create-many")

        with self.assertRaises(ClientError) as context:
            self.kinesis.create_stream(StreamName=name, ShardCount=1, Tags=numbered(0, 51))

        self.assert_client_error(
            context,
            "InvalidArgumentException",
            f"Failed to create stream {name} under account {ACCOUNT} because a given stream cannot have more than 50 tags associated with it.",
        )


class ResourceTagTests(KinesisTestCase):
    def test_tag_untag_and_list_tags_for_a_stream_arn(self):
        name = self.create_stream("tag-resource")
        arn = stream_arn(name)

        self.kinesis.tag_resource(ResourceARN=arn, Tags={"b": "2", "a": "1", "c": "3"})
        self.kinesis.tag_resource(ResourceARN=arn, Tags={"a": "one"})
        self.kinesis.untag_resource(ResourceARN=arn, TagKeys=["c", "missing"])

        listed = self.kinesis.list_tags_for_resource(ResourceARN=arn)
        self.assertEqual([{"Key": "a", "Value": "one"}, {"Key": "b", "Value": "2"}], listed["Tags"])
        self.assertEqual(listed["Tags"], self.kinesis.list_tags_for_stream(StreamName=name)["Tags"])

    def test_tag_resource_applies_the_50_tag_limit(self):
        name = self.create_stream("tag-resource-limit", Tags=numbered(0, 50))

        with self.assertRaises(ClientError) as context:
            self.kinesis.tag_resource(ResourceARN=stream_arn(name), Tags=numbered(50, 1))

        self.assert_client_error(context, "InvalidArgumentException")

    def test_an_unregistered_consumer_is_resource_not_found(self):
        name = self.create_stream("tag-consumer")

        with self.assertRaises(ClientError) as context:
            self.kinesis.tag_resource(ResourceARN=consumer_arn(name, "reader"), Tags={"a": "b"})

        self.assert_client_error(
            context,
            "ResourceNotFoundException",
            f"Consumer reader with creation timestamp 1700000000 under stream {name} and account {ACCOUNT} not found.",
        )

    def test_another_account_s_stream_is_access_denied(self):
        arn = foreign_stream_arn(unique_name("foreign"))

        for call in (
            lambda: self.kinesis.tag_resource(ResourceARN=arn, Tags={"a": "b"}),
            lambda: self.kinesis.untag_resource(ResourceARN=arn, TagKeys=["a"]),
            lambda: self.kinesis.list_tags_for_resource(ResourceARN=arn),
            lambda: self.kinesis.list_tags_for_stream(StreamARN=arn),
        ):
            with self.subTest(call=call):
                with self.assertRaises(ClientError) as context:
                    call()
                self.assert_client_error(context, "AccessDeniedException")


class ResourcePolicyTests(KinesisTestCase):
    def test_a_policy_is_kept_verbatim_replaced_and_deleted(self):
        name = self.create_stream("policy")
        arn = stream_arn(name)

        self.assertEqual("{}", self.kinesis.get_resource_policy(ResourceARN=arn)["Policy"])
        self.kinesis.put_resource_policy(ResourceARN=arn, Policy=policy_for(arn))
        self.assertEqual(policy_for(arn), self.kinesis.get_resource_policy(ResourceARN=arn)["Policy"])
        self.kinesis.put_resource_policy(ResourceARN=arn, Policy=policy_for(arn, "kinesis:PutRecord"))
        self.assertEqual(policy_for(arn, "kinesis:PutRecord"), self.kinesis.get_resource_policy(ResourceARN=arn)["Policy"])

        self.kinesis.delete_resource_policy(ResourceARN=arn)

        self.assertEqual("{}", self.kinesis.get_resource_policy(ResourceARN=arn)["Policy"])
        with self.assertRaises(ClientError) as context:
            self.kinesis.delete_resource_policy(ResourceARN=arn)
        self.assert_client_error(context, "ResourceNotFoundException")

    def test_a_document_that_is_not_a_policy_is_an_invalid_argument(self):
        name = self.create_stream("bad-policy")
        arn = stream_arn(name)

        for policy in ("not json", "[]", "{}", json.dumps({"Statement": {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject"}})):
            with self.subTest(policy=policy):
                with self.assertRaises(ClientError) as context:
                    self.kinesis.put_resource_policy(ResourceARN=arn, Policy=policy)
                error = self.assert_client_error(context, "InvalidArgumentException")
                self.assertTrue(error.response["Error"]["Message"].startswith("Invalid resource policy: "))
        self.assertEqual("{}", self.kinesis.get_resource_policy(ResourceARN=arn)["Policy"])

    def test_an_unknown_stream_or_consumer_is_resource_not_found(self):
        name = unique_name("policy-missing")
        arn = stream_arn(name)

        for call in (
            lambda: self.kinesis.put_resource_policy(ResourceARN=arn, Policy=policy_for(arn)),
            lambda: self.kinesis.get_resource_policy(ResourceARN=arn),
            lambda: self.kinesis.delete_resource_policy(ResourceARN=arn),
        ):
            with self.subTest(call=call):
                with self.assertRaises(ClientError) as context:
                    call()
                self.assert_client_error(context, "ResourceNotFoundException", not_found_message(name))

        existing = self.create_stream("policy-consumer")
        with self.assertRaises(ClientError) as context:
            self.kinesis.get_resource_policy(ResourceARN=consumer_arn(existing, "reader"))
        self.assert_client_error(context, "ResourceNotFoundException")

    def test_another_account_s_policy_is_access_denied(self):
        arn = foreign_stream_arn(unique_name("foreign-policy"))

        with self.assertRaises(ClientError) as context:
            self.kinesis.put_resource_policy(ResourceARN=arn, Policy=policy_for(arn))
        self.assert_client_error(context, "AccessDeniedException")
        with self.assertRaises(ClientError) as context:
            self.kinesis.get_resource_policy(ResourceARN=arn)
        self.assert_client_error(context, "AccessDeniedException")
