// Enhanced fan-out through @aws-sdk/client-kinesis v3 and its default HTTP/2 handler (h2c over
// http://, h2 chosen by ALPN over https://): consumers registered, described, listed and
// deregistered; SubscribeToShard read with `for await` over the SDK's event stream; a reader that
// follows ChildShards through a split and a merge by subscription alone. Then raw node:http2
// subscriptions decoded frame by frame (prelude and message CRC-32 checked here): one in CBOR as the
// KCL (Java SDK v2) sends it, a reader that stops reading with a 1 KiB flow-control window and holds
// back only its own stream, and reset subscriptions whose consumer and shard are free again at once.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import http2 from "node:http2";
import zlib from "node:zlib";

import cbor from "cbor";
import {
  CreateStreamCommand,
  DeregisterStreamConsumerCommand,
  DescribeStreamConsumerCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
  ListStreamConsumersCommand,
  MergeShardsCommand,
  PutRecordCommand,
  PutRecordsCommand,
  RegisterStreamConsumerCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  SplitShardCommand,
  SubscribeToShardCommand,
  waitUntilStreamExists,
} from "@aws-sdk/client-kinesis";

import {
  deleteQuietly,
  endpoint,
  expectedAlpn,
  http2Sessions,
  newClient,
  rejection,
  send,
  streamArn,
  tlsOptions,
  uniqueName,
  utf8,
} from "./support.mjs";

const SHARD_0 = "shardId-000000000000";
const SEQUENCE_NUMBER = /^[1-9]\d{49,59}$/;
const HASH_SPACE = 1n << 128n;
/** Every subscription is cut after this long whatever happens (the server's own lifetime is 5 minutes). */
const SUBSCRIPTION_DEADLINE_MS = 60_000;
/** How long a test waits for one event; records arrive at once, heartbeats every 5 s. */
const EVENT_TIMEOUT_MS = 15_000;
/** A consumer and shard whose subscription went away is free again within this many tries, 100 ms apart. */
const IN_USE_RETRIES = 50;

const EVENT_STREAM = "application/vnd.amazon.eventstream";
const JSON_11 = "application/x-amz-json-1.1";
const CBOR_11 = "application/x-amz-cbor-1.1";
const AUTHORIZATION =
  "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20251121/us-east-1/kinesis/aws4_request, " +
  "SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=" + "0".repeat(64);

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const text = (bytes) => Buffer.from(bytes).toString("utf8");

