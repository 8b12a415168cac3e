// Per-shard write limits switched on by a stream's `rivulet:limits` tag, through
// @aws-sdk/client-kinesis v3: PutRecords partial failures, a typed ProvisionedThroughputExceededException
// for PutRecord with retries off, and the SDK's default retry strategy carrying a put past a drained
// bucket. The shared server runs with its default (`--limits off`), so each stream is tagged itself.
// The buckets (1,000 records/s and 1 MiB/s per shard) refill in real time: no test assumes how many
// writes are refused, each writes in a bounded loop until it sees a refusal.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";

import {
  AddTagsToStreamCommand,
  CreateStreamCommand,
  KinesisClient,
  KinesisServiceException,
  ListShardsCommand,
  ListTagsForStreamCommand,
  ProvisionedThroughputExceededException,
  PutRecordCommand,
  PutRecordsCommand,
  waitUntilStreamExists,
} from "@aws-sdk/client-kinesis";

import { REGION, deleteQuietly, endpoint, newClient, readShard, send, text, throttledMessage, uniqueName, utf8 } from "./support.mjs";

const SEQUENCE_NUMBER = /^[1-9]\d{49,59}$/; // AWS's are 56 digits
const TEST_TIMEOUT_MS = 60_000;
const LIMITS_TAG = "rivulet:limits";
const THROTTLED = "ProvisionedThroughputExceededException";
const BATCH = 500; // PutRecords' maximum
const MAX_BATCHES = 40; // 20,000 records: far more than a 1,000-record bucket can take in the time this needs
const MAX_SINGLE_PUTS = 20;
const ONE_MIB = 1024 * 1024;


/** A unique, recognisable record body: the counter, padded with dots to `size` bytes. */
function payload(counter, size = 0) {
  const head = `rec-${String(counter).padStart(8, "0")}`;
  return utf8(head + ".".repeat(Math.max(0, size - head.length)));
}


