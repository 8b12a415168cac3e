// Drives headless Chromium over the DevTools protocol (--remote-debugging-pipe, no npm driver) to load
// index.html from a static server on its own loopback port, which calls Rivulet ($RIVULET_ENDPOINT)
// cross-origin through the browser build of @aws-sdk/client-kinesis v3. Asserts the page's checks
// and, from the browser's own network log, that CORS preflights happened, were allowed, and that no
// request was blocked. Last line: `N passed, N failed`; exit status 1 on any failure.
import { spawn } from "node:child_process";
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { build } from "./build.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const PAGE_TIMEOUT_MS = Number(process.env.RIVULET_BROWSER_PAGE_TIMEOUT_MS ?? 45_000);
const CDP_TIMEOUT_MS = 15_000;

const results = [];
function check(name, ok, detail) {
  results.push({ name, ok: Boolean(ok) });
  console.log(`${ok ? "ok  " : "FAIL"} ${name}${ok || detail === undefined ? "" : `\n       ${detail}`}`);
}

function finish() {
  const failed = results.filter((result) => !result.ok).length;
  const passed = results.length - failed;
  console.log(`${passed} passed, ${failed === 0 && passed === 0 ? 1 : failed} failed`);
  process.exitCode = failed === 0 && passed > 0 ? 0 : 1;
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Serves index.html and dist/ on a free loopback port: the page's origin, never Rivulet's. */
function startStaticServer() {
  const files = new Map([
    ["/index.html", { path: join(here, "index.html"), type: "text/html; charset=utf-8" }],
    ["/dist/page.js", { path: join(here, "dist", "page.js"), type: "text/javascript; charset=utf-8" }],
  ]);
  const server = createServer((request, response) => {
    const file = files.get(new URL(request.url, "http://page").pathname);
    if (request.method !== "GET" || file === undefined) {
      response.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    response.writeHead(200, { "content-type": file.type, "cache-control": "no-store" }).end(readFileSync(file.path));
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve(server));
  });
}

/** A DevTools protocol connection over the pipe Chromium reads on fd 3 and writes on fd 4. */
class Cdp {
  #nextId = 1;
  #pending = new Map();
  #listeners = [];
  #buffer = "";

  constructor(toBrowser, fromBrowser) {
    this.toBrowser = toBrowser;
    // A browser that died closes the pipe; the pending calls fail, which is reported, not thrown.
    toBrowser.on("error", () => {});
    fromBrowser.on("error", () => {});
    fromBrowser.setEncoding("utf8");
    fromBrowser.on("data", (chunk) => {
      this.#buffer += chunk;
      let end;
      while ((end = this.#buffer.indexOf("\0")) !== -1) {
        const message = JSON.parse(this.#buffer.slice(0, end));
        this.#buffer = this.#buffer.slice(end + 1);
        this.#dispatch(message);
      }
    });
    fromBrowser.on("close", () => {
      for (const { reject } of this.#pending.values()) {
        reject(new Error("the browser closed the DevTools pipe"));
      }
      this.#pending.clear();
    });
  }

  #dispatch(message) {
    if (message.id !== undefined) {
      const pending = this.#pending.get(message.id);
      this.#pending.delete(message.id);
      if (message.error) {
        pending?.reject(new Error(`${pending.method}: ${message.error.message}`));
      } else {
        pending?.resolve(message.result);
      }
      return;
    }
    for (const listener of this.#listeners) {
      listener(message);
    }
  }

  onEvent(listener) {
    this.#listeners.push(listener);
  }

  send(method, params = {}, sessionId = undefined) {
    if (this.toBrowser.destroyed || !this.toBrowser.writable) {
      return Promise.reject(new Error(`${method}: the DevTools pipe is closed`));
    }
    const id = this.#nextId++;
    const answer = new Promise((resolve, reject) => this.#pending.set(id, { resolve, reject, method }));
    this.toBrowser.write(`${JSON.stringify({ id, method, params, sessionId })}\0`);
    return withTimeout(answer, CDP_TIMEOUT_MS, method);
  }
}

function startChromium(executable, userDataDir) {
  const args = [
    "--headless",
    "--no-sandbox", // runs as root here
    "--disable-gpu",
    "--disable-dev-shm-usage",
    // No connections of Chromium's own: the network is closed, and the only traffic is the page's.
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-features=Translate,MediaRouter,OptimizationHints",
    "--metrics-recording-only",
    "--password-store=basic",
    "--use-mock-keychain",
    `--user-data-dir=${userDataDir}`,
    "--remote-debugging-pipe",
    "about:blank",
  ];
  // stdio 3 and 4 are the DevTools pipe: Chromium reads commands on 3 and writes answers on 4.
  const child = spawn(executable, args, { stdio: ["ignore", "ignore", "pipe", "pipe", "pipe"], detached: true });
  let stderr = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk) => {
    stderr = (stderr + chunk).slice(-8000);
  });
  return { child, cdp: new Cdp(child.stdio[3], child.stdio[4]), stderr: () => stderr };
}

function killChromium(child) {
  if (child.exitCode === null && child.signalCode === null) {
    try {
      process.kill(-child.pid, "SIGKILL"); // the whole group: renderer, GPU and utility processes too
    } catch {
      child.kill("SIGKILL");
    }
  }
}

async function main() {
  const endpoint = (process.env.RIVULET_ENDPOINT ?? "").trim().replace(/\/$/, "");
  if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(endpoint)) {
    check("RIVULET_ENDPOINT is http://127.0.0.1:<port>", false, `got '${endpoint}'`);
    return;
  }
  const executable = process.env.RIVULET_CHROMIUM || "/usr/bin/chromium";
  try {
    accessSync(executable, constants.X_OK);
  } catch {
    check(`chromium is installed at ${executable}`, false, "tests/clients/setup.sh installs Debian's chromium");
    return;
  }

  await build({ quiet: true });
  const server = await startStaticServer();
  const pageOrigin = `http://127.0.0.1:${server.address().port}`;
  const userDataDir = mkdtempSync(join(tmpdir(), "rivulet-chromium-"));
  const browser = startChromium(executable, userDataDir);
  // run-browser.sh kills this process group on its way out too, should this process be killed first.
  if (process.env.RIVULET_BROWSER_PIDFILE && browser.child.pid !== undefined) {
    writeFileSync(process.env.RIVULET_BROWSER_PIDFILE, `${browser.child.pid}\n`);
  }
  const exited = new Promise((resolve) => browser.child.once("exit", resolve));
  const spawnError = new Promise((_, reject) => browser.child.once("error", reject));
  const cleanup = () => {
    killChromium(browser.child);
    rmSync(userDataDir, { recursive: true, force: true });
  };
  process.once("exit", cleanup);
  for (const signal of ["SIGINT", "SIGTERM"]) {
    process.once(signal, () => {
      cleanup();
      process.exit(130);
    });
  }

  // Everything the browser's network stack reports for Rivulet's origin, by request id.
  const requests = new Map();
  const problems = [];
  const consoleErrors = [];
  const wireHeaders = new Map();
  const failed = new Set();
  const rivulet = (url) => typeof url === "string" && url.startsWith(`${endpoint}/`);
  const entry = (requestId) => {
    if (!requests.has(requestId)) {
      requests.set(requestId, { requestId });
    }
    return requests.get(requestId);
  };
  browser.cdp.onEvent(({ method, params }) => {
    switch (method) {
      case "Network.requestWillBeSent":
        if (rivulet(params.request.url)) {
          Object.assign(entry(params.requestId), { method: params.request.method, type: params.type, url: params.request.url, requestHeaders: params.request.headers });
        }
        break;
      case "Network.requestWillBeSentExtraInfo":
        // The headers as sent, with those the network stack adds (Origin among them).
        wireHeaders.set(params.requestId, params.headers);
        break;
      case "Network.responseReceived":
        if (rivulet(params.response.url)) {
          Object.assign(entry(params.requestId), { status: params.response.status, headers: params.response.headers, type: params.type });
        }
        break;
      case "Network.loadingFailed":
        failed.add(params.requestId);
        problems.push(`${params.type} ${requests.get(params.requestId)?.url ?? params.requestId}: ${params.errorText}${params.corsErrorStatus ? ` (CORS ${JSON.stringify(params.corsErrorStatus)})` : ""}${params.blockedReason ? ` (blocked: ${params.blockedReason})` : ""}`);
        break;
      case "Log.entryAdded":
        if (params.entry.level === "error") {
          consoleErrors.push(`${params.entry.source}: ${params.entry.text}`);
        }
        break;
      case "Runtime.consoleAPICalled":
        if (params.type === "error" || params.type === "assert") {
          consoleErrors.push(`console.${params.type}: ${params.args.map((arg) => arg.value ?? arg.description).join(" ")}`);
        }
        break;
      case "Runtime.exceptionThrown":
        consoleErrors.push(`uncaught: ${params.exceptionDetails.exception?.description ?? params.exceptionDetails.text}`);
        break;
      case "Audits.issueAdded":
        if (params.issue.code === "CorsIssue") {
          problems.push(`CORS issue: ${JSON.stringify(params.issue.details.corsIssueDetails)}`);
        }
        break;
      default:
        break;
    }
  });

  let report;
  try {
    const version = await Promise.race([browser.cdp.send("Browser.getVersion"), spawnError, exited.then(() => { throw new Error("chromium exited at start"); })]);
    console.log(`browser: ${version.product}; page ${pageOrigin}; Rivulet ${endpoint}`);

    const { targetId } = await browser.cdp.send("Target.createTarget", { url: "about:blank" });
    const { sessionId } = await browser.cdp.send("Target.attachToTarget", { targetId, flatten: true });
    for (const domain of ["Network", "Runtime", "Log", "Page", "Audits"]) {
      await browser.cdp.send(`${domain}.enable`, {}, sessionId);
    }
    const url = `${pageOrigin}/index.html?endpoint=${encodeURIComponent(endpoint)}`;
    const navigated = await browser.cdp.send("Page.navigate", { url }, sessionId);
    if (navigated.errorText) {
      throw new Error(`navigating to ${url}: ${navigated.errorText}`);
    }

    const deadline = Date.now() + PAGE_TIMEOUT_MS;
    while (report === undefined) {
      // A call that lands while the new document replaces about:blank fails; the next one is asked.
      const result = await browser.cdp
        .send(
          "Runtime.evaluate",
          { expression: "document.title === 'done' ? document.getElementById('results').textContent : ''", returnByValue: true },
          sessionId,
        )
        .then((answer) => answer.result, () => ({}));
      if (result.value) {
        report = JSON.parse(result.value);
      } else if (Date.now() > deadline) {
        throw new Error(`the page did not finish within ${PAGE_TIMEOUT_MS} ms`);
      } else {
        await sleep(100);
      }
    }
    // The browser process reports network events on its own schedule, which may trail the page's
    // view: wait until every request to Rivulet has its answer (or failure) and its sent headers.
    const settled = () =>
      [...requests.values()].every((request) => failed.has(request.requestId) || (request.status !== undefined && wireHeaders.has(request.requestId)));
    for (const stop = Date.now() + 5_000; !settled() && Date.now() < stop; ) {
      await sleep(50);
    }
    await browser.cdp.send("Browser.close").catch(() => {});
    await withTimeout(exited, 5_000, "chromium exit").catch(() => {});
  } catch (error) {
    check("the page ran to the end", false, `${error.message}\n       chromium stderr: ${browser.stderr().trim().split("\n").slice(-5).join("\n       ")}`);
  } finally {
    cleanup();
    server.close();
  }
  if (report === undefined) {
    return;
  }

  console.log(`page: ${report.userAgent}`);
  for (const pageCheck of report.checks) {
    check(`page: ${pageCheck.name}`, pageCheck.ok, pageCheck.detail);
  }

  const seen = [...requests.values()];
  const preflights = seen.filter((request) => request.method === "OPTIONS");
  const posts = seen.filter((request) => request.method === "POST");
  for (const preflight of preflights) {
    console.log(`preflight: ${preflight.type} OPTIONS -> ${preflight.status}; asked for ${header(preflight.requestHeaders, "access-control-request-method")} with ${header(preflight.requestHeaders, "access-control-request-headers")}; allowed ${header(preflight.headers, "access-control-allow-headers")}`);
  }
  check(
    "the browser sent a CORS preflight (OPTIONS) to Rivulet for its calls",
    preflights.length >= 1,
    `requests seen: ${seen.map((request) => `${request.method} ${request.type} ${request.status}`).join(", ")}`,
  );
  check(
    "every preflight was allowed (200 with Access-Control-Allow-Origin)",
    preflights.length >= 1 && preflights.every((request) => request.status === 200 && header(request.headers, "access-control-allow-origin") === "*"),
    JSON.stringify(preflights),
  );
  // CreateStream, the waiter's DescribeStream (at least one), DescribeStreamSummary, PutRecord, PutRecords,
  // ListShards, GetShardIterator and GetRecords for each of 2 shards, the typed error, DeleteStream.
  const expectedCalls = 12;
  check(
    `every call reached Rivulet and was answered (${posts.length} POSTs)`,
    posts.length >= expectedCalls && posts.every((request) => request.status === 200 || request.status === 400),
    posts.map((request) => `${request.status}`).join(","),
  );
  check(
    `every call was a CORS request from the page's origin (Origin: ${pageOrigin})`,
    posts.length > 0 && posts.every((request) => header(wireHeaders.get(request.requestId), "origin") === pageOrigin),
    posts.map((request) => header(wireHeaders.get(request.requestId), "origin")).join(", "),
  );
  check("no request failed or was blocked", problems.length === 0, problems.join("\n       "));
  // A 4xx answer is logged by Chromium as "Failed to load resource"; it is the expected typed error.
  const unexpected = consoleErrors.filter((text) => !/the server responded with a status of 400/.test(text));
  check("no console errors (CORS or otherwise)", unexpected.length === 0, unexpected.join("\n       "));

  // The SDK's $metadata.requestId must be the x-amzn-RequestId the server sent on that very answer.
  const answeredIds = new Set(posts.map((request) => header(request.headers, "x-amzn-requestid")).filter(Boolean));
  for (const [operation, requestId] of Object.entries(report.requestIds)) {
    check(`${operation}: the SDK's requestId is the server's x-amzn-RequestId`, requestId !== undefined && answeredIds.has(requestId), `${requestId} not in ${[...answeredIds].join(", ")}`);
  }
  check("the page reported request ids for CreateStream, PutRecord and the typed error", Object.keys(report.requestIds).length === 3, JSON.stringify(report.requestIds));
}

function header(headers, name) {
  if (headers === undefined) {
    return undefined;
  }
  const key = Object.keys(headers).find((candidate) => candidate.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}

await main().catch((error) => check("the driver", false, error.stack));
finish();
