// Signature verification through @aws-sdk/client-kinesis v3 (runs only when RIVULET_AUTH_VERIFY=1).
//
// The server is started with `serve --auth verify --credentials <file>` and RIVULET_CREDENTIALS_FILE
// names the same file (default: tests/clients/auth-credentials.ini), in AWS's shared-credentials
// format with three profiles: [rivulet-a] (a long-term key with aws_account_id 111111111111),
// [rivulet-b] (a long-term key whose 12-digit ID is its account) and [rivulet-t] (a temporary key,
// valid only with its aws_session_token, in the server's default account). The SDK signs every
// request itself; only keys, secrets, tokens, regions and the signing clock vary.
//
// Everything runs twice: with the SDK's default handler (HTTP/2, which signs `:authority` where
// HTTP/1.1 signs `host`, as AWS's HTTP/2 endpoints expect) and with NodeHttpHandler (HTTP/1.1), the
// handler applications configure when they want HTTP/1.1.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import {
  CreateStreamCommand,
  DeleteStreamCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  KinesisServiceException,
  ListShardsCommand,
  ListStreamsCommand,
  PutRecordCommand,
  ResourceNotFoundException,
  waitUntilStreamExists,
} from "@aws-sdk/client-kinesis";

import { NodeHttpHandler } from "@smithy/node-http-handler";

import { REQUEST_TIMEOUT_MS, deleteQuietly, endpoint, rejection, send, uniqueName, utf8 } from "./support.mjs";

const AUTH_VERIFY = (process.env.RIVULET_AUTH_VERIFY ?? "").trim() === "1";
const SKIP = AUTH_VERIFY
  ? false
  : "RIVULET_AUTH_VERIFY is not 1 (needs a server started with --auth verify --credentials tests/clients/auth-credentials.ini)";

const INVALID_SIGNATURE =
  "The request signature we calculated does not match the signature you provided. Check your AWS Secret " +
  "Access Key and signing method. Consult the service documentation for details.";
const UNKNOWN_KEY = "The security token included in the request is invalid.";
const BAD_SESSION_TOKEN = "The security token included in the request is invalid"; // AWS's text has no period here
const EXPIRED = /^Signature expired: (\d{8}T\d{6}Z) is now earlier than (\d{8}T\d{6}Z) \((\d{8}T\d{6}Z) - 5 min\.\)$/;

function credentialsFile() {
  const given = (process.env.RIVULET_CREDENTIALS_FILE ?? "").trim();
  return given || join(dirname(fileURLToPath(import.meta.url)), "..", "..", "auth-credentials.ini");
}

/** The sections of an AWS shared-credentials file: { name: { key: value } }. */
function parseIni(text) {
  const sections = {};
  let current;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    const header = /^\[([^\]]+)\]$/.exec(line);
    if (header) {
      current = sections[header[1].trim()] = {};
      continue;
    }
    const setting = /^([^=]+?)\s*=\s*(.*)$/.exec(line);
    if (setting && current) current[setting[1].toLowerCase()] = setting[2];
  }
  return sections;
}

function loadProfiles() {
  const path = credentialsFile();
  const sections = parseIni(readFileSync(path, "utf8"));
  const defaultAccount = (process.env.RIVULET_ACCOUNT_ID ?? "").trim() || "000000000000";
  const profiles = {};
  for (const name of ["rivulet-a", "rivulet-b", "rivulet-t"]) {
    const section = sections[name];
    assert.ok(section, `${path} lacks the section [${name}] (see tests/clients/auth-credentials.ini)`);
    const accessKeyId = section.aws_access_key_id;
    profiles[name] = {
      accessKeyId,
      secretAccessKey: section.aws_secret_access_key,
      sessionToken: section.aws_session_token,
      account: section.aws_account_id ?? (/^\d{12}$/.test(accessKeyId) ? accessKeyId : defaultAccount),
    };
  }
  assert.ok(profiles["rivulet-t"].sessionToken, `${path}: [rivulet-t] needs an aws_session_token`);
  return profiles;
}

const arn = (profile, name, region = "us-east-1") => `arn:aws:kinesis:${region}:${profile.account}:stream/${name}`;

