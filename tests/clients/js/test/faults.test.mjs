// Fault injection, latency and the server-wide limits through @aws-sdk/client-kinesis v3, set and
// cleared at run time on the admin endpoint (/_rivulet/faults, /_rivulet/limits): what an
// application sees of injected failures, how the SDK's standard retry strategy classifies them, and
// the read and call-rate limits of `--limits aws`.
//
// Faults and limits are server-wide, so these tests run on a server of their own
// (RIVULET_ADMIN_ENDPOINT; skipped without one), one after another, and each puts the server back
// (no faults, limits off) however it ends. The limit buckets refill in real time: no test assumes how
// many calls go through, each calls in a bounded loop until it sees a refusal.
import { after, afterEach, before, describe, test } from "node:test";
import assert from "node:assert/strict";

import {
  CreateStreamCommand,
  DescribeLimitsCommand,
  DescribeStreamCommand,
  DescribeStreamConsumerCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  InternalFailureException,
  KinesisServiceException,
  LimitExceededException,
  ListStreamConsumersCommand,
  ListStreamsCommand,
  ProvisionedThroughputExceededException,
  PutRecordCommand,
  PutRecordsCommand,
  RegisterStreamConsumerCommand,
  SubscribeToShardCommand,
  waitUntilStreamExists,
} from "@aws-sdk/client-kinesis";

import {
  ACCOUNT,
  REQUEST_TIMEOUT_MS,
  adminEndpoint,
  deleteQuietly,
  newClient,
  readShard,
  rejection,
  send,
  streamArn,
  text,
  throttledMessage,
  uniqueName,
  utf8,
} from "./support.mjs";

const ADMIN = adminEndpoint();
const SHARD_0 = "shardId-000000000000";
const THROTTLED = "ProvisionedThroughputExceededException";
const ACCOUNT_RATE_EXCEEDED = `Rate exceeded for account ${ACCOUNT}.`;
/** More calls than any of the buckets tested here (at most 5 a second) takes at once. */
const MAX_QUICK_CALLS = 20;


