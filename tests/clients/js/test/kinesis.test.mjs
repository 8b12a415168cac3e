// Core Kinesis flows through @aws-sdk/client-kinesis v3 with its default HTTP/2 handler (h2c over
// http://, h2 chosen by ALPN over https://).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";

import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  DryRunOperationException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  InvalidArgumentException,
  KinesisServiceException,
  ListShardsCommand,
  PutRecordCommand,
  PutRecordsCommand,
  ResourceNotFoundException,
  ValidationException,
  waitUntilStreamExists,
} from "@aws-sdk/client-kinesis";

import {
  ACCOUNT,
  deleteQuietly,
  expectedAlpn,
  http2Sessions,
  isTls,
  newClient,
  partitionKeyHash,
  send,
  shardForHash,
  rejection,
  streamArn,
  uniqueName,
  utf8,
} from "./support.mjs";

const SEQUENCE_NUMBER = /^[1-9]\d{49,59}$/; // AWS's are 56 digits
const TEST_TIMEOUT_MS = 60_000;

describe("@aws-sdk/client-kinesis against Rivulet", { timeout: TEST_TIMEOUT_MS * 4 }, () => {
  const client = newClient();
  const streams = [];
  let name; // one three-shard stream shared by the flows below, created in before()
  let shards;

  async function createStream(label, input) {
    const streamName = uniqueName(label);
    await send(client, new CreateStreamCommand({ StreamName: streamName, ...input }));
    streams.push(streamName);
    // What applications do; Rivulet makes streams ACTIVE at once, so this returns on the first poll.
    const waited = await waitUntilStreamExists({ client, minDelay: 1, maxDelay: 2, maxWaitTime: 20 }, { StreamName: streamName });
    assert.equal(waited.state, "SUCCESS");
    return streamName;
  }

  async function readAll(shardId, iteratorType, expected, extra = {}) {
    const { ShardIterator } = await send(
      client,
      new GetShardIteratorCommand({ StreamName: name, ShardId: shardId, ShardIteratorType: iteratorType, ...extra }),
    );
    let iterator = ShardIterator;
    const records = [];
    for (let call = 0; call < 20 && iterator && records.length < expected; call += 1) {
      const page = await send(client, new GetRecordsCommand({ ShardIterator: iterator }));
      records.push(...page.Records);
      iterator = page.NextShardIterator;
    }
    return records;
  }

  before(async () => {
    name = await createStream("core", { ShardCount: 3 });
    ({ Shards: shards } = await send(client, new ListShardsCommand({ StreamName: name })));
  });

  after(async () => {
    for (const streamName of streams) {
      await deleteQuietly(client, streamName);
    }
    client.destroy();
  });

  test(`the SDK keeps its default HTTP/2 handler and the server answers over HTTP/2 (${isTls() ? "TLS, ALPN h2" : "h2c"})`, () => {
    const handler = client.config.requestHandler;
    assert.equal(handler.constructor.name, "NodeHttp2Handler");
    assert.equal(handler.metadata?.handlerProtocol, "h2");
    assert.ok(http2Sessions.length >= 2, `the SDK opened HTTP/2 sessions (got ${http2Sessions.length})`);
    for (const session of http2Sessions) {
      assert.equal(session.error, undefined, `session to ${session.authority} failed: ${session.error}`);
      assert.ok(session.gotRemoteSettings, `the server sent an HTTP/2 SETTINGS frame on ${session.authority}`);
      if (isTls()) {
        assert.equal(session.alpnProtocol, "h2", "ALPN chose HTTP/2 over TLS");
        assert.equal(session.encrypted, true, "the session runs over TLS");
        assert.equal(session.authorized, true, "the server's certificate was verified");
      } else {
        assert.equal(session.alpnProtocol, "h2c", "cleartext HTTP/2 with prior knowledge");
        assert.equal(session.encrypted, false);
      }
      assert.equal(session.alpnProtocol, expectedAlpn());
    }
  });

  test("CreateStream gives an ACTIVE provisioned stream with evenly split shards", async () => {
    const { StreamDescriptionSummary: summary } = await send(client, new DescribeStreamSummaryCommand({ StreamName: name }));

    assert.equal(summary.StreamName, name);
    assert.equal(summary.StreamARN, streamArn(name));
    assert.equal(summary.StreamStatus, "ACTIVE");
    assert.equal(summary.OpenShardCount, 3);
    assert.equal(summary.StreamModeDetails?.StreamMode, "PROVISIONED");
    assert.ok(summary.StreamCreationTimestamp instanceof Date);
    assert.ok(Math.abs(Date.now() - summary.StreamCreationTimestamp.getTime()) < 120_000);
    assert.deepEqual(
      shards.map((shard) => [shard.ShardId, shard.HashKeyRange.StartingHashKey, shard.HashKeyRange.EndingHashKey]),
      [
        ["shardId-000000000000", "0", "113427455640312821154458202477256070484"],
        ["shardId-000000000001", "113427455640312821154458202477256070485", "226854911280625642308916404954512140969"],
        ["shardId-000000000002", "226854911280625642308916404954512140970", "340282366920938463463374607431768211455"],
      ],
    );
  });

  test("PutRecord returns the shard picked by the MD5 of the partition key", async () => {
    const output = await send(client, new PutRecordCommand({ StreamName: name, Data: utf8("hello from js"), PartitionKey: "js-key" }));

    assert.equal(output.ShardId, shardForHash(shards, partitionKeyHash("js-key")));
    assert.match(output.SequenceNumber, SEQUENCE_NUMBER);
    assert.equal(output.EncryptionType, "NONE");
    assert.equal(output.$metadata.httpStatusCode, 200);
    assert.ok(output.$metadata.requestId, "x-amzn-RequestId reaches $metadata.requestId");
  });

  test("PutRecords with the documented two records, then GetRecords returns their data", async () => {
    const output = await send(
      client,
      new PutRecordsCommand({
        StreamName: name,
        Records: [
          { Data: utf8("blob1"), PartitionKey: "partitionkey1" },
          { Data: utf8("blob2"), PartitionKey: "partitionkey2" },
        ],
      }),
    );

    assert.equal(output.FailedRecordCount, 0);
    assert.equal(output.Records.length, 2);
    const keys = ["partitionkey1", "partitionkey2"];
    output.Records.forEach((entry, index) => {
      assert.match(entry.SequenceNumber, SEQUENCE_NUMBER);
      assert.equal(entry.ShardId, shardForHash(shards, partitionKeyHash(keys[index])), `request order: ${keys[index]}`);
      assert.equal(entry.ErrorCode, undefined);
    });

    for (const [index, entry] of output.Records.entries()) {
      const records = await readAll(entry.ShardId, "AT_SEQUENCE_NUMBER", 1, { StartingSequenceNumber: entry.SequenceNumber });
      assert.ok(records.length >= 1, `record ${index} is readable from ${entry.ShardId}`);
      const [record] = records;
      assert.equal(record.SequenceNumber, entry.SequenceNumber);
      assert.equal(record.PartitionKey, keys[index]);
      assert.ok(record.Data instanceof Uint8Array);
      assert.equal(Buffer.from(record.Data).toString("utf8"), `blob${index + 1}`);
      assert.ok(record.ApproximateArrivalTimestamp instanceof Date);
      assert.ok(Math.abs(Date.now() - record.ApproximateArrivalTimestamp.getTime()) < 60_000);
    }
  });

  test("binary data round-trips byte for byte through TRIM_HORIZON", async () => {
    const payload = new Uint8Array(512);
    for (let i = 0; i < payload.length; i += 1) payload[i] = (i * 7 + 0x80) & 0xff; // not valid UTF-8
    const put = await send(
      client,
      new PutRecordCommand({ StreamName: name, Data: payload, PartitionKey: "binary", ExplicitHashKey: "0" }),
    );
    assert.equal(put.ShardId, "shardId-000000000000");

    const records = await readAll("shardId-000000000000", "TRIM_HORIZON", 100);
    const found = records.find((record) => record.SequenceNumber === put.SequenceNumber);

    assert.ok(found, "the binary record is on shard 0");
    assert.deepEqual(Buffer.from(found.Data), Buffer.from(payload));
  });

  test("GetRecords pages with Limit and reports MillisBehindLatest", async () => {
    const stream = await createStream("paging", { ShardCount: 1 });
    for (const word of ["one", "two", "three"]) {
      await send(client, new PutRecordCommand({ StreamName: stream, Data: utf8(word), PartitionKey: word }));
    }
    let { ShardIterator: iterator } = await send(
      client,
      new GetShardIteratorCommand({ StreamARN: streamArn(stream), ShardId: "shardId-000000000000", ShardIteratorType: "TRIM_HORIZON" }),
    );

    const pages = [];
    let last;
    for (let call = 0; call < 5; call += 1) {
      last = await send(client, new GetRecordsCommand({ ShardIterator: iterator, Limit: 2 }));
      pages.push(last.Records.map((record) => Buffer.from(record.Data).toString("utf8")));
      assert.ok(last.NextShardIterator, "an open shard always returns NextShardIterator");
      assert.equal(typeof last.MillisBehindLatest, "number");
      iterator = last.NextShardIterator;
      if (last.Records.length === 0) break;
    }

    assert.deepEqual(pages.slice(0, 3), [["one", "two"], ["three"], []]);
    assert.equal(last.MillisBehindLatest, 0);
  });

  test("a 257-character partition key is a typed ValidationException", async () => {
    const error = await rejection(() =>
      send(client, new PutRecordCommand({ StreamName: name, Data: utf8("x"), PartitionKey: "k".repeat(257) })),
    );

    assert.ok(error instanceof ValidationException, `got ${error?.name}: ${error?.message}`);
    assert.ok(error instanceof KinesisServiceException);
    assert.equal(error.name, "ValidationException");
    assert.equal(
      error.message,
      "1 validation error detected: Value at 'partitionKey' failed to satisfy constraint: Member must have length less than or equal to 256.",
    );
    assert.equal(error.$metadata.httpStatusCode, 400);
    assert.equal(error.$fault, "client");
  });

  test("a dry run PutRecord and GetShardIterator are typed DryRunOperationExceptions that change nothing", async () => {
    const dryPut = await rejection(() =>
      send(client, new PutRecordCommand({ StreamName: name, Data: utf8("dry"), PartitionKey: "dry-key", DryRun: true })),
    );
    assert.ok(dryPut instanceof DryRunOperationException, `got ${dryPut?.name}: ${dryPut?.message}`);
    assert.equal(dryPut.message, "The request was rejected because the DryRun parameter was specified.");
    assert.equal(dryPut.$metadata.httpStatusCode, 400);

    const dryIterator = await rejection(() =>
      send(client, new GetShardIteratorCommand({ StreamName: name, ShardId: shards[0].ShardId, ShardIteratorType: "LATEST", DryRun: true })),
    );
    assert.ok(dryIterator instanceof DryRunOperationException, `got ${dryIterator?.name}`);

    const missing = await rejection(() =>
      send(client, new PutRecordCommand({ StreamName: uniqueName("missing"), Data: utf8("x"), PartitionKey: "k", DryRun: true })),
    );
    assert.ok(missing instanceof ResourceNotFoundException, `got ${missing?.name}`);
  });

  test("an unknown stream is a typed ResourceNotFoundException", async () => {
    const missing = uniqueName("missing");
    const error = await rejection(() => send(client, new DescribeStreamSummaryCommand({ StreamName: missing })));

    assert.ok(error instanceof ResourceNotFoundException, `got ${error?.name}: ${error?.message}`);
    assert.equal(error.name, "ResourceNotFoundException");
    assert.equal(error.message, `Stream ${missing} under account ${ACCOUNT} not found.`);
    assert.equal(error.$metadata.httpStatusCode, 400);

    const putError = await rejection(() =>
      send(client, new PutRecordCommand({ StreamARN: streamArn(missing), Data: utf8("x"), PartitionKey: "k" })),
    );
    assert.ok(putError instanceof ResourceNotFoundException, `got ${putError?.name}: ${putError?.message}`);
    assert.equal(putError.message, `Stream ${missing} under account ${ACCOUNT} not found.`);
  });

  test("a garbled shard iterator is a typed InvalidArgumentException", async () => {
    const error = await rejection(() =>
      send(client, new GetRecordsCommand({ ShardIterator: "AAAAAAAAAAGarbledIteratorThatIsNotBase64!!" })),
    );

    assert.ok(error instanceof InvalidArgumentException, `got ${error?.name}: ${error?.message}`);
    assert.equal(error.name, "InvalidArgumentException");
    assert.equal(error.message, "Invalid ShardIterator.");
  });

  test("many short HTTP/2 sessions in a row all succeed", async () => {
    const before = http2Sessions.length;
    const results = [];
    for (let i = 0; i < 40; i += 1) {
      results.push(await send(client, new PutRecordCommand({ StreamName: name, Data: utf8(`burst-${i}`), PartitionKey: `burst-${i}` })));
    }

    assert.equal(new Set(results.map((result) => result.SequenceNumber)).size, 40, "40 distinct sequence numbers");
    assert.ok(http2Sessions.length - before >= 40, "one session per request (disableConcurrentStreams)");
    assert.ok(http2Sessions.slice(before).every((session) => session.gotRemoteSettings && !session.error));
    assert.ok(http2Sessions.slice(before).every((session) => session.alpnProtocol === expectedAlpn()));
  });

  test("concurrent requests over separate HTTP/2 sessions all succeed", async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        send(client, new PutRecordCommand({ StreamName: name, Data: utf8(`parallel-${i}`), PartitionKey: `parallel-${i}` })),
      ),
    );

    assert.equal(new Set(results.map((result) => result.SequenceNumber)).size, 20);
  });
});