/** A service error as the SDK types it: a KinesisServiceException named `name`, a client fault, HTTP 400. */
function assertServiceError(error, name, message, context = "") {
  const what = `${context ? `${context}: ` : ""}${error?.constructor?.name} ${error?.name}: ${error?.message}`;
  assert.ok(error instanceof KinesisServiceException, `a KinesisServiceException, got ${what}`);
  assert.equal(error.name, name, what);
  if (message instanceof RegExp) {
    assert.match(error.message, message, what);
  } else if (message !== undefined) {
    assert.equal(error.message, message, what);
  }
  assert.equal(error.$fault, "client");
  assert.equal(error.$metadata?.httpStatusCode, 400);
  assert.ok(error.$metadata?.requestId, "x-amzn-RequestId reaches $metadata.requestId");
  return error;
}

const TRANSPORTS = [
  { label: "HTTP/2, the SDK's default handler", requestHandler: () => undefined },
  { label: "HTTP/1.1, NodeHttpHandler", requestHandler: () => new NodeHttpHandler({ requestTimeout: REQUEST_TIMEOUT_MS }) },
];

for (const transport of TRANSPORTS) {
  describe(`signature verification through @aws-sdk/client-kinesis over ${transport.label}`, { skip: SKIP, timeout: 120_000 }, () => {
    let a;
    let b;
    let t;
    const clients = [];
    const streams = []; // [client, name] to delete afterwards

    /** A client for `profile`; `overrides` replace its credentials' fields, other options go to the client. */
    function clientFor(profile, { region = "us-east-1", overrides = {}, ...options } = {}) {
      const { accessKeyId, secretAccessKey, sessionToken } = { ...profile, ...overrides };
      const requestHandler = transport.requestHandler();
      const client = new KinesisClient({
        endpoint: endpoint(),
        region,
        credentials: sessionToken === undefined ? { accessKeyId, secretAccessKey } : { accessKeyId, secretAccessKey, sessionToken },
        maxAttempts: 1,
        ...(requestHandler === undefined ? {} : { requestHandler }),
        ...options,
      });
      clients.push(client);
      return client;
    }

    async function createStream(client, name, shardCount) {
      await send(client, new CreateStreamCommand({ StreamName: name, ShardCount: shardCount }));
      streams.push([client, name]);
      const waited = await waitUntilStreamExists({ client, minDelay: 1, maxDelay: 2, maxWaitTime: 20 }, { StreamName: name });
      assert.equal(waited.state, "SUCCESS");
    }

    const summary = async (client, name) =>
      (await send(client, new DescribeStreamSummaryCommand({ StreamName: name }))).StreamDescriptionSummary;

    before(() => {
      const profiles = loadProfiles();
      a = profiles["rivulet-a"];
      b = profiles["rivulet-b"];
      t = profiles["rivulet-t"];
    });

    after(async () => {
      for (const [client, name] of streams) {
        await deleteQuietly(client, name);
      }
      for (const client of clients) client.destroy();
    });

    test("the right key creates, writes, reads and deletes a stream in its own account", async () => {
      const client = clientFor(a);
      const name = uniqueName("auth-a");
      await createStream(client, name, 1);

      const put = await send(client, new PutRecordCommand({ StreamName: name, Data: utf8("signed by A"), PartitionKey: "pk" }));
      const { ShardIterator } = await send(
        client,
        new GetShardIteratorCommand({
          StreamName: name,
          ShardId: put.ShardId,
          ShardIteratorType: "AT_SEQUENCE_NUMBER",
          StartingSequenceNumber: put.SequenceNumber,
        }),
      );
      const { Records } = await send(client, new GetRecordsCommand({ ShardIterator }));
      assert.deepEqual(Records.map((record) => Buffer.from(record.Data).toString("utf8")), ["signed by A"]);
      assert.equal((await summary(client, name)).StreamARN, arn(a, name));

      await send(client, new DeleteStreamCommand({ StreamName: name }));
      const { StreamNames } = await send(client, new ListStreamsCommand({ Limit: 10000 }));
      assert.ok(!StreamNames.includes(name));
    });

    test("a wrong secret is a typed InvalidSignatureException with AWS's message", async () => {
      const wrong = clientFor(a, { overrides: { secretAccessKey: `${a.secretAccessKey}x` } });
      assertServiceError(await rejection(() => send(wrong, new ListStreamsCommand({}))), "InvalidSignatureException", INVALID_SIGNATURE);
      assertServiceError(
        await rejection(() => send(wrong, new PutRecordCommand({ StreamName: uniqueName("auth"), Data: utf8("x"), PartitionKey: "k" }))),
        "InvalidSignatureException",
        INVALID_SIGNATURE,
      );
      const othersSecret = clientFor(a, { overrides: { secretAccessKey: b.secretAccessKey } });
      assertServiceError(await rejection(() => send(othersSecret, new ListStreamsCommand({}))), "InvalidSignatureException", INVALID_SIGNATURE);
    });

    test("an unknown key is a typed UnrecognizedClientException with AWS's message", async () => {
      const stranger = clientFor(a, { overrides: { accessKeyId: "AKIARIVULETUNKNOWN00" } });
      assertServiceError(await rejection(() => send(stranger, new ListStreamsCommand({}))), "UnrecognizedClientException", UNKNOWN_KEY);
      const unknownAccount = clientFor(a, { overrides: { accessKeyId: "999999999999" } });
      assertServiceError(
        await rejection(() => send(unknownAccount, new CreateStreamCommand({ StreamName: uniqueName("auth"), ShardCount: 1 }))),
        "UnrecognizedClientException",
        UNKNOWN_KEY,
      );
    });

    test("a session key works with its token and fails without it or with another", async () => {
      const client = clientFor(t);
      const name = uniqueName("auth-t");
      await createStream(client, name, 2);
      assert.equal((await summary(client, name)).StreamARN, arn(t, name));
      await send(client, new PutRecordCommand({ StreamName: name, Data: utf8("with token"), PartitionKey: "pk" }));

      for (const [label, sessionToken] of [["no token", undefined], ["a wrong token", `${t.sessionToken}x`]]) {
        const other = clientFor(t, { overrides: { sessionToken } });
        const error = await rejection(() => send(other, new DescribeStreamSummaryCommand({ StreamName: name })));
        assertServiceError(error, "UnrecognizedClientException", BAD_SESSION_TOKEN, label);
        const putError = await rejection(() => send(other, new PutRecordCommand({ StreamName: name, Data: utf8("x"), PartitionKey: "pk" })));
        assertServiceError(putError, "UnrecognizedClientException", BAD_SESSION_TOKEN, label);
      }
    });

    test("wrong credentials get the same answer for an existing and a missing stream", async () => {
      const name = uniqueName("auth-exists");
      await createStream(clientFor(a), name, 1);
      const missing = uniqueName("auth-missing");
      const wrong = {
        "wrong secret": clientFor(a, { overrides: { secretAccessKey: `not-${a.secretAccessKey}` } }),
        "unknown key": clientFor(a, { overrides: { accessKeyId: "AKIARIVULETUNKNOWN00" } }),
        "missing token": clientFor(t, { overrides: { sessionToken: undefined } }),
        "wrong token": clientFor(t, { overrides: { sessionToken: `not-${t.sessionToken}` } }),
      };
      const answer = (error) => [error.name, error.message, error.$metadata?.httpStatusCode];
      for (const [label, client] of Object.entries(wrong)) {
        for (const make of [
          (stream) => new DescribeStreamSummaryCommand({ StreamName: stream }),
          (stream) => new ListShardsCommand({ StreamName: stream }),
          (stream) => new PutRecordCommand({ StreamName: stream, Data: utf8("x"), PartitionKey: "k" }),
          (stream) => new DeleteStreamCommand({ StreamName: stream }),
        ]) {
          const existing = await rejection(() => send(client, make(name)));
          const absent = await rejection(() => send(client, make(missing)));
          assert.deepEqual(answer(existing), answer(absent), `${label}: ${make(name).constructor.name}`);
          assert.ok(["InvalidSignatureException", "UnrecognizedClientException"].includes(existing.name), `${label}: ${existing.name}`);
        }
      }
      assert.equal((await summary(clientFor(a), name)).StreamStatus, "ACTIVE", "nothing above touched the stream");
    });

    test("two accounts each have their own stream of one name", async () => {
      const name = uniqueName("auth-shared");
      const [clientA, clientB, clientT] = [clientFor(a), clientFor(b), clientFor(t)];
      await createStream(clientA, name, 1);
      await createStream(clientB, name, 2);

      const [summaryA, summaryB] = [await summary(clientA, name), await summary(clientB, name)];
      assert.deepEqual([summaryA.StreamARN, summaryA.OpenShardCount], [arn(a, name), 1]);
      assert.deepEqual([summaryB.StreamARN, summaryB.OpenShardCount], [arn(b, name), 2]);
      assert.equal((await send(clientB, new ListShardsCommand({ StreamName: name }))).Shards.length, 2);

      await send(clientA, new PutRecordCommand({ StreamName: name, Data: utf8("for A"), PartitionKey: "pk" }));
      const { ShardIterator } = await send(
        clientB,
        new GetShardIteratorCommand({ StreamName: name, ShardId: "shardId-000000000000", ShardIteratorType: "TRIM_HORIZON" }),
      );
      assert.deepEqual((await send(clientB, new GetRecordsCommand({ ShardIterator }))).Records, [], "A's record is not in B's stream");

      const third = await rejection(() => send(clientT, new DescribeStreamSummaryCommand({ StreamName: name })));
      assert.ok(third instanceof ResourceNotFoundException, `got ${third?.name}`);
      assert.equal(third.message, `Stream ${name} under account ${t.account} not found.`);

      await send(clientA, new DeleteStreamCommand({ StreamName: name }));
      assert.equal((await summary(clientB, name)).OpenShardCount, 2, "B's stream outlives A's");
    });

    test("two regions each have their own stream of one name", async () => {
      const name = uniqueName("auth-regions");
      const east = clientFor(a, { region: "us-east-1" });
      const west = clientFor(a, { region: "eu-west-1" });
      await createStream(east, name, 1);
      const notYet = await rejection(() => send(west, new DescribeStreamSummaryCommand({ StreamName: name })));
      assert.ok(notYet instanceof ResourceNotFoundException, `got ${notYet?.name}`);
      assert.equal(notYet.message, `Stream ${name} under account ${a.account} not found.`);
      await createStream(west, name, 3);

      const [summaryEast, summaryWest] = [await summary(east, name), await summary(west, name)];
      assert.deepEqual([summaryEast.StreamARN, summaryEast.OpenShardCount], [arn(a, name, "us-east-1"), 1]);
      assert.deepEqual([summaryWest.StreamARN, summaryWest.OpenShardCount], [arn(a, name, "eu-west-1"), 3]);

      await send(west, new DeleteStreamCommand({ StreamName: name }));
      assert.equal((await summary(east, name)).OpenShardCount, 1);
    });

    test("a request signed ten minutes ago has expired, and the SDK then corrects its clock from the Date header", async () => {
      const client = clientFor(a, { systemClockOffset: -600_000 });
      const before = Date.now();
      const error = assertServiceError(await rejection(() => send(client, new ListStreamsCommand({}))), "InvalidSignatureException", EXPIRED);
      assert.ok(error.message.startsWith("Signature expired:"));

      const [sent, earliest, now] = EXPIRED.exec(error.message).slice(1).map((stamp) =>
        Date.UTC(+stamp.slice(0, 4), +stamp.slice(4, 6) - 1, +stamp.slice(6, 8), +stamp.slice(9, 11), +stamp.slice(11, 13), +stamp.slice(13, 15)),
      );
      assert.equal(now - earliest, 5 * 60_000);
      assert.ok(Math.abs(before - 600_000 - sent) < 5_000, `the X-Amz-Date the SDK sent: ${new Date(sent).toISOString()}`);
      assert.ok(Math.abs(now - sent - 600_000) < 60_000);

      // The SDK's error handler took the server's Date header as the true time: the next call works.
      assert.ok(Math.abs(client.config.systemClockOffset) < 5_000, `offset now ${client.config.systemClockOffset} ms`);
      const { StreamNames } = await send(client, new ListStreamsCommand({ Limit: 1 }));
      assert.ok(Array.isArray(StreamNames));
    });

    test("a request signed four minutes ago is still accepted", async () => {
      const client = clientFor(a, { systemClockOffset: -240_000 });
      const { StreamNames } = await send(client, new ListStreamsCommand({ Limit: 1 }));
      assert.ok(Array.isArray(StreamNames));
    });
  });
}