/** A JSON request to the admin endpoint; its answer, which must be a 200. */
async function admin(method, path, body) {
  const response = await fetch(`${ADMIN}${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const answer = await response.json();
  assert.equal(response.status, 200, `${method} ${path}: ${JSON.stringify(answer)}`);
  return answer;
}

const setFaults = (body) => admin("PUT", "/_rivulet/faults", body);
const clearFaults = () => admin("DELETE", "/_rivulet/faults");
const setLimits = (limits) => admin("PUT", "/_rivulet/limits", { limits });

/** Runs `call` up to MAX_QUICK_CALLS times, back to back, until it rejects; returns the error and how many calls went through. */
async function firstRefusal(call) {
  for (let succeeded = 0; succeeded < MAX_QUICK_CALLS; succeeded += 1) {
    try {
      await call();
    } catch (error) {
      return { error, succeeded };
    }
  }
  assert.fail(`${MAX_QUICK_CALLS} quick calls, none refused`);
}

describe(
  "fault injection and limits through @aws-sdk/client-kinesis",
  { skip: ADMIN === undefined ? "RIVULET_ADMIN_ENDPOINT is not set" : false, timeout: 180_000 },
  () => {
    let client; // maxAttempts 1: the server's first answer
    const streams = [];

    before(() => {
      client = newClient({ endpoint: ADMIN });
    });

    afterEach(async () => {
      await clearFaults();
      await setLimits("off");
    });

    after(async () => {
      for (const name of streams) {
        await deleteQuietly(client, name);
      }
      client?.destroy();
    });

    /** A client of the admin server with the SDK's standard retry strategy and `maxAttempts`; destroyed after `use`. */
    async function withRetries(maxAttempts, use) {
      const retrying = newClient({ endpoint: ADMIN, maxAttempts });
      try {
        return await use(retrying);
      } finally {
        retrying.destroy();
      }
    }

    /** A new ACTIVE stream, created while the server has no faults and no limits. */
    async function createStream(label, shardCount = 1) {
      const name = uniqueName(label);
      await send(client, new CreateStreamCommand({ StreamName: name, ShardCount: shardCount }));
      streams.push(name);
      const waited = await waitUntilStreamExists({ client, minDelay: 1, maxDelay: 2, maxWaitTime: 20 }, { StreamName: name });
      assert.equal(waited.state, "SUCCESS");
      return name;
    }

    test("PutRecords under an injected ProvisionedThroughputExceededException fails every entry and stores none", async () => {
      const name = await createStream("fault-batch");
      const entries = Array.from({ length: 7 }, (_, i) => ({ Data: utf8(`batch-${i}`), PartitionKey: `key-${i}` }));
      const fault = `PutRecords=1:${THROTTLED}`;
      assert.deepEqual(await setFaults({ fault }), { fault, latency: "" });

      const refused = await send(client, new PutRecordsCommand({ StreamName: name, Records: entries }));
      assert.equal(refused.$metadata.httpStatusCode, 200, "a batch fails entry by entry, not as a whole");
      assert.equal(refused.FailedRecordCount, entries.length);
      assert.equal(refused.Records.length, entries.length);
      for (const result of refused.Records) {
        assert.deepEqual({ ...result }, { ErrorCode: THROTTLED, ErrorMessage: throttledMessage(name, SHARD_0) });
      }

      assert.deepEqual(await clearFaults(), { fault: "", latency: "" });
      const stored = await send(client, new PutRecordsCommand({ StreamName: name, Records: entries }));
      assert.equal(stored.FailedRecordCount ?? 0, 0);
      assert.ok(stored.Records.every((result) => result.ErrorCode === undefined && result.ShardId === SHARD_0));

      const records = await readShard(client, name, SHARD_0, entries.length);
      assert.deepEqual(records.map((record) => text(record.Data)), entries.map((entry) => text(entry.Data)), "only the second batch was stored");
      assert.deepEqual(records.map((record) => record.SequenceNumber), stored.Records.map((result) => result.SequenceNumber));
    });

    test("the standard retry strategy retries injected InternalFailure, LimitExceededException and ProvisionedThroughputExceededException", async () => {
      const name = await createStream("fault-retry");
      const maxAttempts = 3;
      await withRetries(maxAttempts, async (retrying) => {
        await setFaults({ fault: "ListStreams=1:InternalFailure" });
        const internal = await rejection(() => send(retrying, new ListStreamsCommand({})));
        assert.equal(internal.name, "InternalFailureException", `got ${internal?.name}: ${internal?.message}`);
        assert.ok(internal instanceof InternalFailureException);
        assert.equal(internal.message, "Internal Service Failure");
        assert.equal(internal.$metadata.httpStatusCode, 500);
        assert.equal(internal.$metadata.attempts, maxAttempts, "a 500 is retried until the attempts run out");

        await setFaults({ fault: "DescribeStream=1:LimitExceededException" });
        const limited = await rejection(() => send(retrying, new DescribeStreamCommand({ StreamName: name })));
        assert.ok(limited instanceof LimitExceededException, `got ${limited?.name}: ${limited?.message}`);
        assert.ok(limited instanceof KinesisServiceException);
        assert.equal(limited.message, ACCOUNT_RATE_EXCEEDED);
        assert.equal(limited.$metadata.httpStatusCode, 400);
        assert.equal(limited.$metadata.attempts, maxAttempts, "a 400 LimitExceededException is retried as throttling");

        await setFaults({ fault: `GetShardIterator=1:${THROTTLED}` });
        const throttled = await rejection(() =>
          send(retrying, new GetShardIteratorCommand({ StreamName: name, ShardId: SHARD_0, ShardIteratorType: "TRIM_HORIZON" })),
        );
        assert.ok(throttled instanceof ProvisionedThroughputExceededException, `got ${throttled?.name}: ${throttled?.message}`);
        assert.equal(throttled.message, throttledMessage(name, SHARD_0));
        assert.equal(throttled.$metadata.httpStatusCode, 400);
        assert.equal(throttled.$metadata.attempts, maxAttempts, "throttling is retried");

        // The same calls go through once the faults are gone.
        await clearFaults();
        const { StreamDescription } = await send(retrying, new DescribeStreamCommand({ StreamName: name }));
        assert.equal(StreamDescription.StreamStatus, "ACTIVE");
      });
    });

    test("a fault cleared between two attempts of one PutRecord: the retry stores the record once", async () => {
      const name = await createStream("fault-cleared");
      await setFaults({ fault: "PutRecord=1:InternalFailure" });
      const output = await withRetries(3, async (retrying) => {
        let attempts = 0;
        // Inside the retry loop (which runs at high priority in the same step), so it sees each
        // attempt's outcome; clearing before the error reaches the retry strategy decides the next
        // attempt's answer whatever the backoff.
        retrying.middlewareStack.add(
          (next) => async (args) => {
            attempts += 1;
            try {
              return await next(args);
            } finally {
              if (attempts === 1) await clearFaults();
            }
          },
          { step: "finalizeRequest", name: "clearFaultsAfterFirstAttempt" },
        );
        return send(retrying, new PutRecordCommand({ StreamName: name, Data: utf8("after-the-fault"), PartitionKey: "k" }));
      });

      assert.equal(output.$metadata.httpStatusCode, 200);
      assert.equal(output.$metadata.attempts, 2, "the first attempt failed, the second went through");
      assert.equal(output.ShardId, SHARD_0);
      const records = await readShard(client, name, SHARD_0, 1);
      assert.deepEqual(
        records.map((record) => [text(record.Data), record.SequenceNumber]),
        [["after-the-fault", output.SequenceNumber]],
        "the failed attempt stored nothing",
      );
    });

    test("injected latency holds GetShardIterator back", async () => {
      const name = await createStream("fault-latency");
      const latency = "GetShardIterator=300";
      assert.deepEqual(await setFaults({ latency }), { fault: "", latency });
      const input = { StreamName: name, ShardId: SHARD_0, ShardIteratorType: "LATEST" };
      const started = performance.now();
      const { ShardIterator } = await send(client, new GetShardIteratorCommand(input));
      const elapsed = performance.now() - started;
      assert.ok(ShardIterator, "a late answer is still an answer");
      assert.ok(elapsed >= 300, `answered in ${elapsed.toFixed(0)} ms`);

      assert.deepEqual(await clearFaults(), { fault: "", latency: "" });
      assert.ok((await send(client, new GetShardIteratorCommand(input))).ShardIterator);
    });

    test("GetRecords over 5 calls a second per shard is throttled; the SDK's retries keep a reader going", async () => {
      const name = await createStream("limits-read");
      const written = ["one", "two", "three"];
      for (const data of written) {
        await send(client, new PutRecordCommand({ StreamName: name, Data: utf8(data), PartitionKey: "k" }));
      }
      let { ShardIterator: iterator } = await send(
        client,
        new GetShardIteratorCommand({ StreamName: name, ShardId: SHARD_0, ShardIteratorType: "TRIM_HORIZON" }),
      );
      assert.deepEqual(await setLimits("aws"), { limits: "aws" });

      const read = [];
      const { error } = await firstRefusal(async () => {
        const page = await send(client, new GetRecordsCommand({ ShardIterator: iterator }));
        read.push(...page.Records.map((record) => text(record.Data)));
        iterator = page.NextShardIterator;
      });
      assert.ok(error instanceof ProvisionedThroughputExceededException, `got ${error?.name}: ${error?.message}`);
      assert.equal(error.message, throttledMessage(name, SHARD_0));
      assert.equal(error.$metadata.attempts, 1);

      // The bucket is empty now; a token comes back every 200 ms, sooner than the retries give up.
      await withRetries(5, async (retrying) => {
        for (let call = 0; call < 8; call += 1) {
          const page = await send(retrying, new GetRecordsCommand({ ShardIterator: iterator }));
          read.push(...page.Records.map((record) => text(record.Data)));
          iterator = page.NextShardIterator;
        }
      });
      assert.deepEqual(read, written, "every record read once, none lost to the refusals");
    });

    test("DescribeLimits over 1 call a second is refused for the account", async () => {
      assert.deepEqual(await setLimits("aws"), { limits: "aws" });
      const { error } = await firstRefusal(() => send(client, new DescribeLimitsCommand({})));
      assert.ok(error instanceof LimitExceededException, `got ${error?.name}: ${error?.message}`);
      assert.equal(error.message, ACCOUNT_RATE_EXCEEDED);
      assert.equal(error.$metadata.httpStatusCode, 400);
    });

    test("ListStreamConsumers over 5 calls a second is refused for that stream only", async () => {
      const busy = await createStream("limits-busy");
      const quiet = await createStream("limits-quiet");
      assert.deepEqual(await setLimits("aws"), { limits: "aws" });

      const { error, succeeded } = await firstRefusal(() => send(client, new ListStreamConsumersCommand({ StreamARN: streamArn(busy) })));
      assert.ok(error instanceof LimitExceededException, `got ${error?.name}: ${error?.message}`);
      assert.equal(error.message, `Rate exceeded for stream ${busy} under account ${ACCOUNT}.`);
      assert.ok(succeeded >= 1, "the bucket starts with calls in it");

      const { Consumers } = await send(client, new ListStreamConsumersCommand({ StreamARN: streamArn(quiet) }));
      assert.deepEqual(Consumers, [], "another stream's calls are not held up");
    });

    test("a second SubscribeToShard within a second for the same consumer and shard is refused", async () => {
      const name = await createStream("limits-subscribe");
      const { Consumer } = await send(client, new RegisterStreamConsumerCommand({ StreamARN: streamArn(name), ConsumerName: "reader" }));
      await untilActive(Consumer.ConsumerARN);
      assert.deepEqual(await setLimits("aws"), { limits: "aws" });

      const input = { ConsumerARN: Consumer.ConsumerARN, ShardId: SHARD_0, StartingPosition: { Type: "LATEST" } };
      const first = new AbortController();
      try {
        const response = await client.send(new SubscribeToShardCommand(input), {
          abortSignal: AbortSignal.any([first.signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]),
        });
        assert.equal(response.$metadata.httpStatusCode, 200);
      } finally {
        first.abort();
      }

      const second = new AbortController();
      try {
        const error = await rejection(() =>
          client.send(new SubscribeToShardCommand(input), { abortSignal: AbortSignal.any([second.signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]) }),
        );
        assert.ok(error instanceof LimitExceededException, `got ${error?.name}: ${error?.message}`);
        assert.ok(error.message.includes(Consumer.ConsumerARN) && error.message.includes(SHARD_0), `names the consumer and shard: ${error.message}`);
        assert.equal(error.$metadata.httpStatusCode, 400);
      } finally {
        second.abort();
      }
    });

    /** DescribeStreamConsumer until ACTIVE (the server's default consumer delay is zero); bounded. */
    async function untilActive(consumerArn) {
      for (let i = 0; i < 50; i += 1) {
        const { ConsumerDescription } = await send(client, new DescribeStreamConsumerCommand({ ConsumerARN: consumerArn }));
        if (ConsumerDescription.ConsumerStatus === "ACTIVE") return;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.fail(`${consumerArn} never became ACTIVE`);
    }
  },
);
