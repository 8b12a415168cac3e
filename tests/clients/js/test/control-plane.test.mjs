// The control plane through @aws-sdk/client-kinesis v3: tags, resource policies, encryption, enhanced
// monitoring, capacity modes, record sizes, warm throughput, limits, account settings, record
// distribution, channels, retention, DescribeStream, ListStreams and DeleteStream, each with AWS's
// result and its main error as the typed exception class the SDK raises.
//
// Every raw response body and every deserialized output is recorded: none may carry a StreamId,
// because the SDK's endpoint rules turn a StreamId into a host under AWS's own domain.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";

import {
  AccessDeniedException,
  AddTagsToStreamCommand,
  CreateChannelCommand,
  CreateStreamCommand,
  DecreaseStreamRetentionPeriodCommand,
  DeleteChannelCommand,
  DeleteResourcePolicyCommand,
  DeleteStreamCommand,
  DescribeAccountSettingsCommand,
  DescribeChannelCommand,
  DescribeLimitsCommand,
  DescribeStreamCommand,
  DescribeStreamSummaryCommand,
  DisableEnhancedMonitoringCommand,
  EnableEnhancedMonitoringCommand,
  GetRecordsCommand,
  GetResourcePolicyCommand,
  GetShardIteratorCommand,
  IncreaseStreamRetentionPeriodCommand,
  InvalidArgumentException,
  KinesisClient,
  LimitExceededException,
  ListChannelsCommand,
  ListStreamsCommand,
  ListTagsForResourceCommand,
  ListTagsForStreamCommand,
  PutRecordCommand,
  PutRecordsCommand,
  PutResourcePolicyCommand,
  RemoveTagsFromStreamCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  StartStreamEncryptionCommand,
  StopStreamEncryptionCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateAccountSettingsCommand,
  UpdateChannelCommand,
  UpdateMaxRecordSizeCommand,
  UpdateStreamModeCommand,
  UpdateStreamRecordDistributionStrategyCommand,
  UpdateStreamWarmThroughputCommand,
  ValidationException,
  paginateListChannels,
  paginateListStreams,
  waitUntilChannelActive,
  waitUntilStreamExists,
  waitUntilStreamNotExists,
} from "@aws-sdk/client-kinesis";

import { ACCOUNT, REGION, deleteQuietly, endpoint, newClient, send, streamArn, uniqueName, utf8 } from "./support.mjs";

// Account-wide state (limits, the billing commitment) lives in an account of its own so that it
// disturbs no other suite on the same server: Rivulet takes a 12-digit access key ID as the account.
const OTHER_ACCOUNT = "222233334444";
const FOREIGN_ACCOUNT = "111122223333";

const ALL_METRICS = [
  "IncomingBytes",
  "IncomingRecords",
  "OutgoingBytes",
  "OutgoingRecords",
  "WriteProvisionedThroughputExceeded",
  "ReadProvisionedThroughputExceeded",
  "IteratorAgeMilliseconds",
];
const KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/12345678-1234-1234-1234-123456789012";
const INVALID_CHARACTERS =
  "Some tags contain invalid characters. Valid characters: Unicode letters, digits, white space, _ . / = + - % @.";
const DAY_MS = 24 * 60 * 60 * 1000;

const ROLE = `arn:aws:iam::${ACCOUNT}:role/delivery`;
const BUCKET = "arn:aws:s3:::rivulet-test-bucket";
const TABLE_BUCKET = `arn:aws:s3tables:${REGION}:${ACCOUNT}:bucket/rivulet-tables`;
const SCHEMA = `arn:aws:glue:${REGION}:${ACCOUNT}:schema/registry/orders`;

const OPERATIONS = [
  "AddTagsToStream",
  "RemoveTagsFromStream",
  "ListTagsForStream",
  "TagResource",
  "UntagResource",
  "ListTagsForResource",
  "PutResourcePolicy",
  "GetResourcePolicy",
  "DeleteResourcePolicy",
  "StartStreamEncryption",
  "StopStreamEncryption",
  "EnableEnhancedMonitoring",
  "DisableEnhancedMonitoring",
  "UpdateStreamMode",
  "UpdateMaxRecordSize",
  "UpdateStreamWarmThroughput",
  "DescribeLimits",
  "DescribeAccountSettings",
  "UpdateAccountSettings",
  "UpdateStreamRecordDistributionStrategy",
  "CreateChannel",
  "UpdateChannel",
  "DeleteChannel",
  "DescribeChannel",
  "ListChannels",
  "IncreaseStreamRetentionPeriod",
  "DecreaseStreamRetentionPeriod",
  "DeleteStream",
  "DescribeStream",
  "ListStreams",
];

