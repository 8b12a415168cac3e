// CBOR (application/x-amz-cbor-1.1) over HTTP/2 (with prior knowledge over http://, by ALPN over
// https:// trusting RIVULET_CA_FILE alone), the way the Java SDK v2's async client (and so the KCL)
// talks to a Kinesis endpoint, checked with npm's `cbor`, a codec Rivulet does not share. Bodies are written as Jackson writes them: indefinite-length maps and
// arrays, byte strings for blobs, timestamps as tag 1 + integer epoch milliseconds. npm's cbor reads
// tag 1 as seconds, so answers are decoded with tag 1 kept raw.
import { test } from "node:test";
import assert from "node:assert/strict";
import http2 from "node:http2";

import cbor from "cbor";

import { endpoint, expectedAlpn, isTls, tlsOptions, uniqueName } from "./support.mjs";

const CBOR = "application/x-amz-cbor-1.1";
const AUTHORIZATION =
  "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20251121/us-east-1/kinesis/aws4_request, " +
  "SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=" + "0".repeat(64);

/** Marks every map and array below `value` to be written with an indefinite length, as Jackson does. */
function jackson(value) {
  if (value instanceof cbor.Tagged || value instanceof Uint8Array || value === null || typeof value !== "object") {
    return value;
  }
  const copy = Array.isArray(value) ? value.map(jackson) : Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jackson(v)]));
  Object.defineProperty(copy, "encodeCBOR", { value: cbor.Encoder.encodeIndefinite, enumerable: false });
  return copy;
}

const millis = (ms) => new cbor.Tagged(1, ms);

function decode(body) {
  return cbor.decodeFirstSync(body, { tags: { 1: (value) => ({ tag1: value }) } });
}

/** One request on its own HTTP/2 session; resolves to { status, contentType, body, alpnProtocol }. */
function call(operation, input, { raw } = {}) {
  const body = raw ?? cbor.encodeOne(jackson(input));
  return new Promise((resolve, reject) => {
    const session = http2.connect(endpoint(), tlsOptions());
    session.on("error", reject);
    const request = session.request({
      ":method": "POST",
      ":path": "/",
      "content-type": CBOR,
      "x-amz-target": `Kinesis_20131202.${operation}`,
      "x-amz-date": "20251121T000000Z",
      authorization: AUTHORIZATION,
    });
    request.setTimeout(30_000, () => request.close(http2.constants.NGHTTP2_CANCEL));
    const chunks = [];
    let headers;
    request.on("response", (h) => (headers = h));
    request.on("data", (chunk) => chunks.push(chunk));
    request.on("end", () => {
      const alpnProtocol = session.alpnProtocol;
      session.close();
      resolve({ status: headers[":status"], contentType: headers["content-type"], body: Buffer.concat(chunks), alpnProtocol });
    });
    request.on("error", reject);
    request.end(body);
  });
}

async function ok(operation, input) {
  const reply = await call(operation, input);
  assert.equal(reply.status, 200, `${operation}: ${reply.status} ${reply.body.length ? JSON.stringify(decode(reply.body)) : ""}`);
  assert.equal(reply.alpnProtocol, expectedAlpn(), isTls() ? "ALPN chose h2" : "h2c");
  assert.equal(reply.contentType, CBOR);
  return reply.body.length === 0 ? undefined : decode(reply.body);
}

test(`a stream is written and read in CBOR over ${expectedAlpn()} with raw blobs and millisecond timestamps`, async () => {
  const name = uniqueName("cbor-h2");
  assert.equal(await ok("CreateStream", { StreamName: name, ShardCount: 1 }), undefined);
  try {
    const start = Date.now() - 1000;
    const data = Buffer.from([0, 1, 2, 0xfe, 0xff]);
    const put = await ok("PutRecord", { StreamName: name, Data: data, PartitionKey: "pk" });
    assert.match(put.SequenceNumber, /^\d+$/);
    const batch = await ok("PutRecords", {
      StreamName: name,
      Records: Array.from({ length: 100 }, (_, i) => ({ Data: Buffer.alloc(i, i), PartitionKey: `k${i}` })),
    });
    assert.equal(batch.FailedRecordCount, 0);

    const { ShardIterator } = await ok("GetShardIterator", {
      StreamName: name,
      ShardId: "shardId-000000000000",
      ShardIteratorType: "AT_TIMESTAMP",
      Timestamp: millis(start),
    });
    const page = await ok("GetRecords", { ShardIterator, Limit: 1000 });
    assert.equal(page.Records.length, 101);
    assert.deepEqual(Buffer.from(page.Records[0].Data), data);
    assert.deepEqual(Buffer.from(page.Records[100].Data), Buffer.alloc(99, 99));
    const arrival = page.Records[0].ApproximateArrivalTimestamp.tag1;
    assert.ok(Number.isInteger(arrival), `tag 1 carries an integer: ${arrival}`);
    assert.ok(Math.abs(arrival - Date.now()) < 60_000, `milliseconds, not seconds: ${arrival}`);

    const summary = (await ok("DescribeStreamSummary", { StreamName: name })).StreamDescriptionSummary;
    assert.ok(Math.abs(summary.StreamCreationTimestamp.tag1 - Date.now()) < 120_000);
  } finally {
    await call("DeleteStream", { StreamName: name });
  }
});

test("errors are CBOR maps with the type, and the message when AWS sends one", async () => {
  const missing = uniqueName("cbor-missing");
  const notFound = await call("DescribeStreamSummary", { StreamName: missing });
  assert.equal(notFound.status, 400);
  assert.equal(notFound.contentType, CBOR);
  assert.deepEqual(decode(notFound.body), {
    __type: "ResourceNotFoundException",
    message: `Stream ${missing} under account 000000000000 not found.`,
  });

  const broken = await call("PutRecord", undefined, { raw: Buffer.from([0xbf, 0x61]) });
  assert.equal(broken.status, 400);
  assert.deepEqual(decode(broken.body), { __type: "SerializationException" });

  const unknown = await call("Frobnicate", {});
  assert.deepEqual(decode(unknown.body), { __type: "UnknownOperationException" });
  assert.equal(unknown.alpnProtocol, expectedAlpn());
});
