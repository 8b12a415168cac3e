// Resharding through @aws-sdk/client-kinesis v3: split, merge, scaling, and a reader that follows lineage.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";

import {
  CreateStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  InvalidArgumentException,
  LimitExceededException,
  ListShardsCommand,
  MergeShardsCommand,
  PutRecordsCommand,
  ResourceInUseException,
  SplitShardCommand,
  UpdateShardCountCommand,
  waitUntilStreamExists,
} from "@aws-sdk/client-kinesis";

import { ACCOUNT, deleteQuietly, newClient, rejection, send, uniqueName, utf8 } from "./support.mjs";

const MAX_HASH_KEY = (1n << 128n) - 1n;

describe("resharding through @aws-sdk/client-kinesis", { timeout: 120_000 }, () => {
  const client = newClient();
  const streams = [];

  async function createStream(label, shardCount) {
    const name = uniqueName(label);
    await send(client, new CreateStreamCommand({ StreamName: name, ShardCount: shardCount }));
    streams.push(name);
    await waitUntilStreamExists({ client, minDelay: 1, maxDelay: 2, maxWaitTime: 20 }, { StreamName: name });
    return name;
  }

  async function active(name) {
    const waited = await waitUntilStreamExists({ client, minDelay: 1, maxDelay: 2, maxWaitTime: 20 }, { StreamName: name });
    assert.equal(waited.state, "SUCCESS");
  }

  after(async () => {
    for (const name of streams) {
      await deleteQuietly(client, name);
    }
    client.destroy();
  });

  test("SplitShard, MergeShards and UpdateShardCount give AWS's lineage and errors", async () => {
    const name = await createStream("reshard", 2);
    await send(client, new SplitShardCommand({ StreamName: name, ShardToSplit: "shardId-000000000000", NewStartingHashKey: "1000" }));
    await active(name);
    let { Shards } = await send(client, new ListShardsCommand({ StreamName: name }));
    assert.deepEqual(Shards.map((s) => s.ShardId), ["shardId-000000000000", "shardId-000000000001", "shardId-000000000002", "shardId-000000000003"]);
    assert.ok(Shards[0].SequenceNumberRange.EndingSequenceNumber);
    assert.deepEqual(Shards[2].HashKeyRange, { StartingHashKey: "0", EndingHashKey: "999" });
    assert.equal(Shards[3].ParentShardId, "shardId-000000000000");

    const closed = await rejection(() => send(client, new SplitShardCommand({ StreamName: name, ShardToSplit: "shardId-000000000000", NewStartingHashKey: "500" })));
    assert.ok(closed instanceof ResourceInUseException, String(closed));
    const notAdjacent = await rejection(() => send(client, new MergeShardsCommand({ StreamName: name, ShardToMerge: "shardId-000000000001", AdjacentShardToMerge: "shardId-000000000002" })));
    assert.ok(notAdjacent instanceof InvalidArgumentException, String(notAdjacent));
    assert.equal(notAdjacent.message, `Shards shardId-000000000001 and shardId-000000000002 in stream ${name} under account ${ACCOUNT} are not an adjacent pair of shards eligible for merging`);

    await send(client, new MergeShardsCommand({ StreamName: name, ShardToMerge: "shardId-000000000002", AdjacentShardToMerge: "shardId-000000000003" }));
    await active(name);
    ({ Shards } = await send(client, new ListShardsCommand({ StreamName: name, ShardFilter: { Type: "AT_LATEST" } })));
    assert.deepEqual(Shards.map((s) => s.ShardId), ["shardId-000000000001", "shardId-000000000004"]);
    assert.equal(Shards[1].AdjacentParentShardId, "shardId-000000000003");

    const scaled = await send(client, new UpdateShardCountCommand({ StreamName: name, TargetShardCount: 3, ScalingType: "UNIFORM_SCALING" }));
    assert.equal(scaled.CurrentShardCount, 2);
    assert.equal(scaled.TargetShardCount, 3);
    await active(name);
    const tooFar = await rejection(() => send(client, new UpdateShardCountCommand({ StreamName: name, TargetShardCount: 9, ScalingType: "UNIFORM_SCALING" })));
    assert.ok(tooFar instanceof LimitExceededException, String(tooFar));
  });

  test("a reader that follows lineage reads every record once, in order per key, ending on ChildShards", async () => {
    const name = await createStream("lineage", 2);
    const written = new Map();
    async function write(count) {
      const Records = [];
      for (let i = 0; i < count; i += 1) {
        const key = `key-${i % 7}`;
        const n = written.get(key) ?? 0;
        written.set(key, n + 1);
        Records.push({ PartitionKey: key, Data: utf8(`${key}:${n}`) });
      }
      const result = await send(client, new PutRecordsCommand({ StreamName: name, Records }));
      assert.equal(result.FailedRecordCount, 0);
    }

    await write(40);
    await send(client, new SplitShardCommand({ StreamName: name, ShardToSplit: "shardId-000000000001", NewStartingHashKey: String((MAX_HASH_KEY * 3n) / 4n) }));
    await active(name);
    await write(40);
    await send(client, new UpdateShardCountCommand({ StreamName: name, TargetShardCount: 4, ScalingType: "UNIFORM_SCALING" }));
    await active(name);
    await write(40);

    const { Shards } = await send(client, new ListShardsCommand({ StreamName: name }));
    const listed = new Set(Shards.map((s) => s.ShardId));
    const parents = new Map(Shards.map((s) => [s.ShardId, [s.ParentShardId, s.AdjacentParentShardId].filter((p) => p && listed.has(p))]));
    const done = new Set();
    const seen = new Map();
    for (let round = 0; round <= Shards.length && done.size < Shards.length; round += 1) {
      for (const shard of Shards.filter((s) => !done.has(s.ShardId) && parents.get(s.ShardId).every((p) => done.has(p)))) {
        const closed = Boolean(shard.SequenceNumberRange.EndingSequenceNumber);
        let { ShardIterator: iterator } = await send(client, new GetShardIteratorCommand({ StreamName: name, ShardId: shard.ShardId, ShardIteratorType: "TRIM_HORIZON" }));
        for (let call = 0; call < 500; call += 1) {
          const page = await send(client, new GetRecordsCommand({ ShardIterator: iterator, Limit: 6 }));
          for (const record of page.Records) {
            const [key, n] = new TextDecoder().decode(record.Data).split(":");
            seen.set(key, [...(seen.get(key) ?? []), Number(n)]);
          }
          if (!page.NextShardIterator) {
            assert.ok(closed, `${shard.ShardId} is open but ended`);
            assert.ok(page.ChildShards?.length > 0);
            break;
          }
          assert.ok(!page.ChildShards || page.ChildShards.length === 0);
          if (!closed && page.Records.length === 0 && page.MillisBehindLatest === 0) {
            break;
          }
          iterator = page.NextShardIterator;
        }
        done.add(shard.ShardId);
      }
    }

    assert.equal(done.size, Shards.length);
    for (const [key, count] of written) {
      assert.deepEqual(seen.get(key), [...Array(count).keys()], key);
    }
  });
});
