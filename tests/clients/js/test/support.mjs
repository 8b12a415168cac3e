// Shared helpers for the @aws-sdk/client-kinesis (v3) compatibility tests.
//
// The client keeps its default request handler: NodeHttp2Handler, i.e. HTTP/2 with prior knowledge
// (h2c) on an http:// endpoint, HTTP/2 chosen by ALPN (h2) on an https:// one, and a new session per
// request (disableConcurrentStreams). To prove the server really answered over HTTP/2, every session
// the SDK opens is recorded by wrapping http2.connect, which @smithy/node-http-handler calls through
// the shared module object.
//
// Over https the SDK trusts the server's certificate through NODE_EXTRA_CA_CERTS (read by node at
// start; run-js.sh sets it from RIVULET_CA_FILE); raw connections trust RIVULET_CA_FILE alone
// (tlsOptions()).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import http2 from "node:http2";
import { createHash, randomBytes } from "node:crypto";

import { KinesisClient, DeleteStreamCommand, GetRecordsCommand, GetShardIteratorCommand } from "@aws-sdk/client-kinesis";

export const REGION = "us-east-1";
export const ACCOUNT = "000000000000";
export const REQUEST_TIMEOUT_MS = 30_000;

/** Every HTTP/2 session opened: { authority, alpnProtocol, encrypted, authorized, gotRemoteSettings, error }. */
export const http2Sessions = [];

const originalConnect = http2.connect;
http2.connect = function connectAndRecord(authority, ...rest) {
  const session = originalConnect.call(this, authority, ...rest);
  const entry = {
    authority: String(authority),
    alpnProtocol: undefined,
    encrypted: undefined,
    authorized: undefined,
    gotRemoteSettings: false,
    error: undefined,
  };
  http2Sessions.push(entry);
  // The server's SETTINGS frame is the first thing an HTTP/2 server sends; an HTTP/1.1-only
  // server never sends one and the session fails with ERR_HTTP2_ERROR instead.
  session.once("remoteSettings", () => {
    entry.gotRemoteSettings = true;
    entry.alpnProtocol = session.alpnProtocol; // "h2" when ALPN chose it over TLS, "h2c" in cleartext
    entry.encrypted = session.encrypted;
    entry.authorized = session.socket?.authorized; // TLS: the certificate was verified
  });
  session.once("error", (error) => {
    entry.error = error;
  });
  return session;
};

/** The URL in `variable`, refused unless it is this machine's: tests never send traffic elsewhere. */
function localEndpoint(variable) {
  const value = (process.env[variable] ?? "").trim().replace(/\/$/, "");
  if (!/^https?:\/\/(127\.0\.0\.1|localhost):\d+$/.test(value)) {
    throw new Error(`${variable} must be http(s)://127.0.0.1:<port> or http(s)://localhost:<port>, got '${value}'`);
  }
  return value;
}

export const endpoint = () => localEndpoint("RIVULET_ENDPOINT");

/**
 * A server of its own whose faults and limits tests may change (RIVULET_ADMIN_ENDPOINT): changing
 * them on the shared server would break the files running beside them. Undefined when unset.
 */
export function adminEndpoint() {
  return (process.env.RIVULET_ADMIN_ENDPOINT ?? "").trim() === "" ? undefined : localEndpoint("RIVULET_ADMIN_ENDPOINT");
}

export const isTls = () => endpoint().startsWith("https://");

/** What ALPN reports for an HTTP/2 session to the endpoint: h2 over TLS, h2c (prior knowledge) in cleartext. */
export const expectedAlpn = () => (isTls() ? "h2" : "h2c");

/** The PEM to trust over https (RIVULET_CA_FILE); undefined means node's own trust store. */
export const caFile = () => (process.env.RIVULET_CA_FILE ?? "").trim() || undefined;

/**
 * TLS options for a raw connection (http2.connect, https.request): over https the server is checked
 * against RIVULET_CA_FILE and nothing else (`ca` replaces node's trust store); none in cleartext.
 */
export function tlsOptions() {
  if (!isTls() || caFile() === undefined) {
    return {};
  }
  return { ca: readFileSync(caFile()) };
}

if (caFile() !== undefined && (process.env.NODE_EXTRA_CA_CERTS ?? "") !== caFile()) {
  // The SDK trusts only node's store plus NODE_EXTRA_CA_CERTS, which node reads once at start.
  console.warn(`RIVULET_CA_FILE is set but NODE_EXTRA_CA_CERTS is not it: the SDK may not trust the server (use run-js.sh)`);
}

/** maxAttempts 1 by default: surface the server's first answer, never a retry. */
export function newClient({ endpoint: url = endpoint(), maxAttempts = 1 } = {}) {
  return new KinesisClient({
    endpoint: url,
    region: REGION,
    credentials: { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" },
    maxAttempts,
  });
}

/** client.send with a deadline, so a hung server fails the test instead of stalling the run. */
export function send(client, command) {
  return client.send(command, { abortSignal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
}

let counter = 0;
export function uniqueName(label) {
  counter += 1;
  return `js-${label}-${process.pid}-${counter}-${randomBytes(3).toString("hex")}`;
}

export function streamArn(name) {
  return `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/${name}`;
}

/** MD5 of the UTF-8 partition key as an unsigned 128-bit big-endian integer (AWS PutRecord docs). */
export function partitionKeyHash(partitionKey) {
  return BigInt(`0x${createHash("md5").update(partitionKey, "utf8").digest("hex")}`);
}

export function shardForHash(shards, hash) {
  const matches = shards.filter(
    (shard) =>
      BigInt(shard.HashKeyRange.StartingHashKey) <= hash &&
      hash <= BigInt(shard.HashKeyRange.EndingHashKey) &&
      shard.SequenceNumberRange?.EndingSequenceNumber === undefined,
  );
  if (matches.length !== 1) {
    throw new Error(`hash ${hash} is covered by ${matches.length} open shards`);
  }
  return matches[0].ShardId;
}

/** Every record of the shard from TRIM_HORIZON until caught up with at least `expected`; bounded in calls. */
export async function readShard(client, name, shardId, expected = 0) {
  let { ShardIterator: iterator } = await send(
    client,
    new GetShardIteratorCommand({ StreamName: name, ShardId: shardId, ShardIteratorType: "TRIM_HORIZON" }),
  );
  const records = [];
  for (let call = 0; call < 60 && iterator; call += 1) {
    const page = await send(client, new GetRecordsCommand({ ShardIterator: iterator }));
    records.push(...page.Records);
    iterator = page.NextShardIterator;
    const caughtUp = page.Records.length === 0 && (page.MillisBehindLatest ?? 0) === 0;
    if (caughtUp && records.length >= expected) break;
    if (page.Records.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return records;
}

export async function deleteQuietly(client, name) {
  try {
    await send(client, new DeleteStreamCommand({ StreamName: name, EnforceConsumerDeletion: true }));
  } catch {
    // already gone, or the server is down: nothing to clean up
  }
}

export const utf8 = (text) => new TextEncoder().encode(text);

/** A record's data back as text. */
export const text = (data) => Buffer.from(data).toString("utf8");

/** AWS's message for a shard over its throughput, real or injected. */
export const throttledMessage = (name, shardId) => `Rate exceeded for shard ${shardId} in stream ${name} under account ${ACCOUNT}.`;

/** Runs `action`, expecting it to throw; returns the error. */
export async function rejection(action) {
  try {
    await action();
  } catch (error) {
    return error;
  }
  assert.fail("expected the call to be rejected");
}
