// Runs in the page (bundled for the browser by build.mjs): calls Rivulet cross-origin through the
// browser build of @aws-sdk/client-kinesis v3 (FetchHttpHandler) and writes one JSON report into
// <pre id="results">, which run.mjs reads over the DevTools protocol.
//
// The endpoint comes from the query string (?endpoint=http://127.0.0.1:<port>); the page itself is
// served from another port, so every call is cross-origin and goes through CORS.
import {
  CreateStreamCommand,
  DeleteStreamCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  ListShardsCommand,
  PutRecordCommand,
  PutRecordsCommand,
  ResourceNotFoundException,
  waitUntilStreamExists,
} from "@aws-sdk/client-kinesis";

const ACCOUNT = "000000000000";
const REQUEST_TIMEOUT_MS = 10_000;

const report = { endpoint: "", origin: location.origin, userAgent: navigator.userAgent, checks: [], requestIds: {} };

function check(name, ok, detail) {
  report.checks.push({ name, ok: Boolean(ok), detail: ok ? undefined : detail });
}

function send(client, command) {
  return client.send(command, { abortSignal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
}

function describeError(error) {
  return `${error?.name}: ${error?.message}`;
}

/** Runs one step; a thrown error fails that step and the steps that need its result are skipped. */
async function step(name, body) {
  try {
    return await body();
  } catch (error) {
    check(name, false, `threw ${describeError(error)}`);
    return undefined;
  }
}

function bytesEqual(a, b) {
  return a.length === b.length && a.every((value, index) => value === b[index]);
}

function hex(bytes) {
  return Array.from(bytes, (value) => value.toString(16).padStart(2, "0")).join("");
}

async function run() {
  const endpoint = new URL(location.href).searchParams.get("endpoint") ?? "";
  report.endpoint = endpoint;
  if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(endpoint)) {
    check("endpoint query parameter", false, `expected http://127.0.0.1:<port>, got '${endpoint}'`);
    return;
  }
  check("the page and Rivulet are different origins", new URL(endpoint).origin !== location.origin, `${location.origin} vs ${endpoint}`);

  const client = new KinesisClient({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" },
    maxAttempts: 1, // the server's first answer, never a retry
  });
  const streamName = `browser-${Date.now()}-${Math.random().toString(16).slice(2, 8)}`;

  const created = await step("CreateStream", () => send(client, new CreateStreamCommand({ StreamName: streamName, ShardCount: 2 })));
  if (created === undefined) {
    return;
  }
  check("CreateStream", created.$metadata.httpStatusCode === 200, `status ${created.$metadata.httpStatusCode}`);
  // The request id is a response header: the SDK can only read it when the answer exposes it.
  report.requestIds.CreateStream = created.$metadata.requestId;
  check("CreateStream $metadata.requestId read from x-amzn-RequestId", /^[0-9a-f-]{36}$/.test(created.$metadata.requestId ?? ""), `requestId ${created.$metadata.requestId}`);

  try {
    const waited = await step("waitUntilStreamExists", () =>
      waitUntilStreamExists({ client, minDelay: 1, maxDelay: 2, maxWaitTime: 20 }, { StreamName: streamName }),
    );
    if (waited !== undefined) {
      check("waitUntilStreamExists", waited.state === "SUCCESS", `state ${waited.state}`);
    }

    const summary = await step("DescribeStreamSummary", () => send(client, new DescribeStreamSummaryCommand({ StreamName: streamName })));
    if (summary !== undefined) {
      const description = summary.StreamDescriptionSummary;
      check(
        "DescribeStreamSummary is ACTIVE with 2 open shards",
        description?.StreamStatus === "ACTIVE" && description?.OpenShardCount === 2 && description?.StreamName === streamName,
        JSON.stringify(description),
      );
    }

    // Every byte value, so a base64 or text-decoding slip in the browser path shows.
    const sent = [
      Uint8Array.from({ length: 256 }, (_, index) => index),
      new TextEncoder().encode("from the browser, one"),
      new TextEncoder().encode("from the browser, two"),
      new TextEncoder().encode("from the browser, three \u{1F30A}"),
    ];

    const put = await step("PutRecord", () => send(client, new PutRecordCommand({ StreamName: streamName, PartitionKey: "browser-0", Data: sent[0] })));
    if (put !== undefined) {
      check("PutRecord answers a shard and a sequence number", /^shardId-\d{12}$/.test(put.ShardId ?? "") && /^\d+$/.test(put.SequenceNumber ?? ""), JSON.stringify(put));
      report.requestIds.PutRecord = put.$metadata.requestId;
    }

    const putMany = await step("PutRecords", () =>
      send(client, new PutRecordsCommand({
        StreamName: streamName,
        Records: sent.slice(1).map((data, index) => ({ PartitionKey: `browser-${index + 1}`, Data: data })),
      })),
    );
    if (putMany !== undefined) {
      check(
        "PutRecords stores all three",
        putMany.FailedRecordCount === 0 && putMany.Records?.length === 3 && putMany.Records.every((record) => record.SequenceNumber && record.ShardId),
        JSON.stringify(putMany),
      );
    }

    const listed = await step("ListShards", () => send(client, new ListShardsCommand({ StreamName: streamName })));
    const shards = listed?.Shards ?? [];
    check("ListShards lists 2 shards", shards.length === 2, JSON.stringify(listed?.Shards));

    const received = [];
    for (const shard of shards) {
      const iterator = await step(`GetShardIterator ${shard.ShardId}`, () =>
        send(client, new GetShardIteratorCommand({ StreamName: streamName, ShardId: shard.ShardId, ShardIteratorType: "TRIM_HORIZON" })),
      );
      if (iterator?.ShardIterator === undefined) {
        check(`GetShardIterator ${shard.ShardId}`, false, JSON.stringify(iterator));
        continue;
      }
      const records = await step(`GetRecords ${shard.ShardId}`, () => send(client, new GetRecordsCommand({ ShardIterator: iterator.ShardIterator })));
      if (records !== undefined) {
        check(`GetRecords ${shard.ShardId} answers a next iterator`, typeof records.NextShardIterator === "string", JSON.stringify(records));
        received.push(...(records.Records ?? []));
      }
    }
    const missing = sent.filter((data) => !received.some((record) => record.Data instanceof Uint8Array && bytesEqual(record.Data, data)));
    check(
      "GetRecords returns every record's bytes unchanged",
      received.length === sent.length && missing.length === 0,
      `received ${received.length}: ${received.map((record) => hex(record.Data ?? [])).join(", ")}; missing ${missing.map(hex).join(", ")}`,
    );

    const absent = `${streamName}-missing`;
    try {
      await send(client, new DescribeStreamSummaryCommand({ StreamName: absent }));
      check("an unknown stream is a typed ResourceNotFoundException", false, "the call succeeded");
    } catch (error) {
      check("an unknown stream is a typed ResourceNotFoundException", error instanceof ResourceNotFoundException, describeError(error));
      check(
        "ResourceNotFoundException carries AWS's message",
        error?.message === `Stream ${absent} under account ${ACCOUNT} not found.`,
        describeError(error),
      );
      check("ResourceNotFoundException has status 400", error?.$metadata?.httpStatusCode === 400, JSON.stringify(error?.$metadata));
      report.requestIds.ResourceNotFoundException = error?.$metadata?.requestId;
      check("ResourceNotFoundException $metadata.requestId read from x-amzn-RequestId", /^[0-9a-f-]{36}$/.test(error?.$metadata?.requestId ?? ""), JSON.stringify(error?.$metadata));
    }
  } finally {
    const deleted = await step("DeleteStream", () => send(client, new DeleteStreamCommand({ StreamName: streamName, EnforceConsumerDeletion: true })));
    if (deleted !== undefined) {
      check("DeleteStream", deleted.$metadata.httpStatusCode === 200, JSON.stringify(deleted.$metadata));
    }
  }
}

run()
  .catch((error) => check("the page script", false, `threw ${error?.stack ?? error}`))
  .finally(() => {
    document.getElementById("results").textContent = JSON.stringify(report);
    document.title = "done";
  });