/** Resolves `promise`, or fails with `what` after `ms`. */
async function within(promise, ms, what) {
  let timer;
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * One SubscribeToShard through the SDK: the event stream's iterator, read one event at a time with a
 * deadline each, and an abort controller that ends the HTTP/2 stream (RST_STREAM) on close().
 */
class Subscription {
  constructor(response, controller) {
    this.iterator = response.EventStream[Symbol.asyncIterator]();
    this.controller = controller;
    this.lastContinuation = undefined;
  }

  /** The next SubscribeToShardEvent, or undefined when the event stream ended; throws what the SDK throws. */
  async next(timeoutMs = EVENT_TIMEOUT_MS) {
    const pending = this.iterator.next();
    pending.catch(() => {}); // a deadline below may leave it to reject after close()
    const { value, done } = await within(pending, timeoutMs, "SubscribeToShard event");
    if (done) {
      return undefined;
    }
    assert.deepEqual(Object.keys(value), ["SubscribeToShardEvent"], `an event of the stream: ${JSON.stringify(value)}`);
    const event = value.SubscribeToShardEvent;
    checkEvent(event);
    if (event.ContinuationSequenceNumber !== undefined) {
      this.lastContinuation = event.ContinuationSequenceNumber;
    }
    return event;
  }

  /** Reads events until `count` records came (more is an error); returns them and the events. */
  async records(count) {
    const records = [];
    const events = [];
    for (let i = 0; i < 100 && records.length < count; i += 1) {
      const event = await this.next();
      assert.ok(event, `the event stream ended after ${records.length} of ${count} records`);
      events.push(event);
      records.push(...event.Records);
    }
    assert.equal(records.length, count, "exactly the records expected");
    return { records, events };
  }

  close() {
    this.controller.abort();
  }
}

/** What every SubscribeToShardEvent satisfies: the continuation is the last record's sequence number; only the end of a closed shard names children, and then has no continuation. */
function checkEvent(event) {
  assert.ok(Array.isArray(event.Records));
  assert.equal(typeof event.MillisBehindLatest, "number");
  assert.ok(event.MillisBehindLatest >= 0);
  if (event.ChildShards?.length > 0) {
    assert.equal(event.Records.length, 0, "the ChildShards event carries no records");
    assert.equal(event.ContinuationSequenceNumber, undefined, "the ChildShards event has no ContinuationSequenceNumber");
    return;
  }
  assert.match(event.ContinuationSequenceNumber ?? "", SEQUENCE_NUMBER, "every other event has a ContinuationSequenceNumber");
  if (event.Records.length > 0) {
    assert.equal(event.ContinuationSequenceNumber, event.Records.at(-1).SequenceNumber, "the continuation is the last record's sequence number");
  }
  for (const record of event.Records) {
    assert.match(record.SequenceNumber, SEQUENCE_NUMBER);
    assert.ok(record.Data instanceof Uint8Array);
    assert.ok(record.ApproximateArrivalTimestamp instanceof Date);
    assert.ok(Math.abs(Date.now() - record.ApproximateArrivalTimestamp.getTime()) < 120_000);
  }
}

// -- raw HTTP/2 and the event-stream framing --------------------------------------------------------

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** CRC-32 (IEEE), node's own when it has one (>= 20.15). */
const crc32 =
  typeof zlib.crc32 === "function"
    ? (bytes) => zlib.crc32(bytes)
    : (bytes) => {
        let c = 0xffffffff;
        for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
        return (c ^ 0xffffffff) >>> 0;
      };

/** One application/vnd.amazon.eventstream message, checked: { headers: { name: value }, payload }. */
function decodeMessage(bytes) {
  const total = bytes.readUInt32BE(0);
  const headersLength = bytes.readUInt32BE(4);
  assert.equal(bytes.length, total);
  assert.equal(crc32(bytes.subarray(0, 8)), bytes.readUInt32BE(8), "prelude CRC-32");
  assert.equal(crc32(bytes.subarray(0, total - 4)), bytes.readUInt32BE(total - 4), "message CRC-32");
  const headers = {};
  let offset = 12;
  const end = 12 + headersLength;
  while (offset < end) {
    const nameLength = bytes[offset];
    const name = bytes.subarray(offset + 1, offset + 1 + nameLength).toString("utf8");
    offset += 1 + nameLength;
    assert.equal(bytes[offset], 7, `header ${name} is a string (type 7)`);
    const valueLength = bytes.readUInt16BE(offset + 1);
    headers[name] = bytes.subarray(offset + 3, offset + 3 + valueLength).toString("utf8");
    offset += 3 + valueLength;
  }
  assert.equal(offset, end, "the headers fill their length exactly");
  return { headers, payload: bytes.subarray(end, total - 4) };
}

/** Splits a byte stream into messages; each chunk is copied once, when a whole message is there. */
class EventStreamDecoder {
  constructor() {
    this.chunks = [];
    this.length = 0;
    this.needed = 12;
    this.messages = [];
  }

  push(chunk) {
    this.chunks.push(chunk);
    this.length += chunk.length;
    if (this.length < this.needed) {
      return;
    }
    let bytes = Buffer.concat(this.chunks, this.length);
    while (bytes.length >= 12) {
      const total = bytes.readUInt32BE(0);
      assert.ok(total >= 16 && total <= 16 * 1024 * 1024, `a message length: ${total}`);
      if (bytes.length < total) {
        this.needed = total;
        break;
      }
      this.messages.push(decodeMessage(bytes.subarray(0, total)));
      bytes = bytes.subarray(total);
      this.needed = 12;
    }
    this.chunks = bytes.length > 0 ? [bytes] : [];
    this.length = bytes.length;
  }
}

/** Marks every map and array below `value` to be written with an indefinite length, as the Java SDK's Jackson does (see cbor.test.mjs). */
function jackson(value) {
  if (value instanceof Uint8Array || value === null || typeof value !== "object") {
    return value;
  }
  const copy = Array.isArray(value) ? value.map(jackson) : Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jackson(v)]));
  Object.defineProperty(copy, "encodeCBOR", { value: cbor.Encoder.encodeIndefinite, enumerable: false });
  return copy;
}

/** npm's cbor reads tag 1 as seconds; AWS's are milliseconds, so the value is kept as sent. */
const decodeCbor = (bytes) => cbor.decodeFirstSync(bytes, { tags: { 1: (value) => ({ tag1: value }) } });

/**
 * SubscribeToShard on its own HTTP/2 session, signed as cbor.test.mjs signs (the server does not
 * verify here), in JSON or (codec "cbor") in CBOR as the KCL sends it, read by hand.
 */
class RawSubscription {
  /** A new session of its own, or a stream on `session` (as the Java SDK multiplexes a worker's subscriptions on one connection). */
  static async open(input, { session: shared, initialWindowSize, codec = "json" } = {}) {
    const session =
      shared ??
      http2.connect(endpoint(), {
        ...tlsOptions(),
        ...(initialWindowSize === undefined ? {} : { settings: { initialWindowSize } }),
      });
    session.on("error", () => {}); // surfaces through the request below
    const request = session.request({
      ":method": "POST",
      ":path": "/",
      "content-type": codec === "cbor" ? CBOR_11 : JSON_11,
      "x-amz-target": "Kinesis_20131202.SubscribeToShard",
      "x-amz-date": "20251121T000000Z",
      authorization: AUTHORIZATION,
    });
    request.setTimeout(SUBSCRIPTION_DEADLINE_MS, () => request.close(http2.constants.NGHTTP2_CANCEL));
    request.end(codec === "cbor" ? cbor.encodeOne(jackson(input)) : JSON.stringify(input));
    const headers = await within(
      new Promise((resolve, reject) => {
        request.once("response", resolve);
        request.once("error", reject);
      }),
      EVENT_TIMEOUT_MS,
      "SubscribeToShard response headers",
    );
    return new RawSubscription(session, request, headers, codec, !shared);
  }

