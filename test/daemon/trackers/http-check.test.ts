// track_script `type 'http'` against real HTTP(S) servers in the test process: status code, body digest
// (keepalived's genhash MD5), a server that never answers cut at the timeout, a refused connection, and an
// https server with a self-signed certificate accepted only with tls_verify '0'.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { createLogger } from "../../../src/daemon/log.ts";
import { TrackScripts } from "../../../src/daemon/track-scripts.ts";
import { runHttpCheck } from "../../../src/daemon/trackers/http-check.ts";

const BODY = "ok\n";
const BODY_MD5 = createHash("md5").update(BODY).digest("hex");
const never = new AbortController().signal;

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

describe("native http check", () => {
  let status = 200;
  const plain = createServer((req, res) => {
    if (req.url === "/hang") return; // accepts, never answers
    res.writeHead(status, { "content-type": "text/plain" });
    res.end(BODY);
  });
  const ready = listen(plain);
  after(() => close(plain));

  it("is up on the expected status, down on another, and says what it saw", async () => {
    const host = await ready;
    const check = { url: `http://${host}/health`, statusCode: 200, tlsVerify: true };
    status = 200;
    const up = await runHttpCheck(check, 2000, never);
    assert.deepEqual([up.ok, up.timedOut, up.stderrTail], [true, false, "HTTP 200"]);
    status = 503;
    const down = await runHttpCheck(check, 2000, never);
    assert.deepEqual([down.ok, down.stderrTail], [false, "HTTP 503, expected 200"]);
    status = 200;
  });

  it("checks the body's MD5 like keepalived's genhash", async () => {
    const host = await ready;
    assert.equal((await runHttpCheck({ url: `http://${host}/`, statusCode: 200, digest: BODY_MD5, tlsVerify: true }, 2000, never)).ok, true);
    const wrong = await runHttpCheck({ url: `http://${host}/`, statusCode: 200, digest: "0".repeat(32), tlsVerify: true }, 2000, never);
    assert.equal(wrong.ok, false);
    assert.match(wrong.stderrTail, new RegExp(`body digest ${BODY_MD5}`));
  });

  it("a server that never answers is cut at the timeout and counts as a failure", async () => {
    const host = await ready;
    const t0 = performance.now();
    const r = await runHttpCheck({ url: `http://${host}/hang`, statusCode: 200, tlsVerify: true }, 200, never);
    const elapsed = performance.now() - t0;
    assert.deepEqual([r.ok, r.timedOut], [false, true]);
    assert.ok(elapsed >= 190 && elapsed < 1000, `cut after ${elapsed.toFixed(0)} ms`);
  });

  it("a refused connection is a failure with the reason", async () => {
    const gone = createServer();
    const host = await listen(gone);
    await close(gone);
    const r = await runHttpCheck({ url: `http://${host}/`, statusCode: 200, tlsVerify: true }, 2000, never);
    assert.equal(r.ok, false);
    assert.match(r.stderrTail, /ECONNREFUSED/);
  });

  it("https: a self-signed certificate fails verification unless tls_verify is off", async (t) => {
    const dir = mkdtempSync(join(tmpdir(), "vrrpd-https-"));
    try {
      execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem"), "-days", "1", "-subj", "/CN=203.0.113.1"], { stdio: "ignore" });
    } catch {
      rmSync(dir, { recursive: true, force: true });
      return void t.skip("openssl is not installed");
    }
    const server = createHttpsServer({ key: readFileSync(join(dir, "key.pem")), cert: readFileSync(join(dir, "cert.pem")) }, (_req, res) => res.end(BODY));
    try {
      const host = await listen(server);
      const verified = await runHttpCheck({ url: `https://${host}/`, statusCode: 200, tlsVerify: true }, 2000, never);
      assert.equal(verified.ok, false);
      assert.match(verified.stderrTail, /self[- ]signed/i);
      const unverified = await runHttpCheck({ url: `https://${host}/`, statusCode: 200, digest: BODY_MD5, tlsVerify: false }, 2000, never);
      assert.equal(unverified.ok, true, unverified.stderrTail);
    } finally {
      await close(server);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("runs on the track_script schedule: rise/fall, state change callback, status with type and detail", async () => {
    const host = await ready;
    status = 200;
    const changes: string[] = [];
    const scripts = new TrackScripts(
      [{ name: "web", script: "", intervalMs: 30, timeoutMs: 200, rise: 2, fall: 2, initFail: false, http: { url: `http://${host}/`, statusCode: 200, tlsVerify: true } }],
      (name, state) => changes.push(`${name} ${state}`),
      createLogger("error", () => undefined),
    );
    scripts.start();
    try {
      const until = async (what: string, check: () => boolean): Promise<void> => {
        const deadline = performance.now() + 5000;
        while (!check()) {
          if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}; changes: ${changes.join(", ")}`);
          await new Promise((r) => setTimeout(r, 10));
        }
      };
      await until("up", () => changes.includes("web up"));
      status = 500;
      await until("down", () => changes.includes("web down"));
      const s = scripts.status()[0];
      assert.equal(s?.type, "http");
      assert.equal(s?.lastResult?.detail, "HTTP 500, expected 200");
      assert.ok((s?.failures ?? 0) >= 2);
    } finally {
      scripts.stop();
      status = 200;
    }
  });
});
