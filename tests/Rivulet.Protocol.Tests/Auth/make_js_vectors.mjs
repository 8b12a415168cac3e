// Writes js-vectors.json: requests signed by the AWS SDK for JavaScript v3's own SigV4 signer
// (@smithy/signature-v4, as @aws-sdk/client-kinesis uses it), for SigV4VerifierTests.
//
// Run from this folder once tests/clients/js has its packages (tests/clients/setup.sh installs them):
//     node make_js_vectors.mjs > js-vectors.json
// The signing time is fixed, so the output only changes when the SDK's signing does.
import { createHash, createHmac } from "node:crypto";
import { createRequire } from "node:module";

const require = createRequire(new URL("../../clients/js/package.json", import.meta.url));
const { SignatureV4 } = require("@smithy/signature-v4");

// The SDK's checksum interface over node's crypto (what @smithy/hash-node does): SHA-256, or HMAC-SHA-256 with a secret.
class Sha256 {
  constructor(secret) {
    this.hash = secret === undefined ? createHash("sha256") : createHmac("sha256", secret);
  }
  update(data) {
    this.hash.update(data);
  }
  async digest() {
    return new Uint8Array(this.hash.digest());
  }
}

const signedAt = new Date(Date.UTC(2025, 10, 21, 3, 20, 0));
const credentials = { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" };
const body = '{"StreamName":"orders","Data":"aGVsbG8=","PartitionKey":"pk-1"}';
const signer = new SignatureV4({ credentials, region: "us-east-1", service: "kinesis", sha256: Sha256, uriEscapePath: true });

// Over HTTP/2 the SDK's host-header middleware replaces host with :authority, which is then signed.
async function vector(name, authorityHeader) {
  const headers = {
    "content-type": "application/x-amz-json-1.1",
    "x-amz-target": "Kinesis_20131202.PutRecord",
    "content-length": String(Buffer.byteLength(body)),
    [authorityHeader]: "127.0.0.1:4567",
  };
  const request = { method: "POST", protocol: "http:", hostname: "127.0.0.1", port: 4567, path: "/", query: {}, headers, body };
  const signed = await signer.sign(request, { signingDate: signedAt });
  return {
    name,
    method: "POST",
    target: "/",
    headers: Object.entries(signed.headers),
    body: Buffer.from(body).toString("base64"),
    region: "us-east-1",
    token: null,
  };
}

const output = {
  signer: `@smithy/signature-v4 ${require("@smithy/signature-v4/package.json").version}`,
  signedAt: "20251121T032000Z",
  accessKeyId: credentials.accessKeyId,
  secretAccessKey: credentials.secretAccessKey,
  vectors: [await vector("put-record-http2-authority", ":authority"), await vector("put-record-http1-host", "host")],
};
process.stdout.write(JSON.stringify(output, null, 2) + "\n");