  constructor(session, request, headers, codec, ownsSession) {
    this.codec = codec;
    this.ownsSession = ownsSession;
    this.session = session;
    this.request = request;
    this.status = headers[":status"];
    this.contentType = headers["content-type"];
    this.decoder = new EventStreamDecoder();
    this.ended = false;
    this.error = undefined;
    this.wake = () => {};
    this.listening = false;
    this.parsed = [];
    this.recordCount = 0;
    request.on("end", () => {
      this.ended = true;
      this.wake();
    });
    request.on("error", (error) => {
      this.error = error;
      this.wake();
    });
  }

  get messages() {
    return this.decoder.messages;
  }

  /** The SubscribeToShardEvent payloads so far (each message decoded once), checked as the SDK's are. */
  get events() {
    for (const message of this.messages.slice(1 + this.parsed.length)) {
      assert.deepEqual(message.headers, { ":message-type": "event", ":event-type": "SubscribeToShardEvent", ":content-type": this.payloadType });
      const event = this.decode(message.payload);
      this.parsed.push(event);
      this.recordCount += event.Records.length;
    }
    return this.parsed;
  }

  get records() {
    return this.events.flatMap((event) => event.Records);
  }

  /** The :content-type of the events: what the request was written in. */
  get payloadType() {
    return this.codec === "cbor" ? CBOR_11 : "application/json";
  }

  decode(bytes) {
    return this.codec === "cbor" ? decodeCbor(bytes) : JSON.parse(Buffer.from(bytes).toString("utf8"));
  }

  /** How many records came so far. */
  get count() {
    this.events;
    return this.recordCount;
  }

  /** The whole body of an answer that is not an event stream (an error). */
  async body() {
    const chunks = [];
    this.request.on("data", (chunk) => chunks.push(chunk));
    await within(new Promise((resolve) => this.request.once("end", resolve)), EVENT_TIMEOUT_MS, "error body");
    this.close();
    return this.decode(Buffer.concat(chunks));
  }

  /** Starts (or resumes) reading into the decoder. */
  resume() {
    if (!this.listening) {
      this.listening = true;
      this.request.on("data", (chunk) => {
        this.decoder.push(chunk);
        this.wake();
      });
    }
    this.request.resume();
  }

  pause() {
    this.request.pause();
  }

  /** Reads until `predicate()` holds; fails when the stream ends first or after `timeoutMs`. */
  async until(predicate, what, timeoutMs = 30_000) {
    this.resume();
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      assert.ok(!this.ended, `the stream ended before ${what}`);
      assert.equal(this.error, undefined, `the stream failed before ${what}`);
      const left = deadline - Date.now();
      assert.ok(left > 0, `${what}: not within ${timeoutMs} ms`);
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 1000));
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  /** RST_STREAM (CANCEL) on the subscription, then its own session goes too. */
  close() {
    if (!this.request.closed) {
      this.request.close(http2.constants.NGHTTP2_CANCEL);
    }
    if (this.ownsSession) {
      this.session.close();
    }
  }
}

