// Bundles page.mjs and the browser build of @aws-sdk/client-kinesis into dist/page.js (git-ignored).
// Skips the build when dist/ was made from the same inputs (a hash of them is kept in dist/.inputs),
// so setup.sh and run.mjs can both call it cheaply.
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "dist", "page.js");
const stamp = join(here, "dist", ".inputs");

export async function build({ quiet = false } = {}) {
  const inputs = ["page.mjs", "build.mjs", "package-lock.json"];
  const hash = createHash("sha256");
  for (const name of inputs) {
    hash.update(name).update("\0").update(readFileSync(join(here, name))).update("\0");
  }
  const digest = hash.digest("hex");
  if (existsSync(out) && existsSync(stamp) && readFileSync(stamp, "utf8") === digest) {
    return out;
  }

  const esbuild = await import("esbuild");
  mkdirSync(dirname(out), { recursive: true });
  await esbuild.build({
    entryPoints: [join(here, "page.mjs")],
    outfile: out,
    bundle: true,
    // The SDK's package.json "browser" fields swap in the fetch handler, browser crypto and config.
    platform: "browser",
    format: "esm",
    target: "es2022",
    logLevel: quiet ? "error" : "warning",
  });
  writeFileSync(stamp, digest);
  if (!quiet) {
    console.error(`browser: built ${out}`);
  }
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await build();
}