describe("per-shard write limits through @aws-sdk/client-kinesis", { timeout: TEST_TIMEOUT_MS * 4 }, () => {
  const client = newClient(); // maxAttempts 1: the server's first answer
  // As applications build it: the SDK's default (standard) retry strategy with its default attempts.
  const retrying = new KinesisClient({
    endpoint: endpoint(),
    region: REGION,
    credentials: { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" },
  });
  const streams = [];

  after(async () => {
    for (const streamName of streams) {
      await deleteQuietly(client, streamName);
    }
    client.destroy();
    retrying.destroy();
  });

  /** A one-shard stream created with the tag rivulet:limits=aws; returns its name and shard id. */
  async function limitedStream(label) {
    const name = uniqueName(label);
    await send(client, new CreateStreamCommand({ StreamName: name, ShardCount: 1, Tags: { [LIMITS_TAG]: "aws" } }));
    streams.push(name);
    const waited = await waitUntilStreamExists({ client, minDelay: 1, maxDelay: 2, maxWaitTime: 20 }, { StreamName: name });
    assert.equal(waited.state, "SUCCESS");
    const { Tags } = await send(client, new ListTagsForStreamCommand({ StreamName: name }));
    assert.deepEqual(Tags, [{ Key: LIMITS_TAG, Value: "aws" }]);
    const { Shards } = await send(client, new ListShardsCommand({ StreamName: name }));
    assert.equal(Shards.length, 1);
    return [name, Shards[0].ShardId];
  }

  /** The shard holds exactly the accepted [data, sequence number] pairs, in order. */
  async function assertStoredExactly(name, shardId, accepted) {
    // The tag limits reads too (GetRecords 5/s and 2 MiB/s per shard), and reading back many
    // records would be refused part way; these tests are about what writes stored, so the stream
    // is let off its limits first (AddTagsToStream replaces the tag's value).
    await send(client, new AddTagsToStreamCommand({ StreamName: name, Tags: { [LIMITS_TAG]: "off" } }));
    const records = await readShard(client, name, shardId, accepted.length);
    assert.deepEqual(
      records.map((record) => text(record.Data)),
      accepted.map(([data]) => text(data)),
    );
    assert.deepEqual(
      records.map((record) => record.SequenceNumber),
      accepted.map(([, sequence]) => sequence),
    );
  }

  test("PutRecords refuses only the entries over the shard limit, and stores the others", async () => {
    const [name, shardId] = await limitedStream("limits-batch");
    const accepted = [];
    let refused = 0;
    let counter = 0;

    for (let call = 0; call < MAX_BATCHES && refused === 0; call += 1) {
      const entries = [];
      for (let i = 0; i < BATCH; i += 1, counter += 1) {
        entries.push({ Data: payload(counter), PartitionKey: `key-${counter % 13}` });
      }
      const output = await send(client, new PutRecordsCommand({ StreamName: name, Records: entries }));
      assert.equal(output.$metadata.httpStatusCode, 200);
      assert.equal(output.Records.length, BATCH);
      const failed = output.Records.filter((entry) => entry.ErrorCode !== undefined);
      assert.equal(output.FailedRecordCount, failed.length, "FailedRecordCount counts the failed entries");
      output.Records.forEach((result, index) => {
        if (result.ErrorCode !== undefined) {
          assert.deepEqual(
            { ...result },
            { ErrorCode: THROTTLED, ErrorMessage: throttledMessage(name, shardId) },
            `a refused entry carries only ErrorCode and ErrorMessage (${text(entries[index].Data)})`,
          );
        } else {
          assert.match(result.SequenceNumber ?? "", SEQUENCE_NUMBER);
          assert.equal(result.ShardId, shardId);
          assert.equal(result.ErrorMessage, undefined);
          accepted.push([entries[index].Data, result.SequenceNumber]);
        }
      });
      refused += failed.length;
    }

    assert.ok(refused > 0, `${accepted.length} records accepted in ${MAX_BATCHES} calls, none refused`);
    assert.ok(accepted.length > 0);
    const sequences = accepted.map(([, sequence]) => BigInt(sequence));
    assert.deepEqual([...sequences].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)), sequences, "accepted records keep request order");
    await assertStoredExactly(name, shardId, accepted);
  });

  test("PutRecord beyond the limit rejects with a typed ProvisionedThroughputExceededException when retries are off", async () => {
    const [name, shardId] = await limitedStream("limits-single");
    assert.equal(await client.config.maxAttempts(), 1);
    const accepted = [];
    let error;

    // 512 KiB records: the 1 MiB/s bucket takes about two of them at once.
    for (let counter = 0; counter < MAX_SINGLE_PUTS && error === undefined; counter += 1) {
      const data = payload(counter, 512 * 1024);
      try {
        const output = await send(client, new PutRecordCommand({ StreamName: name, Data: data, PartitionKey: "k" }));
        assert.match(output.SequenceNumber, SEQUENCE_NUMBER);
        accepted.push([data, output.SequenceNumber]);
      } catch (caught) {
        error = caught;
      }
    }

    assert.ok(error !== undefined, `${accepted.length} puts of 512 KiB accepted, none refused`);
    assert.ok(error instanceof ProvisionedThroughputExceededException, `got ${error?.name}: ${error?.message}`);
    assert.ok(error instanceof KinesisServiceException);
    assert.equal(error.name, THROTTLED);
    assert.equal(error.message, throttledMessage(name, shardId));
    assert.equal(error.$fault, "client");
    assert.equal(error.$metadata.httpStatusCode, 400);
    assert.equal(error.$metadata.attempts, 1, "retries are off");
    await assertStoredExactly(name, shardId, accepted);
  });

  test("the default retry strategy carries a PutRecord past a drained bucket", async () => {
    const [name, shardId] = await limitedStream("limits-retry");
    const key = "k";
    const full = ONE_MIB - key.length; // one second's worth of bytes, partition key included
    // Refilled in about half a second: refused when sent right after the drain, however slow the
    // machine, and accepted after the SDK's throttling backoffs (up to 1 s, then up to 2 s) in most rounds.
    const small = 512 * 1024;
    const accepted = [];
    const deadline = Date.now() + 20_000;
    let counter = 0;
    let retried = false;
    // The retrying client's first call resolves its credentials and endpoint: done here, untimed.
    await send(retrying, new ListShardsCommand({ StreamName: name }));

    for (let round = 0; round < 4 && !retried && Date.now() < deadline; round += 1) {
      // Drain: a 1 MiB record goes in only when the bucket is full (it refills within 1 s), and
      // leaves it empty.
      let drained = false;
      for (let attempt = 0; attempt < 40 && !drained; attempt += 1) {
        const data = payload(counter, full);
        counter += 1;
        try {
          const output = await send(client, new PutRecordCommand({ StreamName: name, Data: data, PartitionKey: key }));
          accepted.push([data, output.SequenceNumber]);
          drained = true;
        } catch (error) {
          assert.ok(error instanceof ProvisionedThroughputExceededException, `got ${error?.name}: ${error?.message}`);
          if (Date.now() > deadline) break;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }
      assert.ok(drained, "a 1 MiB record was never accepted");

      const data = payload(counter, small);
      counter += 1;
      let output;
      try {
        output = await send(retrying, new PutRecordCommand({ StreamName: name, Data: data, PartitionKey: key }));
      } catch (error) {
        // Every backoff happened to be shorter than the refill: the SDK gave up after its attempts.
        assert.ok(error instanceof ProvisionedThroughputExceededException, `got ${error?.name}: ${error?.message}`);
        assert.ok(error.$metadata.attempts >= 2, "the SDK retried the throttled put before giving up");
        continue;
      }

      assert.match(output.SequenceNumber, SEQUENCE_NUMBER);
      assert.equal(output.ShardId, shardId);
      assert.equal(output.$metadata.httpStatusCode, 200);
      assert.ok(output.$metadata.attempts >= 1);
      accepted.push([data, output.SequenceNumber]);
      if (output.$metadata.attempts >= 2) {
        assert.ok(output.$metadata.totalRetryDelay > 0, "the retry waited a backoff");
        retried = true;
      }
    }

    assert.ok(retried, "no put right after draining was refused, retried and then accepted");
    // Each retried put is stored once; nothing refused was stored.
    await assertStoredExactly(name, shardId, accepted);
  });
});