describe("enhanced fan-out through @aws-sdk/client-kinesis", { timeout: 180_000 }, () => {
  const client = newClient();
  const streams = [];
  const subscriptions = [];

  after(async () => {
    for (const subscription of subscriptions) {
      subscription.close();
    }
    for (const name of streams) {
      await deleteQuietly(client, name);
    }
    client.destroy();
  });

  async function createStream(label, shardCount) {
    const name = uniqueName(label);
    await send(client, new CreateStreamCommand({ StreamName: name, ShardCount: shardCount }));
    streams.push(name);
    await active(name);
    return name;
  }

  async function active(name) {
    const waited = await waitUntilStreamExists({ client, minDelay: 1, maxDelay: 2, maxWaitTime: 20 }, { StreamName: name });
    assert.equal(waited.state, "SUCCESS");
  }

  async function describeConsumer(input) {
    return (await send(client, new DescribeStreamConsumerCommand(input))).ConsumerDescription;
  }

  /** DescribeStreamConsumer until ACTIVE (at the next read with the server's default zero delay). */
  async function untilActive(consumerArn) {
    for (let i = 0; i < 100; i += 1) {
      const description = await describeConsumer({ ConsumerARN: consumerArn });
      if (description.ConsumerStatus === "ACTIVE") {
        return description;
      }
      assert.equal(description.ConsumerStatus, "CREATING");
      await sleep(200);
    }
    assert.fail(`${consumerArn} never became ACTIVE`);
  }

  async function register(name, consumerName) {
    const { Consumer } = await send(client, new RegisterStreamConsumerCommand({ StreamARN: streamArn(name), ConsumerName: consumerName }));
    await untilActive(Consumer.ConsumerARN);
    return Consumer.ConsumerARN;
  }

  /** SubscribeToShard; with retryInUse a ResourceInUseException is retried, IN_USE_RETRIES times 100 ms apart. */
  async function subscribe(consumerArn, shardId, position, { retryInUse = false } = {}) {
    for (let attempt = 1; ; attempt += 1) {
      const controller = new AbortController();
      try {
        const response = await client.send(
          new SubscribeToShardCommand({ ConsumerARN: consumerArn, ShardId: shardId, StartingPosition: position }),
          { abortSignal: AbortSignal.any([controller.signal, AbortSignal.timeout(SUBSCRIPTION_DEADLINE_MS)]) },
        );
        const subscription = new Subscription(response, controller);
        subscriptions.push(subscription);
        return subscription;
      } catch (error) {
        controller.abort();
        if (!retryInUse || !(error instanceof ResourceInUseException) || attempt >= IN_USE_RETRIES) {
          throw error;
        }
        await sleep(100);
      }
    }
  }

  test("RegisterStreamConsumer, DescribeStreamConsumer, ListStreamConsumers in pages and DeregisterStreamConsumer", async () => {
    const name = await createStream("consumers", 1);
    const arn = streamArn(name);

    const { Consumer: registered } = await send(client, new RegisterStreamConsumerCommand({ StreamARN: arn, ConsumerName: "alpha" }));
    assert.equal(registered.ConsumerName, "alpha");
    assert.equal(registered.ConsumerStatus, "CREATING", "a new consumer is CREATING");
    assert.ok(registered.ConsumerCreationTimestamp instanceof Date);
    const shape = new RegExp(`^${escapeRegExp(arn)}/consumer/alpha:(\\d+)$`).exec(registered.ConsumerARN);
    assert.ok(shape, `<streamArn>/consumer/<name>:<epoch seconds>: ${registered.ConsumerARN}`);
    assert.equal(Number(shape[1]), Math.floor(registered.ConsumerCreationTimestamp.getTime() / 1000));
    assert.ok(Math.abs(Number(shape[1]) * 1000 - Date.now()) < 120_000, "the ARN carries the creation time in seconds");

    const byArn = await untilActive(registered.ConsumerARN);
    assert.deepEqual(
      [byArn.ConsumerName, byArn.ConsumerARN, byArn.ConsumerStatus, byArn.StreamARN],
      ["alpha", registered.ConsumerARN, "ACTIVE", arn],
    );
    assert.equal(byArn.ConsumerCreationTimestamp.getTime(), registered.ConsumerCreationTimestamp.getTime());
    const byName = await describeConsumer({ StreamARN: arn, ConsumerName: "alpha" });
    assert.deepEqual(byName, byArn, "by StreamARN and ConsumerName as by ConsumerARN");

    const beta = await register(name, "beta");
    await register(name, "gamma");
    const first = await send(client, new ListStreamConsumersCommand({ StreamARN: arn, MaxResults: 2 }));
    assert.equal(first.Consumers.length, 2);
    assert.ok(first.NextToken, "a NextToken when more consumers follow");
    const second = await send(client, new ListStreamConsumersCommand({ StreamARN: arn, MaxResults: 2, NextToken: first.NextToken }));
    assert.equal(second.Consumers.length, 1);
    assert.equal(second.NextToken, undefined, "no NextToken on the last page");
    const listed = [...first.Consumers, ...second.Consumers];
    assert.deepEqual(listed.map((c) => c.ConsumerName).sort(), ["alpha", "beta", "gamma"], "each consumer once over the pages");
    for (const consumer of listed) {
      assert.match(consumer.ConsumerARN, new RegExp(`^${escapeRegExp(arn)}/consumer/${consumer.ConsumerName}:\\d+$`));
      assert.equal(consumer.ConsumerStatus, "ACTIVE");
      assert.ok(consumer.ConsumerCreationTimestamp instanceof Date);
    }

    const duplicate = await rejection(() => send(client, new RegisterStreamConsumerCommand({ StreamARN: arn, ConsumerName: "alpha" })));
    assert.ok(duplicate instanceof ResourceInUseException, `a second consumer named alpha: ${duplicate?.name}: ${duplicate?.message}`);

    const unknownByName = await rejection(() => describeConsumer({ StreamARN: arn, ConsumerName: "nobody" }));
    assert.ok(unknownByName instanceof ResourceNotFoundException, `${unknownByName?.name}: ${unknownByName?.message}`);
    const unknownByArn = await rejection(() => describeConsumer({ ConsumerARN: `${arn}/consumer/nobody:1700000000` }));
    assert.ok(unknownByArn instanceof ResourceNotFoundException, `${unknownByArn?.name}: ${unknownByArn?.message}`);

    await send(client, new DeregisterStreamConsumerCommand({ ConsumerARN: beta }));
    let gone;
    for (let i = 0; i < 100 && !gone; i += 1) {
      try {
        assert.equal((await describeConsumer({ ConsumerARN: beta })).ConsumerStatus, "DELETING");
        await sleep(200);
      } catch (error) {
        gone = error;
      }
    }
    assert.ok(gone instanceof ResourceNotFoundException, `a deregistered consumer is gone: ${gone?.name}: ${gone?.message}`);
    const after = await send(client, new ListStreamConsumersCommand({ StreamARN: arn }));
    assert.deepEqual(after.Consumers.map((c) => c.ConsumerName).sort(), ["alpha", "gamma"]);
    assert.equal(after.NextToken, undefined);
  });

  test(`records put before and after subscribing arrive in order over ${expectedAlpn()}; AFTER_SEQUENCE_NUMBER of the last continuation resumes exactly`, async () => {
    const name = await createStream("subscribe", 1);
    const consumerArn = await register(name, "reader");
    const written = [];
    async function put(label, count) {
      for (let i = 0; i < count; i += 1) {
        const data = `${label}-${i}`;
        const { SequenceNumber } = await send(client, new PutRecordCommand({ StreamName: name, Data: utf8(data), PartitionKey: `pk-${label}-${i}` }));
        written.push({ data, sequenceNumber: SequenceNumber });
      }
    }
    const expect = (from, to) => written.slice(from, to).map((w) => [w.sequenceNumber, w.data]);
    const got = (records) => records.map((r) => [r.SequenceNumber, text(r.Data)]);

    await put("before", 3);
    const sessionsBefore = http2Sessions.length;
    const first = await subscribe(consumerArn, SHARD_0, { Type: "TRIM_HORIZON" });
    assert.ok(http2Sessions.length > sessionsBefore);
    assert.equal(http2Sessions.at(-1).alpnProtocol, expectedAlpn(), "the subscription runs over HTTP/2");

    const early = await first.records(3);
    assert.deepEqual(got(early.records), expect(0, 3), "records put before subscribing, in order");
    assert.equal(early.events.at(-1).MillisBehindLatest, 0, "caught up");
    assert.equal(early.records[0].PartitionKey, "pk-before-0");

    await put("after", 4);
    const late = await first.records(4);
    assert.deepEqual(got(late.records), expect(3, 7), "records put while subscribed, in order");
    assert.equal(first.lastContinuation, written[6].sequenceNumber, "the continuation is the last record's sequence number");
    assert.equal(late.events.at(-1).MillisBehindLatest, 0);
    first.close();

    await put("resumed", 3);
    const second = await subscribe(consumerArn, SHARD_0, { Type: "AFTER_SEQUENCE_NUMBER", SequenceNumber: first.lastContinuation }, { retryInUse: true });
    const resumed = await second.records(3);
    assert.deepEqual(got(resumed.records), expect(7, 10), "exactly the records after the continuation: no gap, no repeat");
    second.close();
  });

  test("a reader that follows ChildShards through a split and a merge by subscription alone gets every record once, in order per key", async () => {
    const name = await createStream("efo-lineage", 2);
    const consumerArn = await register(name, "kcl");
    // Eight keys at fixed hash keys, two in each quarter of the hash space: every shard here gets some.
    const lanes = Array.from({ length: 8 }, (_, lane) => ({ key: `lane-${lane}`, hash: String((HASH_SPACE * BigInt(2 * lane + 1)) / 16n) }));
    const written = new Map(lanes.map((lane) => [lane.key, 0]));
    const expectedPerShard = new Map();
    async function write(rounds) {
      const Records = [];
      for (let round = 0; round < rounds; round += 1) {
        for (const lane of lanes) {
          const n = written.get(lane.key);
          written.set(lane.key, n + 1);
          Records.push({ PartitionKey: lane.key, ExplicitHashKey: lane.hash, Data: utf8(`${lane.key}:${n}`) });
        }
      }
      const result = await send(client, new PutRecordsCommand({ StreamName: name, Records }));
      assert.equal(result.FailedRecordCount, 0);
      for (const entry of result.Records) {
        expectedPerShard.set(entry.ShardId, (expectedPerShard.get(entry.ShardId) ?? 0) + 1);
      }
    }

    // The reader: the shards that have no parent, then each child once all of its parents are read to their end.
    const { Shards: initial } = await send(client, new ListShardsCommand({ StreamName: name }));
    const followers = new Map(); // shard id -> { records, done, finished, error, stop }
    const ended = [];
    const parentsOf = new Map();
    const received = [];

    function follow(shardId) {
      const follower = { records: [], done: false, finished: false, error: undefined };
      const stopped = new Promise((resolve) => (follower.stop = () => resolve("stop")));
      followers.set(shardId, follower);
      (async () => {
        const subscription = await subscribe(consumerArn, shardId, { Type: "TRIM_HORIZON" });
        try {
          for (let i = 0; i < 1000; i += 1) {
            const next = subscription.next(30_000);
            next.catch(() => {});
            const event = await Promise.race([next, stopped]);
            if (event === "stop") {
              return;
            }
            assert.ok(event, `the subscription to ${shardId} ended without ChildShards`);
            follower.records.push(...event.Records);
            received.push(...event.Records.map((r) => text(r.Data)));
            if (event.ChildShards?.length > 0) {
              assert.equal(await subscription.next(), undefined, `the event stream of ${shardId} ends after its ChildShards event`);
              follower.done = true;
              ended.push(shardId);
              for (const child of event.ChildShards) {
                assert.ok(child.ParentShards.includes(shardId), `${child.ShardId} names ${shardId} as a parent`);
                assert.ok(BigInt(child.HashKeyRange.StartingHashKey) <= BigInt(child.HashKeyRange.EndingHashKey));
                parentsOf.set(child.ShardId, child.ParentShards);
              }
              for (const child of event.ChildShards) {
                if (!followers.has(child.ShardId) && child.ParentShards.every((p) => followers.get(p)?.done)) {
                  follow(child.ShardId);
                }
              }
              return;
            }
          }
          assert.fail(`${shardId}: too many events`);
        } finally {
          subscription.close();
        }
      })().then(
        () => (follower.finished = true),
        (error) => (follower.error = error),
      );
    }

    const roots = initial.filter((shard) => !shard.ParentShardId);
    assert.deepEqual(roots.map((s) => s.ShardId), ["shardId-000000000000", "shardId-000000000001"]);
    for (const shard of roots) {
      follow(shard.ShardId);
    }

    // Records before, between and after the reshards, read while they happen.
    await write(3);
    await send(client, new SplitShardCommand({ StreamName: name, ShardToSplit: "shardId-000000000000", NewStartingHashKey: String(HASH_SPACE / 4n) }));
    await active(name);
    await write(3);
    await send(client, new MergeShardsCommand({ StreamName: name, ShardToMerge: "shardId-000000000003", AdjacentShardToMerge: "shardId-000000000001" }));
    await active(name);
    await write(3);
    const total = [...written.values()].reduce((a, b) => a + b, 0);
    assert.equal(total, 72);

    // Open shards never end: their readers stop once they have what was written to them.
    const { Shards: open } = await send(client, new ListShardsCommand({ StreamName: name, ShardFilter: { Type: "AT_LATEST" } }));
    assert.deepEqual(open.map((s) => s.ShardId), ["shardId-000000000002", "shardId-000000000004"]);
    const deadline = Date.now() + 60_000;
    for (;;) {
      for (const shard of open) {
        const follower = followers.get(shard.ShardId);
        if (follower && follower.records.length >= (expectedPerShard.get(shard.ShardId) ?? 0)) {
          follower.stop();
        }
      }
      const failed = [...followers.values()].find((f) => f.error !== undefined);
      if (failed) {
        throw failed.error;
      }
      if ([...followers.values()].every((f) => f.finished)) {
        break;
      }
      const reading = [...followers].filter(([, f]) => !f.finished).map(([id, f]) => `${id} (${f.records.length} records)`);
      assert.ok(Date.now() < deadline, `still reading ${reading.join(", ")}`);
      await sleep(20);
    }

    const { Shards: all } = await send(client, new ListShardsCommand({ StreamName: name }));
    assert.deepEqual([...followers.keys()].sort(), all.map((s) => s.ShardId).sort(), "every shard was reached by following ChildShards");
    assert.deepEqual(ended.sort(), ["shardId-000000000000", "shardId-000000000001", "shardId-000000000003"], "the closed shards ended with ChildShards");
    assert.deepEqual(parentsOf.get("shardId-000000000004")?.slice().sort(), ["shardId-000000000001", "shardId-000000000003"]);
    for (const [shardId, follower] of followers) {
      assert.equal(follower.records.length, expectedPerShard.get(shardId) ?? 0, `${shardId} delivered what was written to it`);
    }
    assert.equal(received.length, total, "every record once");
    assert.equal(new Set(received).size, total, "no record twice");
    const order = new Map();
    for (const data of received) {
      const [key, n] = data.split(":");
      order.set(key, [...(order.get(key) ?? []), Number(n)]);
    }
    for (const [key, count] of written) {
      assert.deepEqual(order.get(key), [...Array(count).keys()], `${key} in order across its parent and child shards`);
    }
  });

  test("a second subscription of the same consumer and shard while the first runs is ResourceInUseException", async () => {
    const name = await createStream("efo-in-use", 2);
    const consumerArn = await register(name, "only-one");
    const first = await subscribe(consumerArn, SHARD_0, { Type: "LATEST" });

    const error = await rejection(() => subscribe(consumerArn, SHARD_0, { Type: "TRIM_HORIZON" }));
    assert.ok(error instanceof ResourceInUseException, `${error?.name}: ${error?.message}`);
    assert.equal(error.message, `Another active subscription exists for this consumer: ${consumerArn}`);
    assert.equal(error.$metadata.httpStatusCode, 400);

    // Another shard of the same consumer, and the same shard for another consumer, are fine.
    const otherShard = await subscribe(consumerArn, "shardId-000000000001", { Type: "LATEST" });
    const otherConsumer = await subscribe(await register(name, "second"), SHARD_0, { Type: "LATEST" });
    const { SequenceNumber } = await send(client, new PutRecordCommand({ StreamName: name, Data: utf8("both"), PartitionKey: "k", ExplicitHashKey: "0" }));
    for (const subscription of [first, otherConsumer]) {
      const { records } = await subscription.records(1);
      assert.equal(records[0].SequenceNumber, SequenceNumber, "the first subscription still runs");
    }
    for (const subscription of [first, otherShard, otherConsumer]) {
      subscription.close();
    }
  });

  test("deregistering the consumer ends its subscription: the SDK's event iterator throws ResourceNotFoundException", async () => {
    const name = await createStream("efo-deregister", 1);
    const consumerArn = await register(name, "leaving");
    await send(client, new PutRecordCommand({ StreamName: name, Data: utf8("one"), PartitionKey: "k" }));
    const subscription = await subscribe(consumerArn, SHARD_0, { Type: "TRIM_HORIZON" });
    await subscription.records(1);

    await send(client, new DeregisterStreamConsumerCommand({ StreamARN: streamArn(name), ConsumerName: "leaving" }));
    const error = await rejection(async () => {
      for (let i = 0; i < 10; i += 1) {
        await subscription.next(); // a heartbeat at most, then the exception event
      }
    });
    assert.ok(error instanceof ResourceNotFoundException, `${error?.name}: ${error?.message}`);
    assert.match(error.message, /leaving/, "the message names the consumer");
    subscription.close();
  });

  test(`raw ${expectedAlpn()} in CBOR as the KCL subscribes: CBOR events with byte-string Data and tag-1 millisecond arrival times`, async () => {
    const name = await createStream("efo-cbor", 1);
    const consumerArn = await register(name, "kcl-cbor");
    const payloads = [Buffer.from([0, 1, 2, 0xfe, 0xff]), Buffer.from("text"), Buffer.alloc(300, 7)];
    const sequence = [];
    for (const Data of payloads) {
      sequence.push((await send(client, new PutRecordCommand({ StreamName: name, Data, PartitionKey: "k" }))).SequenceNumber);
    }

    const subscription = await RawSubscription.open({ ConsumerARN: consumerArn, ShardId: SHARD_0, StartingPosition: { Type: "TRIM_HORIZON" } }, { codec: "cbor" });
    subscriptions.push(subscription);
    assert.equal(subscription.status, 200);
    assert.equal(subscription.contentType, EVENT_STREAM, "the HTTP answer is the event stream whatever the request's codec");
    assert.equal(subscription.session.alpnProtocol, expectedAlpn());
    await subscription.until(() => subscription.count >= payloads.length, "the records");
    assert.equal(subscription.messages[0].headers[":message-type"], "event");
    assert.equal(subscription.messages[0].headers[":event-type"], "initial-response");
    assert.deepEqual(decodeCbor(subscription.messages[0].payload), {});
    const { records } = subscription;
    assert.deepEqual(records.map((r) => r.SequenceNumber), sequence);
    records.forEach((record, i) => {
      assert.ok(Buffer.isBuffer(record.Data), "Data is a CBOR byte string");
      assert.deepEqual(record.Data, payloads[i]);
      assert.equal(record.PartitionKey, "k");
      const arrival = record.ApproximateArrivalTimestamp.tag1;
      assert.ok(Number.isInteger(arrival), `tag 1 carries an integer: ${arrival}`);
      assert.ok(Math.abs(arrival - Date.now()) < 120_000, `milliseconds, not seconds: ${arrival}`);
    });
    const last = subscription.events.at(-1);
    assert.equal(last.ContinuationSequenceNumber, sequence.at(-1));
    assert.equal(last.MillisBehindLatest, 0);
    subscription.close();
  });

  test("raw HTTP/2 with a 1 KiB window: a reader that stops reading holds back only its own stream, not its connection's others nor other connections, then gets every record once, in order", async () => {
    const name = await createStream("efo-backpressure", 1);
    const consumerArn = await register(name, "slow");
    const subscription = await RawSubscription.open(
      { ConsumerARN: consumerArn, ShardId: SHARD_0, StartingPosition: { Type: "TRIM_HORIZON" } },
      { initialWindowSize: 1024 },
    );
    subscriptions.push(subscription);
    // Another consumer's subscription to the same shard, on the same connection (and so with the same 1 KiB window).
    const brisk = await RawSubscription.open(
      { ConsumerARN: await register(name, "brisk"), ShardId: SHARD_0, StartingPosition: { Type: "TRIM_HORIZON" } },
      { session: subscription.session },
    );
    subscriptions.push(brisk);
    assert.equal(brisk.status, 200);
    assert.equal(subscription.status, 200);
    assert.equal(subscription.contentType, EVENT_STREAM);
    assert.equal(subscription.session.alpnProtocol, expectedAlpn());
    assert.equal(subscription.session.localSettings.initialWindowSize, 1024, "the server acknowledged the 1 KiB stream window");
    await subscription.until(() => subscription.messages.length >= 1, "the initial-response");
    assert.equal(subscription.messages[0].headers[":message-type"], "event");
    assert.equal(subscription.messages[0].headers[":event-type"], "initial-response");
    assert.deepEqual(JSON.parse(subscription.messages[0].payload.toString("utf8")), {});
    subscription.pause();

    // 2,000 records of 1 KiB while the reader reads nothing: about 2.7 MB of events it cannot take.
    const expected = [];
    for (let batch = 0; batch < 4; batch += 1) {
      const Records = Array.from({ length: 500 }, (_, i) => {
        const n = batch * 500 + i;
        return { PartitionKey: `pk-${n % 13}`, Data: Buffer.from(`${String(n).padStart(6, "0")}|`.padEnd(1024, String.fromCharCode(97 + (n % 26)))) };
      });
      const result = await send(client, new PutRecordsCommand({ StreamName: name, Records }));
      assert.equal(result.FailedRecordCount, 0);
      result.Records.forEach((entry, i) => expected.push([entry.SequenceNumber, Buffer.from(Records[i].Data).toString("base64")]));
    }
    // Other connections are served while the subscription is stalled.
    for (let i = 0; i < 5; i += 1) {
      const data = Buffer.from(`while-stalled-${i}`);
      const put = await send(client, new PutRecordCommand({ StreamName: name, Data: data, PartitionKey: "stalled" }));
      expected.push([put.SequenceNumber, data.toString("base64")]);
    }
    const { ShardIterator } = await send(client, new GetShardIteratorCommand({ StreamName: name, ShardId: SHARD_0, ShardIteratorType: "LATEST" }));
    assert.ok((await send(client, new GetRecordsCommand({ ShardIterator }))).NextShardIterator);
    // The other stream of the connection reads everything meanwhile.
    await brisk.until(() => brisk.count >= expected.length, `${expected.length} records on the other stream`, 60_000);
    assert.deepEqual(brisk.records.map((r) => [r.SequenceNumber, r.Data]), expected, "the other stream: every record once, in order");
    brisk.close();
    assert.ok(subscription.request.readableLength < 256 * 1024, `the server kept to the window: ${subscription.request.readableLength} bytes waiting at the reader`);
    assert.equal(subscription.messages.length, 1, "nothing was read while paused");

    // Reading on, still through the 1 KiB window.
    await subscription.until(() => subscription.count >= expected.length, `${expected.length} records`, 60_000);
    const records = subscription.records;
    assert.equal(records.length, expected.length, "no record more");
    assert.deepEqual(records.map((r) => [r.SequenceNumber, r.Data]), expected, "every record once, in order, byte for byte");
    for (const event of subscription.events) {
      if (event.Records.length > 0) {
        assert.equal(event.ContinuationSequenceNumber, event.Records.at(-1).SequenceNumber);
      }
    }
    assert.equal(subscription.events.at(-1).MillisBehindLatest, 0);
    const continuation = subscription.events.at(-1).ContinuationSequenceNumber;

    // Reset the stream; the consumer and shard are free again at once (the server let go of the reader).
    subscription.close();
    let attempts = 0;
    let again;
    for (; attempts < IN_USE_RETRIES; attempts += 1) {
      again = await RawSubscription.open({ ConsumerARN: consumerArn, ShardId: SHARD_0, StartingPosition: { Type: "AFTER_SEQUENCE_NUMBER", SequenceNumber: continuation } });
      subscriptions.push(again);
      if (again.status === 200) {
        break;
      }
      const body = await again.body();
      assert.equal(again.status, 400);
      assert.equal(body.__type, "ResourceInUseException", JSON.stringify(body));
      await sleep(100);
    }
    assert.equal(again.status, 200, `a new subscription was accepted within ${IN_USE_RETRIES} tries`);
    const last = await send(client, new PutRecordCommand({ StreamName: name, Data: utf8("after-reset"), PartitionKey: "k" }));
    await again.until(() => again.count >= 1, "the record after the reset");
    assert.deepEqual(again.records.map((r) => r.SequenceNumber), [last.SequenceNumber], "the new subscription starts after the old continuation");
    again.close();
  });

  test("raw HTTP/2: a subscription reset while the server waits on its full window frees the consumer and shard", async () => {
    const name = await createStream("efo-reset", 1);
    const consumerArn = await register(name, "vanishing");
    const stalled = await RawSubscription.open(
      { ConsumerARN: consumerArn, ShardId: SHARD_0, StartingPosition: { Type: "TRIM_HORIZON" } },
      { initialWindowSize: 1024 },
    );
    subscriptions.push(stalled);
    assert.equal(stalled.status, 200);
    const expected = [];
    for (let batch = 0; batch < 2; batch += 1) {
      const Records = Array.from({ length: 500 }, (_, i) => ({ PartitionKey: `pk-${i}`, Data: Buffer.alloc(1024, 65 + batch) }));
      const result = await send(client, new PutRecordsCommand({ StreamName: name, Records }));
      assert.equal(result.FailedRecordCount, 0);
      expected.push(...result.Records.map((entry) => entry.SequenceNumber));
    }
    // Nothing is read, so node never opens the window again: once the 1 KiB window is full, the
    // server, with most of a 1 MiB event still to send, waits on it.
    for (let i = 0; i < 200 && stalled.request.readableLength < 1024; i += 1) {
      await sleep(50);
    }
    const held = stalled.request.readableLength;
    assert.ok(held >= 1024 && held <= 64 * 1024, `the server filled the window and kept to it: ${held} bytes at the reader`);
    stalled.close();

    let attempts = 0;
    let fresh;
    for (; attempts < IN_USE_RETRIES; attempts += 1) {
      try {
        fresh = await subscribe(consumerArn, SHARD_0, { Type: "TRIM_HORIZON" });
        break;
      } catch (error) {
        assert.ok(error instanceof ResourceInUseException, `${error?.name}: ${error?.message}`);
        await sleep(100);
      }
    }
    assert.ok(fresh, `a new subscription was accepted within ${IN_USE_RETRIES} tries of 100 ms`);
    const { records } = await fresh.records(expected.length);
    assert.deepEqual(records.map((r) => r.SequenceNumber), expected, "everything, once, in order");
    fresh.close();
  });
});