const arnIn = (account, name) => `arn:aws:kinesis:${REGION}:${account}:stream/${name}`;
const channelArn = (name) => `arn:aws:kinesis:${REGION}:${ACCOUNT}:channel/${name}`;
const consumerArn = (name, consumer) => `${streamArn(name)}/consumer/${consumer}:1700000000`;
const notFound = (name, account = ACCOUNT) => `Stream ${name} under account ${account} not found.`;
const numbered = (start, count) =>
  Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${String(start + i).padStart(3, "0")}`, `v${start + i}`]));
const keysOf = (tags) => tags.map((tag) => tag.Key);

function policyFor(arn, action = "kinesis:GetRecords") {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "read",
        Effect: "Allow",
        Principal: { AWS: `arn:aws:iam::${FOREIGN_ACCOUNT}:root` },
        Action: ["kinesis:DescribeStreamSummary", action],
        Resource: arn,
      },
    ],
  });
}

function s3Destination(extra = {}) {
  return { StorageConfiguration: { BucketARN: BUCKET, ExpectedBucketOwner: ACCOUNT, CompressionType: "GZIP" }, ...extra };
}

function tablesDestination() {
  return {
    DeadLetterQueueS3Configuration: { BucketARN: BUCKET, ExpectedBucketOwner: ACCOUNT },
    S3TablesConfigurationList: [
      {
        TableBucketARN: TABLE_BUCKET,
        Namespace: "sales",
        TableName: "orders",
        CompressionType: "ZSTD",
        PartitionSpec: { PartitionFields: [{ Transform: "TIME_HOUR", SourceName: "created_at" }] },
      },
    ],
  };
}

// -- what the server sent back, before and after the SDK read it ------------------------------------

/** { client, operation, status, text } per HTTP response, as the bytes arrived. */
const rawResponses = [];
/** { client, operation, output } per successful call, as the SDK deserialized it. */
const outputs = [];

function recordResponses(client, label) {
  // Innermost in the deserialize step: it sees the HTTP response before the SDK's deserializer and
  // hands that deserializer the same bytes (collectBody takes a Uint8Array as it is).
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      const response = result.response;
      if (response?.body && !(response.body instanceof Uint8Array)) {
        const chunks = [];
        for await (const chunk of response.body) chunks.push(Buffer.from(chunk));
        response.body = new Uint8Array(Buffer.concat(chunks));
      }
      rawResponses.push({
        client: label,
        operation: context.commandName.replace(/Command$/, ""),
        status: response?.statusCode,
        text: Buffer.from(response?.body ?? new Uint8Array()).toString("utf8"),
      });
      return result;
    },
    { step: "deserialize", priority: "low", name: "recordRawResponse" },
  );
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      outputs.push({ client: label, operation: context.commandName.replace(/Command$/, ""), output: result.output });
      return result;
    },
    { step: "initialize", priority: "high", name: "recordOutput" },
  );
  return client;
}

/** Paths of every member named `key` anywhere inside `value`. */
function pathsOf(value, key, path = "$") {
  if (value === null || typeof value !== "object" || value instanceof Uint8Array || value instanceof Date) return [];
  const found = [];
  for (const [member, inner] of Object.entries(value)) {
    const here = Array.isArray(value) ? `${path}[${member}]` : `${path}.${member}`;
    if (member === key) found.push(here);
    found.push(...pathsOf(inner, key, here));
  }
  return found;
}

/** Runs `action`, expecting the SDK to raise `Type` (and `message`, when given: a string or a RegExp). */
async function rejected(action, Type, message) {
  let error;
  try {
    await action();
  } catch (caught) {
    error = caught;
  }
  assert.ok(error, `expected ${Type.name}, but the call succeeded`);
  assert.ok(error instanceof Type, `expected ${Type.name}, got ${error?.name}: ${error?.message}`);
  assert.equal(error.name, Type.name);
  assert.equal(error.$metadata?.httpStatusCode, 400);
  assert.equal(error.$fault, "client");
  if (typeof message === "string") {
    assert.equal(error.message, message);
  } else if (message instanceof RegExp) {
    assert.match(error.message, message);
  }
  return error;
}

function accountClient(accessKeyId) {
  return new KinesisClient({
    endpoint: endpoint(),
    region: REGION,
    credentials: { accessKeyId, secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" },
    maxAttempts: 1,
  });
}

describe("the control plane through @aws-sdk/client-kinesis", { timeout: 150_000 }, () => {
  const client = recordResponses(newClient(), "default");
  const other = recordResponses(accountClient(OTHER_ACCOUNT), OTHER_ACCOUNT);
  const streams = []; // [client, name] to delete afterwards
  const channels = []; // channel names to delete before their streams

  async function active(name, on = client) {
    const waited = await waitUntilStreamExists({ client: on, minDelay: 1, maxDelay: 2, maxWaitTime: 20 }, { StreamName: name });
    assert.equal(waited.state, "SUCCESS");
  }

  async function createStream(label, input = { ShardCount: 1 }, on = client) {
    const name = uniqueName(label);
    await send(on, new CreateStreamCommand({ StreamName: name, ...input }));
    streams.push([on, name]);
    await active(name, on);
    return name;
  }

  const onDemandStream = (label, on = client) => createStream(label, { StreamModeDetails: { StreamMode: "ON_DEMAND" } }, on);
  const summary = async (name, on = client) =>
    (await send(on, new DescribeStreamSummaryCommand({ StreamName: name }))).StreamDescriptionSummary;
  const description = async (name, input = {}) =>
    (await send(client, new DescribeStreamCommand({ StreamName: name, ...input }))).StreamDescription;
  const listTags = (name, input = {}) => send(client, new ListTagsForStreamCommand({ StreamName: name, ...input }));

  async function readShard(name, shardId = "shardId-000000000000") {
    const { ShardIterator } = await send(
      client,
      new GetShardIteratorCommand({ StreamName: name, ShardId: shardId, ShardIteratorType: "TRIM_HORIZON" }),
    );
    return (await send(client, new GetRecordsCommand({ ShardIterator }))).Records;
  }

  async function createChannel(stream, { destination = "s3", name = uniqueName("channel"), wait = true, ...extra } = {}) {
    const record = { RecordFormatType: "JSON" };
    const input = {
      ChannelName: name,
      ServiceExecutionRoleARN: ROLE,
      StreamConfigurationList: [{ StreamARN: streamArn(stream), RecordConfiguration: record }],
      ...extra,
    };
    if (destination === "s3") {
      input.S3DestinationConfiguration ??= s3Destination();
    } else {
      record.GSRSchemaARN = SCHEMA;
      input.S3TablesDestinationConfiguration ??= tablesDestination();
    }
    const { ChannelDescription } = await send(client, new CreateChannelCommand(input));
    channels.push(name);
    if (wait) await channelActive(ChannelDescription.ChannelARN);
    return ChannelDescription;
  }

  async function channelActive(arn) {
    const waited = await waitUntilChannelActive({ client, minDelay: 1, maxDelay: 2, maxWaitTime: 20 }, { ChannelARN: arn });
    assert.equal(waited.state, "SUCCESS");
  }

  after(async () => {
    for (const name of channels) {
      try {
        await send(client, new DeleteChannelCommand({ ChannelARN: channelArn(name) }));
      } catch {
        // already deleted by its test
      }
    }
    for (const [on, name] of streams) {
      await deleteQuietly(on, name);
    }
    client.destroy();
    other.destroy();
  });

  describe("stream tags", () => {
    test("AddTagsToStream overwrites equal keys and ListTagsForStream lists them in key order", async () => {
      const name = await createStream("add-tags", { ShardCount: 1, Tags: { b: "old" } });

      await send(client, new AddTagsToStreamCommand({ StreamName: name, Tags: { b: "new", a: "", Zb: "z", "ü0 _./=+-@:": "ü" } }));
      await send(client, new AddTagsToStreamCommand({ StreamARN: streamArn(name), Tags: { _: "1" } }));

      const listed = await listTags(name);
      assert.deepEqual(listed.Tags, [
        { Key: "Zb", Value: "z" },
        { Key: "_", Value: "1" },
        { Key: "a", Value: "" },
        { Key: "b", Value: "new" },
        { Key: "ü0 _./=+-@:", Value: "ü" },
      ]);
      assert.equal(listed.HasMoreTags, false);
    });

    test("ListTagsForStream pages with Limit and ExclusiveStartTagKey", async () => {
      const name = await createStream("page-tags", { ShardCount: 1, Tags: numbered(0, 5) });

      const first = await listTags(name, { Limit: 2 });
      const rest = await listTags(name, { ExclusiveStartTagKey: first.Tags.at(-1).Key, Limit: 10 });
      const afterUnknown = await listTags(name, { ExclusiveStartTagKey: "k0025" });

      assert.deepEqual(keysOf(first.Tags), ["k000", "k001"]);
      assert.equal(first.HasMoreTags, true);
      assert.deepEqual(keysOf(rest.Tags), ["k002", "k003", "k004"]);
      assert.equal(rest.HasMoreTags, false);
      assert.deepEqual(keysOf(afterUnknown.Tags), ["k003", "k004"]);
    });

    test("RemoveTagsFromStream ignores keys the stream does not have", async () => {
      const name = await createStream("remove-tags", { ShardCount: 1, Tags: { a: "1", b: "2" } });

      await send(client, new RemoveTagsFromStreamCommand({ StreamName: name, TagKeys: ["a", "missing"] }));
      await send(client, new RemoveTagsFromStreamCommand({ StreamARN: streamArn(name), TagKeys: ["missing"] }));

      assert.deepEqual((await listTags(name)).Tags, [{ Key: "b", Value: "2" }]);
    });

    test("a 51st tag, characters outside AWS's set and an over-long Limit are refused", async () => {
      const name = await createStream("tag-errors");
      await send(client, new AddTagsToStreamCommand({ StreamName: name, Tags: numbered(0, 50) }));

      await rejected(
        () => send(client, new AddTagsToStreamCommand({ StreamName: name, Tags: numbered(50, 1) })),
        InvalidArgumentException,
        `Failed to add tags to stream ${name} under account ${ACCOUNT} because a given stream cannot have more than 50 tags associated with it.`,
      );
      assert.equal((await listTags(name)).Tags.length, 50);
      await rejected(
        () => send(client, new AddTagsToStreamCommand({ StreamName: name, Tags: { "a;b": "1" } })),
        InvalidArgumentException,
        INVALID_CHARACTERS,
      );
      await rejected(
        () => send(client, new AddTagsToStreamCommand({ StreamName: name, Tags: { a: "50%" } })),
        InvalidArgumentException,
        `Failed to add tags to stream ${name} under account ${ACCOUNT} because some tags contained illegal characters. ` +
          "The allowed characters are Unicode letters, white-spaces, '_',',','/','=','+','-','@'.",
      );
      await rejected(() => listTags(name, { Limit: 51 }), ValidationException);
    });

    test("an unknown stream is a ResourceNotFoundException for every tag operation", async () => {
      const name = uniqueName("missing-tags");

      for (const command of [
        new AddTagsToStreamCommand({ StreamName: name, Tags: { a: "b" } }),
        new RemoveTagsFromStreamCommand({ StreamName: name, TagKeys: ["a"] }),
        new ListTagsForStreamCommand({ StreamName: name }),
        new ListTagsForResourceCommand({ ResourceARN: streamArn(name) }),
      ]) {
        await rejected(() => send(client, command), ResourceNotFoundException, notFound(name));
      }
    });
  });

  describe("resource tags", () => {
    test("TagResource, UntagResource and ListTagsForResource on a stream ARN", async () => {
      const name = await createStream("tag-resource");
      const arn = streamArn(name);

      await send(client, new TagResourceCommand({ ResourceARN: arn, Tags: { b: "2", a: "1", c: "3" } }));
      await send(client, new TagResourceCommand({ ResourceARN: arn, Tags: { a: "one" } }));
      await send(client, new UntagResourceCommand({ ResourceARN: arn, TagKeys: ["c", "missing"] }));

      const listed = await send(client, new ListTagsForResourceCommand({ ResourceARN: arn }));
      assert.deepEqual(listed.Tags, [
        { Key: "a", Value: "one" },
        { Key: "b", Value: "2" },
      ]);
      assert.deepEqual((await listTags(name)).Tags, listed.Tags);
    });

    test("TagResource applies the 50-tag limit", async () => {
      const name = await createStream("tag-resource-limit", { ShardCount: 1, Tags: numbered(0, 50) });

      await rejected(
        () => send(client, new TagResourceCommand({ ResourceARN: streamArn(name), Tags: numbered(50, 1) })),
        InvalidArgumentException,
      );
    });

    test("an unregistered consumer is a ResourceNotFoundException", async () => {
      const name = await createStream("tag-consumer");

      await rejected(
        () => send(client, new TagResourceCommand({ ResourceARN: consumerArn(name, "reader"), Tags: { a: "b" } })),
        ResourceNotFoundException,
        `Consumer reader with creation timestamp 1700000000 under stream ${name} and account ${ACCOUNT} not found.`,
      );
    });

    test("another account's stream is an AccessDeniedException", async () => {
      const arn = arnIn(FOREIGN_ACCOUNT, uniqueName("foreign"));

      for (const command of [
        new TagResourceCommand({ ResourceARN: arn, Tags: { a: "b" } }),
        new UntagResourceCommand({ ResourceARN: arn, TagKeys: ["a"] }),
        new ListTagsForResourceCommand({ ResourceARN: arn }),
      ]) {
        await rejected(() => send(client, command), AccessDeniedException);
      }
    });
  });

  describe("resource policies", () => {
    test("a policy is kept verbatim, replaced and deleted", async () => {
      const name = await createStream("policy");
      const arn = streamArn(name);
      const policy = async () => (await send(client, new GetResourcePolicyCommand({ ResourceARN: arn }))).Policy;

      assert.equal(await policy(), "{}");
      await send(client, new PutResourcePolicyCommand({ ResourceARN: arn, Policy: policyFor(arn) }));
      assert.equal(await policy(), policyFor(arn));
      await send(client, new PutResourcePolicyCommand({ ResourceARN: arn, Policy: policyFor(arn, "kinesis:PutRecord") }));
      assert.equal(await policy(), policyFor(arn, "kinesis:PutRecord"));

      await send(client, new DeleteResourcePolicyCommand({ ResourceARN: arn }));

      assert.equal(await policy(), "{}");
      await rejected(() => send(client, new DeleteResourcePolicyCommand({ ResourceARN: arn })), ResourceNotFoundException);
    });

    test("a document that is not a policy is an InvalidArgumentException", async () => {
      const name = await createStream("bad-policy");
      const arn = streamArn(name);

      for (const document of ["not json", "[]", "{}"]) {
        await rejected(
          () => send(client, new PutResourcePolicyCommand({ ResourceARN: arn, Policy: document })),
          InvalidArgumentException,
          /^Invalid resource policy: /,
        );
      }
      assert.equal((await send(client, new GetResourcePolicyCommand({ ResourceARN: arn }))).Policy, "{}");
    });

    test("an unknown stream is a ResourceNotFoundException and another account's an AccessDeniedException", async () => {
      const name = uniqueName("policy-missing");
      const arn = streamArn(name);
      for (const command of [
        new PutResourcePolicyCommand({ ResourceARN: arn, Policy: policyFor(arn) }),
        new GetResourcePolicyCommand({ ResourceARN: arn }),
        new DeleteResourcePolicyCommand({ ResourceARN: arn }),
      ]) {
        await rejected(() => send(client, command), ResourceNotFoundException, notFound(name));
      }

      const foreign = arnIn(FOREIGN_ACCOUNT, uniqueName("foreign-policy"));
      await rejected(
        () => send(client, new PutResourcePolicyCommand({ ResourceARN: foreign, Policy: policyFor(foreign) })),
        AccessDeniedException,
      );
      await rejected(() => send(client, new GetResourcePolicyCommand({ ResourceARN: foreign })), AccessDeniedException);
    });
  });

  describe("encryption", () => {
    test("an encrypted stream says so in describes, writes and reads", async () => {
      const name = await createStream("encrypt");

      await send(client, new StartStreamEncryptionCommand({ StreamName: name, EncryptionType: "KMS", KeyId: KEY_ARN }));
      await active(name);

      const described = await description(name);
      assert.deepEqual([described.EncryptionType, described.KeyId], ["KMS", KEY_ARN]);
      assert.equal((await summary(name)).EncryptionType, "KMS");
      const put = await send(client, new PutRecordCommand({ StreamName: name, PartitionKey: "k", Data: utf8("x") }));
      assert.equal(put.EncryptionType, "KMS");
      const puts = await send(client, new PutRecordsCommand({ StreamName: name, Records: [{ PartitionKey: "k", Data: utf8("y") }] }));
      assert.equal(puts.EncryptionType, "KMS");
      assert.deepEqual((await readShard(name)).map((record) => record.EncryptionType), ["KMS", "KMS"]);
    });

    test("StopStreamEncryption leaves the stream unencrypted", async () => {
      const name = await createStream("decrypt");
      await send(client, new StartStreamEncryptionCommand({ StreamARN: streamArn(name), EncryptionType: "KMS", KeyId: "alias/aws/kinesis" }));
      await active(name);

      await send(client, new StopStreamEncryptionCommand({ StreamARN: streamArn(name), EncryptionType: "KMS", KeyId: "alias/aws/kinesis" }));
      await active(name);

      const described = await description(name);
      assert.equal(described.EncryptionType, "NONE");
      assert.equal(described.KeyId, undefined);
      const put = await send(client, new PutRecordCommand({ StreamName: name, PartitionKey: "k", Data: utf8("x") }));
      assert.equal(put.EncryptionType, "NONE");
    });

    test("a bad key, the NONE type and a missing stream are refused", async () => {
      const name = await createStream("encrypt-errors");

      await rejected(
        () => send(client, new StartStreamEncryptionCommand({ StreamName: name, EncryptionType: "KMS", KeyId: "not-a-key" })),
        InvalidArgumentException,
        'KeyId not-a-key is not a valid KMS key. Specify a key ID, a key ARN, an alias name prefixed by "alias/" or an alias ARN.',
      );
      await rejected(
        () => send(client, new StartStreamEncryptionCommand({ StreamName: name, EncryptionType: "NONE", KeyId: "alias/aws/kinesis" })),
        InvalidArgumentException,
        "EncryptionType NONE is not valid for StartStreamEncryption. The only valid EncryptionType is KMS.",
      );
      const missing = uniqueName("encrypt-missing");
      await rejected(
        () => send(client, new StartStreamEncryptionCommand({ StreamName: missing, EncryptionType: "KMS", KeyId: "alias/aws/kinesis" })),
        ResourceNotFoundException,
        notFound(missing),
      );
      await rejected(
        () => send(client, new StopStreamEncryptionCommand({ StreamName: missing, EncryptionType: "KMS", KeyId: "alias/aws/kinesis" })),
        ResourceNotFoundException,
        notFound(missing),
      );
    });
  });

  describe("enhanced monitoring", () => {
    test("ALL enables every metric and disabling takes some away", async () => {
      const name = await createStream("monitor");

      const enabled = await send(client, new EnableEnhancedMonitoringCommand({ StreamName: name, ShardLevelMetrics: ["ALL"] }));

      assert.deepEqual([enabled.StreamName, enabled.StreamARN], [name, streamArn(name)]);
      assert.deepEqual(enabled.CurrentShardLevelMetrics, []);
      assert.deepEqual(enabled.DesiredShardLevelMetrics, ALL_METRICS);
      assert.deepEqual((await description(name)).EnhancedMonitoring, [{ ShardLevelMetrics: ALL_METRICS }]);

      const disabled = await send(
        client,
        new DisableEnhancedMonitoringCommand({ StreamARN: streamArn(name), ShardLevelMetrics: ["IncomingBytes", "OutgoingBytes"] }),
      );
      const remaining = ALL_METRICS.filter((metric) => metric !== "IncomingBytes" && metric !== "OutgoingBytes");
      assert.deepEqual([disabled.StreamName, disabled.StreamARN], [name, streamArn(name)]);
      assert.deepEqual(disabled.CurrentShardLevelMetrics, ALL_METRICS);
      assert.deepEqual(disabled.DesiredShardLevelMetrics, remaining);
      assert.deepEqual((await summary(name)).EnhancedMonitoring, [{ ShardLevelMetrics: remaining }]);
    });

    test("an unknown metric is a ValidationException and a missing stream a ResourceNotFoundException", async () => {
      const name = await createStream("monitor-errors");

      await rejected(
        () => send(client, new EnableEnhancedMonitoringCommand({ StreamName: name, ShardLevelMetrics: ["Bytes"] })),
        ValidationException,
      );
      const missing = uniqueName("monitor-missing");
      await rejected(
        () => send(client, new EnableEnhancedMonitoringCommand({ StreamName: missing, ShardLevelMetrics: ["ALL"] })),
        ResourceNotFoundException,
        notFound(missing),
      );
      await rejected(
        () => send(client, new DisableEnhancedMonitoringCommand({ StreamName: missing, ShardLevelMetrics: ["ALL"] })),
        ResourceNotFoundException,
        notFound(missing),
      );
    });
  });

  describe("capacity mode and record size", () => {
    test("a stream goes on demand and back, twice a day at most", async () => {
      const name = await createStream("mode", { ShardCount: 2 });
      const arn = streamArn(name);

      await send(client, new UpdateStreamModeCommand({ StreamARN: arn, StreamModeDetails: { StreamMode: "ON_DEMAND" } }));
      await active(name);

      const onDemand = await summary(name);
      assert.deepEqual([onDemand.StreamModeDetails, onDemand.OpenShardCount], [{ StreamMode: "ON_DEMAND" }, 2]);
      await send(client, new UpdateStreamModeCommand({ StreamARN: arn, StreamModeDetails: { StreamMode: "PROVISIONED" } }));
      await active(name);
      assert.deepEqual((await summary(name)).StreamModeDetails, { StreamMode: "PROVISIONED" });
      await rejected(
        () => send(client, new UpdateStreamModeCommand({ StreamARN: arn, StreamModeDetails: { StreamMode: "ON_DEMAND" } })),
        LimitExceededException,
        `The capacity mode of stream ${name} under account ${ACCOUNT} has been switched 2 times in the last 24 hours, ` +
          "the most allowed in a rolling 24-hour period.",
      );
    });

    test("switching to the current mode or on a missing stream is refused", async () => {
      const name = await createStream("mode-errors");

      await rejected(
        () => send(client, new UpdateStreamModeCommand({ StreamARN: streamArn(name), StreamModeDetails: { StreamMode: "PROVISIONED" } })),
        InvalidArgumentException,
        `Stream ${name} under account ${ACCOUNT} is already in PROVISIONED mode.`,
      );
      const missing = uniqueName("mode-missing");
      await rejected(
        () => send(client, new UpdateStreamModeCommand({ StreamARN: streamArn(missing), StreamModeDetails: { StreamMode: "ON_DEMAND" } })),
        ResourceNotFoundException,
        notFound(missing),
      );
    });

    test("a larger maximum record size lets larger records in", async () => {
      const name = await createStream("max-size");
      const record = new Uint8Array(1536 * 1024);
      await rejected(() => send(client, new PutRecordCommand({ StreamName: name, PartitionKey: "k", Data: record })), ValidationException);

      await send(client, new UpdateMaxRecordSizeCommand({ StreamARN: streamArn(name), MaxRecordSizeInKiB: 2048 }));
      await active(name);

      assert.equal((await summary(name)).MaxRecordSizeInKiB, 2048);
      const put = await send(client, new PutRecordCommand({ StreamName: name, PartitionKey: "k", Data: record }));
      assert.equal(put.ShardId, "shardId-000000000000");
    });

    test("a size outside the model's range and a missing StreamARN are refused", async () => {
      const name = await createStream("max-size-errors");

      await rejected(
        () => send(client, new UpdateMaxRecordSizeCommand({ StreamARN: streamArn(name), MaxRecordSizeInKiB: 1023 })),
        ValidationException,
        "1 validation error detected: Value at 'maxRecordSizeInKiB' failed to satisfy constraint: " +
          "Member must have value greater than or equal to 1024.",
      );
      await rejected(
        () => send(client, new UpdateMaxRecordSizeCommand({ MaxRecordSizeInKiB: 2048 })),
        InvalidArgumentException,
        "StreamARN must be provided.",
      );
      const missing = uniqueName("max-size-missing");
      await rejected(
        () => send(client, new UpdateMaxRecordSizeCommand({ StreamARN: streamArn(missing), MaxRecordSizeInKiB: 2048 })),
        ResourceNotFoundException,
        notFound(missing),
      );
    });
  });

  describe("record distribution", () => {
    test("AUTO spreads records evenly and takes PutRecord and PutRecords without a PartitionKey", async () => {
      const name = await onDemandStream("auto");

      await send(
        client,
        new UpdateStreamRecordDistributionStrategyCommand({ StreamARN: streamArn(name), RecordDistributionStrategy: "AUTO" }),
      );

      assert.equal((await summary(name)).RecordDistributionStrategy, "AUTO");
      const puts = await send(client, new PutRecordsCommand({ StreamName: name, Records: Array.from({ length: 8 }, () => ({ Data: utf8("x") })) }));
      assert.equal(puts.FailedRecordCount, 0);
      const perShard = new Map();
      for (const entry of puts.Records) perShard.set(entry.ShardId, (perShard.get(entry.ShardId) ?? 0) + 1);
      assert.deepEqual([...perShard.values()].sort(), [2, 2, 2, 2]);

      const put = await send(client, new PutRecordCommand({ StreamName: name, Data: utf8("no key") }));

      assert.match(put.SequenceNumber, /^\d+$/);
      const records = await readShard(name, put.ShardId);
      const found = records.find((record) => record.SequenceNumber === put.SequenceNumber);
      assert.ok(found, "the keyless record is readable from the shard PutRecord named");
      assert.equal(Buffer.from(found.Data).toString("utf8"), "no key");
      assert.ok(records.every((record) => record.PartitionKey === undefined), JSON.stringify(records.map((r) => r.PartitionKey)));
    });

    test("a provisioned stream takes no strategy", async () => {
      const name = await createStream("auto-provisioned");

      await rejected(
        () =>
          send(client, new UpdateStreamRecordDistributionStrategyCommand({ StreamARN: streamArn(name), RecordDistributionStrategy: "AUTO" })),
        InvalidArgumentException,
        `RecordDistributionStrategy is only supported for streams in ON_DEMAND mode. Stream ${name} under account ${ACCOUNT} is in PROVISIONED mode.`,
      );
      assert.equal((await summary(name)).RecordDistributionStrategy, undefined);
      const missing = uniqueName("auto-missing");
      await rejected(
        () =>
          send(client, new UpdateStreamRecordDistributionStrategyCommand({ StreamARN: streamArn(missing), RecordDistributionStrategy: "AUTO" })),
        ResourceNotFoundException,
        notFound(missing),
      );
    });
  });

  describe(`account ${OTHER_ACCOUNT}: limits, account settings and warm throughput`, () => {
    let initial; // the account's commitment as this suite found it

    before(async () => {
      initial = (await send(other, new DescribeAccountSettingsCommand({}))).MinimumThroughputBillingCommitment;
    });

    after(async () => {
      // A commitment cannot end before its first day is over: the nearest state to DISABLED is
      // ENABLED_UNTIL_EARLIEST_ALLOWED_END, which DISABLED asks for.
      if (initial?.Status !== "ENABLED") {
        try {
          await send(other, new UpdateAccountSettingsCommand({ MinimumThroughputBillingCommitment: { Status: "DISABLED" } }));
        } catch {
          // the server is down: nothing to put back
        }
      }
    });

    test("DescribeLimits counts the account's own open shards and on-demand streams", async () => {
      const start = await send(other, new DescribeLimitsCommand({}));
      assert.equal(start.ShardLimit, 20000);
      assert.equal(start.OnDemandStreamCountLimit, 50);
      assert.equal(typeof start.OpenShardCount, "number");
      assert.equal(typeof start.OnDemandStreamCount, "number");

      await createStream("limits-p", { ShardCount: 3 }, other);
      const onDemand = await onDemandStream("limits-o", other);
      const shards = (await summary(onDemand, other)).OpenShardCount;

      const limits = await send(other, new DescribeLimitsCommand({}));
      assert.equal(limits.OpenShardCount - start.OpenShardCount, 3 + shards);
      assert.equal(limits.OnDemandStreamCount - start.OnDemandStreamCount, 1);
      assert.equal(limits.ShardLimit, 20000);
    });

    test("UpdateStreamWarmThroughput is refused while the account has no billing commitment", async (t) => {
      if (initial.Status !== "DISABLED") {
        t.skip(`the account's commitment is ${initial.Status} already (an earlier run on this server)`);
        return;
      }
      const name = await onDemandStream("warm-uncommitted", other);

      await rejected(
        () => send(other, new UpdateStreamWarmThroughputCommand({ StreamName: name, WarmThroughputMiBps: 100 })),
        InvalidArgumentException,
        `Warm throughput requires MinimumThroughputBillingCommitment to be ENABLED for account ${OTHER_ACCOUNT}. Enable it with UpdateAccountSettings.`,
      );
      assert.equal((await summary(name, other)).WarmThroughput, undefined);
    });

    test("UpdateAccountSettings runs the commitment at least a day once enabled", async () => {
      const enabled = (await send(other, new UpdateAccountSettingsCommand({ MinimumThroughputBillingCommitment: { Status: "ENABLED" } })))
        .MinimumThroughputBillingCommitment;

      assert.equal(enabled.Status, "ENABLED");
      assert.ok(enabled.StartedAt instanceof Date);
      assert.ok(enabled.EarliestAllowedEndAt instanceof Date);
      assert.equal(enabled.EarliestAllowedEndAt.getTime() - enabled.StartedAt.getTime(), DAY_MS);
      if (initial.Status === "DISABLED") {
        assert.ok(Math.abs(Date.now() - enabled.StartedAt.getTime()) < 120_000, "a new commitment starts now");
      }

      const pending = (await send(other, new UpdateAccountSettingsCommand({ MinimumThroughputBillingCommitment: { Status: "DISABLED" } })))
        .MinimumThroughputBillingCommitment;
      assert.equal(pending.Status, "ENABLED_UNTIL_EARLIEST_ALLOWED_END");
      assert.deepEqual(pending.EarliestAllowedEndAt, enabled.EarliestAllowedEndAt);

      const again = (await send(other, new UpdateAccountSettingsCommand({ MinimumThroughputBillingCommitment: { Status: "ENABLED" } })))
        .MinimumThroughputBillingCommitment;
      assert.equal(again.Status, "ENABLED");
      assert.deepEqual(again.StartedAt, enabled.StartedAt);
      assert.deepEqual((await send(other, new DescribeAccountSettingsCommand({}))).MinimumThroughputBillingCommitment, again);
    });

    test("an unknown commitment status is a ValidationException", async () => {
      await rejected(
        () =>
          send(
            other,
            new UpdateAccountSettingsCommand({ MinimumThroughputBillingCommitment: { Status: "ENABLED_UNTIL_EARLIEST_ALLOWED_END" } }),
          ),
        ValidationException,
        "1 validation error detected: Value at 'minimumThroughputBillingCommitment.status' failed to satisfy constraint: " +
          "Member must satisfy enum value set: [ENABLED, DISABLED].",
      );
      assert.equal((await send(other, new DescribeAccountSettingsCommand({}))).MinimumThroughputBillingCommitment.Status, "ENABLED");
    });

    test("UpdateStreamWarmThroughput warms an on-demand stream of a committed account, and no provisioned stream", async () => {
      const name = await onDemandStream("warm", other);

      const output = await send(other, new UpdateStreamWarmThroughputCommand({ StreamName: name, WarmThroughputMiBps: 100 }));

      assert.equal(output.StreamName, name);
      assert.equal(output.StreamARN, arnIn(OTHER_ACCOUNT, name));
      assert.equal(output.WarmThroughput.TargetMiBps, 100);
      assert.deepEqual((await summary(name, other)).WarmThroughput, { TargetMiBps: 100, CurrentMiBps: 100 });

      const provisioned = await createStream("warm-provisioned", { ShardCount: 1 }, other);
      await rejected(
        () => send(other, new UpdateStreamWarmThroughputCommand({ StreamARN: arnIn(OTHER_ACCOUNT, provisioned), WarmThroughputMiBps: 100 })),
        InvalidArgumentException,
        `Warm throughput is only supported for streams in ON_DEMAND mode. Stream ${provisioned} under account ${OTHER_ACCOUNT} is in PROVISIONED mode.`,
      );
      const missing = uniqueName("warm-missing");
      await rejected(
        () => send(other, new UpdateStreamWarmThroughputCommand({ StreamName: missing, WarmThroughputMiBps: 100 })),
        ResourceNotFoundException,
        notFound(missing, OTHER_ACCOUNT),
      );
    });
  });

  describe("channels", () => {
    test("CreateChannel gives a channel that DescribeChannel shows with its configuration, tags and defaults", async () => {
      const stream = await onDemandStream("channel-src");
      assert.equal((await summary(stream)).ChannelCount, 0);

      const created = await createChannel(stream, { Tags: { team: "data" } });
      const { ChannelDescription: described } = await send(client, new DescribeChannelCommand({ ChannelARN: created.ChannelARN }));

      assert.ok(["CREATING", "ACTIVE"].includes(created.ChannelStatus), created.ChannelStatus);
      assert.equal(described.ChannelStatus, "ACTIVE");
      assert.deepEqual(described, { ...created, ChannelStatus: "ACTIVE" });
      assert.equal(described.ChannelARN, channelArn(created.ChannelName));
      assert.match(described.ChannelId, /^[a-z0-9]{20}$/);
      assert.ok(described.ChannelCreationTimestamp instanceof Date);
      assert.equal(described.ServiceExecutionRoleARN, ROLE);
      const [source] = described.StreamConfigurationList;
      assert.equal(source.StreamARN, streamArn(stream));
      assert.deepEqual(source.StreamCreationTimestamp, (await summary(stream)).StreamCreationTimestamp);
      assert.equal(described.S3DestinationConfiguration.DataFreshnessInSeconds, 300);
      assert.equal(described.S3DestinationConfiguration.StorageConfiguration.CompressionType, "GZIP");
      const logs = described.LoggingConfiguration.CloudWatchLogs;
      assert.equal(logs.Enabled, false);
      assert.equal(logs.LogGroupName, `/aws/kinesis/${created.ChannelName}/${described.ChannelId}`);
      assert.equal(logs.LogStreamName, "DestinationDelivery");
      assert.deepEqual((await send(client, new ListTagsForResourceCommand({ ResourceARN: created.ChannelARN }))).Tags, [
        { Key: "team", Value: "data" },
      ]);
      assert.equal((await summary(stream)).ChannelCount, 1);
    });

    test("CreateChannel refuses a provisioned stream, two destinations, a bad freshness, a bad name and a duplicate", async () => {
      const provisioned = await createStream("channel-prov");
      await rejected(() => createChannel(provisioned), InvalidArgumentException);

      const stream = await onDemandStream("channel-errors");
      await rejected(
        () => createChannel(stream, { S3TablesDestinationConfiguration: tablesDestination() }),
        InvalidArgumentException,
        "Exactly one of S3DestinationConfiguration or S3TablesDestinationConfiguration must be specified.",
      );
      await rejected(
        () => createChannel(stream, { S3DestinationConfiguration: s3Destination({ DataFreshnessInSeconds: 60 }) }),
        InvalidArgumentException,
        "DataFreshnessInSeconds must be between 300 and 900. Requested value: 60.",
      );
      await rejected(() => createChannel(stream, { name: "bad name", wait: false }), ValidationException);
      const missing = uniqueName("channel-gone");
      await rejected(() => createChannel(missing), ResourceNotFoundException, notFound(missing));

      const { ChannelName: name } = await createChannel(stream);
      const second = await onDemandStream("channel-dup");
      await rejected(
        () => createChannel(second, { name }),
        ResourceInUseException,
        `Channel ${name} under account ${ACCOUNT} already exists.`,
      );
    });

    test("ListChannels filters by stream and pages, by hand and through the paginator", async () => {
      const stream = await onDemandStream("channel-list");
      const elsewhere = await onDemandStream("channel-list-other");
      const names = [(await createChannel(stream)).ChannelName, (await createChannel(stream, { destination: "tables" })).ChannelName].sort();
      const outside = (await createChannel(elsewhere)).ChannelName;
      const StreamFilter = [{ StreamARN: streamArn(stream) }];

      const first = await send(client, new ListChannelsCommand({ StreamFilter, MaxResults: 1 }));
      const second = await send(client, new ListChannelsCommand({ StreamFilter, MaxResults: 1, NextToken: first.NextToken }));
      const paged = [];
      for await (const page of paginateListChannels({ client, pageSize: 1 }, { StreamFilter })) {
        paged.push(...page.ChannelSummaries.map((channel) => channel.ChannelName));
      }

      assert.deepEqual(first.ChannelSummaries.map((channel) => channel.ChannelName), [names[0]]);
      assert.deepEqual(second.ChannelSummaries.map((channel) => channel.ChannelName), [names[1]]);
      assert.equal(second.NextToken, undefined);
      assert.deepEqual(paged, names);
      assert.ok(!paged.includes(outside));
      const [channel] = first.ChannelSummaries;
      assert.ok(["S3", "S3_TABLES"].includes(channel.ChannelDestinationType), channel.ChannelDestinationType);
      assert.equal(channel.Streams[0].StreamARN, streamArn(stream));
      assert.ok(channel.Streams[0].StreamCreationTimestamp instanceof Date);

      await rejected(
        () => send(client, new ListChannelsCommand({ NextToken: "bm90IGEgdG9rZW4=" })),
        InvalidArgumentException,
        "Invalid NextToken.",
      );
    });

    test("UpdateChannel changes data freshness and logging, and refuses the other destination's settings", async () => {
      const stream = await onDemandStream("channel-update");
      const created = await createChannel(stream);

      const { ChannelDescription: updated } = await send(
        client,
        new UpdateChannelCommand({
          ChannelARN: created.ChannelARN,
          S3DestinationConfiguration: { DataFreshnessInSeconds: 600 },
          LoggingConfiguration: { CloudWatchLogs: { Enabled: true, LogStreamName: "mine" } },
        }),
      );
      await channelActive(created.ChannelARN);
      const { ChannelDescription: described } = await send(client, new DescribeChannelCommand({ ChannelARN: created.ChannelARN }));

      assert.ok(["UPDATING", "ACTIVE"].includes(updated.ChannelStatus), updated.ChannelStatus);
      assert.equal(described.S3DestinationConfiguration.DataFreshnessInSeconds, 600);
      assert.equal(described.LoggingConfiguration.CloudWatchLogs.Enabled, true);
      assert.equal(described.LoggingConfiguration.CloudWatchLogs.LogStreamName, "mine");

      await rejected(
        () =>
          send(client, new UpdateChannelCommand({ ChannelARN: created.ChannelARN, S3TablesDestinationConfiguration: { DataFreshnessInSeconds: 600 } })),
        InvalidArgumentException,
        `Channel ${created.ChannelName} has destination type S3; S3TablesDestinationConfiguration cannot be specified.`,
      );
      const missing = uniqueName("nochannel");
      await rejected(
        () => send(client, new UpdateChannelCommand({ ChannelARN: channelArn(missing), S3DestinationConfiguration: { DataFreshnessInSeconds: 600 } })),
        ResourceNotFoundException,
        `Channel ${missing} under account ${ACCOUNT} not found.`,
      );
      await rejected(
        () => send(client, new DescribeChannelCommand({ ChannelARN: channelArn(missing) })),
        ResourceNotFoundException,
        `Channel ${missing} under account ${ACCOUNT} not found.`,
      );
    });

    test("a stream with a channel cannot be deleted until DeleteChannel has removed it", async () => {
      const stream = await onDemandStream("channel-delete");
      const { ChannelARN: arn } = await createChannel(stream);

      await rejected(() => send(client, new DeleteStreamCommand({ StreamName: stream, EnforceConsumerDeletion: true })), ResourceInUseException);

      await send(client, new DeleteChannelCommand({ ChannelARN: arn }));

      let gone;
      for (let poll = 0; poll < 20 && !gone; poll += 1) {
        try {
          await send(client, new DescribeChannelCommand({ ChannelARN: arn }));
          await new Promise((resolve) => setTimeout(resolve, 250));
        } catch (error) {
          gone = error;
        }
      }
      assert.ok(gone instanceof ResourceNotFoundException, `the channel stayed after DeleteChannel: ${gone}`);
      await rejected(() => send(client, new DeleteChannelCommand({ ChannelARN: arn })), ResourceNotFoundException);
      await send(client, new DeleteStreamCommand({ StreamName: stream }));
    });
  });

  describe("retention", () => {
    test("IncreaseStreamRetentionPeriod and DecreaseStreamRetentionPeriod change what DescribeStream reports", async () => {
      const name = await createStream("retention");
      assert.equal((await description(name)).RetentionPeriodHours, 24);

      await send(client, new IncreaseStreamRetentionPeriodCommand({ StreamName: name, RetentionPeriodHours: 48 }));
      assert.equal((await description(name)).RetentionPeriodHours, 48);
      assert.equal((await summary(name)).RetentionPeriodHours, 48);

      await send(client, new DecreaseStreamRetentionPeriodCommand({ StreamARN: streamArn(name), RetentionPeriodHours: 36 }));
      assert.equal((await description(name)).RetentionPeriodHours, 36);
    });

    test("a retention period the wrong way or out of range is an InvalidArgumentException, a missing stream ResourceNotFound", async () => {
      const name = await createStream("retention-errors");
      await send(client, new IncreaseStreamRetentionPeriodCommand({ StreamName: name, RetentionPeriodHours: 48 }));

      await rejected(
        () => send(client, new IncreaseStreamRetentionPeriodCommand({ StreamName: name, RetentionPeriodHours: 36 })),
        InvalidArgumentException,
        `Requested retention period (36 hours) for stream ${name} can not be shorter than existing retention period (48 hours). Use DecreaseRetentionPeriod API.`,
      );
      await rejected(
        () => send(client, new DecreaseStreamRetentionPeriodCommand({ StreamName: name, RetentionPeriodHours: 72 })),
        InvalidArgumentException,
        `Requested retention period (72 hours) for stream ${name} can not be longer than existing retention period (48 hours). Use IncreaseRetentionPeriod API.`,
      );
      await rejected(
        () => send(client, new IncreaseStreamRetentionPeriodCommand({ StreamName: name, RetentionPeriodHours: 8761 })),
        InvalidArgumentException,
        "Maximum allowed retention period is 8760 hours. Requested retention period (8761 hours) is too long.",
      );
      await rejected(
        () => send(client, new DecreaseStreamRetentionPeriodCommand({ StreamName: name, RetentionPeriodHours: 23 })),
        InvalidArgumentException,
        "Minimum allowed retention period is 24 hours. Requested retention period (23 hours) is too short.",
      );
      assert.equal((await description(name)).RetentionPeriodHours, 48);
      const missing = uniqueName("retention-missing");
      await rejected(
        () => send(client, new IncreaseStreamRetentionPeriodCommand({ StreamName: missing, RetentionPeriodHours: 48 })),
        ResourceNotFoundException,
        notFound(missing),
      );
      await rejected(
        () => send(client, new DecreaseStreamRetentionPeriodCommand({ StreamName: missing, RetentionPeriodHours: 24 })),
        ResourceNotFoundException,
        notFound(missing),
      );
    });
  });

  describe("DescribeStream, ListStreams and DeleteStream", () => {
    test("DescribeStream gives the shards, defaults and ARN, and pages with Limit and ExclusiveStartShardId", async () => {
      const name = await createStream("describe", { ShardCount: 3 });

      const described = await description(name);

      assert.equal(described.StreamName, name);
      assert.equal(described.StreamARN, streamArn(name));
      assert.equal(described.StreamStatus, "ACTIVE");
      assert.deepEqual(described.StreamModeDetails, { StreamMode: "PROVISIONED" });
      assert.equal(described.RetentionPeriodHours, 24);
      assert.equal(described.EncryptionType, "NONE");
      assert.deepEqual(described.EnhancedMonitoring, [{ ShardLevelMetrics: [] }]);
      assert.equal(described.HasMoreShards, false);
      assert.ok(described.StreamCreationTimestamp instanceof Date);
      assert.deepEqual(
        described.Shards.map((shard) => shard.ShardId),
        ["shardId-000000000000", "shardId-000000000001", "shardId-000000000002"],
      );
      assert.equal(described.Shards[0].HashKeyRange.StartingHashKey, "0");
      assert.equal(described.Shards[2].HashKeyRange.EndingHashKey, "340282366920938463463374607431768211455");

      const first = await description(name, { Limit: 1 });
      const next = await description(name, { Limit: 5, ExclusiveStartShardId: first.Shards[0].ShardId });
      assert.deepEqual(first.Shards.map((shard) => shard.ShardId), ["shardId-000000000000"]);
      assert.equal(first.HasMoreShards, true);
      assert.deepEqual(next.Shards.map((shard) => shard.ShardId), ["shardId-000000000001", "shardId-000000000002"]);
      assert.equal(next.HasMoreShards, false);

      const missing = uniqueName("describe-missing");
      await rejected(() => description(missing), ResourceNotFoundException, notFound(missing));
    });

    test("ListStreams lists names and summaries in order and pages with Limit and NextToken", async () => {
      const first = await createStream("list-a");
      const second = await onDemandStream("list-b");

      const names = [];
      const summaries = new Map();
      for await (const page of paginateListStreams({ client, pageSize: 100 }, {})) {
        names.push(...page.StreamNames);
        for (const streamSummary of page.StreamSummaries ?? []) summaries.set(streamSummary.StreamName, streamSummary);
      }

      assert.ok(names.includes(first) && names.includes(second));
      assert.equal(new Set(names).size, names.length, "no stream is listed twice across pages");
      assert.deepEqual([...names].sort(), names, "ListStreams lists names in lexicographic order");
      assert.equal(summaries.get(first).StreamARN, streamArn(first));
      assert.equal(summaries.get(first).StreamStatus, "ACTIVE");
      assert.deepEqual(summaries.get(first).StreamModeDetails, { StreamMode: "PROVISIONED" });
      assert.ok(summaries.get(first).StreamCreationTimestamp instanceof Date);
      assert.deepEqual(summaries.get(second).StreamModeDetails, { StreamMode: "ON_DEMAND" });

      const page = await send(client, new ListStreamsCommand({ Limit: 1 }));
      assert.equal(page.StreamNames.length, 1);
      assert.equal(page.HasMoreStreams, true);
      assert.ok(page.NextToken);
      const following = await send(client, new ListStreamsCommand({ NextToken: page.NextToken, Limit: 1 }));
      assert.equal(following.StreamNames.length, 1);
      assert.notDeepEqual(following.StreamNames, page.StreamNames);
      const started = await send(client, new ListStreamsCommand({ ExclusiveStartStreamName: first, Limit: 1 }));
      assert.ok(started.StreamNames.every((listed) => listed > first));

      await rejected(() => send(client, new ListStreamsCommand({ NextToken: "bm90IGEgdG9rZW4=" })), InvalidArgumentException);
    });

    test("DeleteStream with EnforceConsumerDeletion removes the stream; deleting it again is ResourceNotFound", async () => {
      const name = await createStream("delete");
      await send(client, new PutRecordCommand({ StreamName: name, PartitionKey: "k", Data: utf8("doomed") }));

      await send(client, new DeleteStreamCommand({ StreamName: name, EnforceConsumerDeletion: true }));
      const waited = await waitUntilStreamNotExists({ client, minDelay: 1, maxDelay: 2, maxWaitTime: 20 }, { StreamName: name });

      assert.equal(waited.state, "SUCCESS");
      await rejected(() => description(name), ResourceNotFoundException, notFound(name));
      await rejected(
        () => send(client, new DeleteStreamCommand({ StreamARN: streamArn(name), EnforceConsumerDeletion: true })),
        ResourceNotFoundException,
        notFound(name),
      );
      const listed = await send(client, new ListStreamsCommand({ ExclusiveStartStreamName: name.slice(0, -1), Limit: 10 }));
      assert.ok(!listed.StreamNames.includes(name));
    });
  });

  describe("responses", () => {
    test("every operation answered at least once with 200 and AWS's error shape otherwise", () => {
      const answered = new Set(rawResponses.filter((response) => response.status === 200).map((response) => response.operation));
      assert.deepEqual(OPERATIONS.filter((operation) => !answered.has(operation)), []);
      for (const response of rawResponses.filter((entry) => entry.status !== 200)) {
        assert.equal(response.status, 400, `${response.operation}: ${response.text}`);
        const body = JSON.parse(response.text);
        assert.equal(typeof body.__type, "string", `${response.operation}: ${response.text}`);
        assert.equal(typeof body.message, "string", `${response.operation}: ${response.text}`);
      }
    });

    test("no response of any operation carries a StreamId, raw or deserialized", () => {
      assert.ok(rawResponses.length > 100, `${rawResponses.length} responses recorded`);
      const raw = rawResponses.flatMap((response) =>
        response.text.trim() === "" ? [] : pathsOf(JSON.parse(response.text), "StreamId").map((path) => `${response.operation} ${path}`),
      );
      const deserialized = outputs.flatMap((entry) => pathsOf(entry.output, "StreamId").map((path) => `${entry.operation} ${path}`));
      assert.deepEqual(raw, []);
      assert.deepEqual(deserialized, []);
      const seen = new Set(outputs.map((entry) => entry.operation));
      assert.deepEqual(OPERATIONS.filter((operation) => !seen.has(operation)), [], "every operation's output was inspected");
    });
  });
});
