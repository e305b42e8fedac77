// `vrrpd status --json` through a pipe delivers every byte (issue #15: 379,867 bytes at 255 instances, of which
// a pipe got 65,536 with exit code 0, because process.exit() ran before the pipe had taken the rest).
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { startControlSocket, type ControlSocket } from "../../src/daemon/control-socket.ts";
import { lanInstances, quiet, startTestDaemon, type TestDaemon } from "./api-fixture.ts";

const dir = mkdtempSync(join(tmpdir(), "vrrpd-cli-pipe-"));
const socket = join(dir, "control.sock");
let daemon: TestDaemon;
let control: ControlSocket;

before(async () => {
  daemon = await startTestDaemon({ instances: lanInstances(255, 100, {}, 1000) });
  control = await startControlSocket(daemon.api, quiet, { path: socket });
});
after(async () => {
  await control.close();
  await daemon.stop();
  rmSync(dir, { recursive: true, force: true });
});

test("status --json through a pipe is complete, valid JSON, and the exit code is 0", async () => {
  // A real pipe (node's own child stdio is a socket pair, where writes block), read slowly, as `less` or `ssh`
  // would: the pipe fills, and the writer must not exit before the reader has had the rest.
  const cli = spawn("bash", ["-o", "pipefail", "-c", `"${process.execPath}" --import tsx src/daemon/main.ts status --json --control-socket "${socket}" | (sleep 0.5; cat)`], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const chunks: Buffer[] = [];
  cli.stdout.on("data", (c: Buffer) => chunks.push(c));
  let stderr = "";
  cli.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  const code = await new Promise<number | null>((resolve) => cli.on("close", resolve));
  const out = Buffer.concat(chunks);
  assert.equal(code, 0, stderr);
  assert.ok(out.length > 200_000, `${out.length} bytes: a large status`);
  const parsed = JSON.parse(out.toString("utf8")) as { instances: Record<string, unknown> };
  assert.equal(Object.keys(parsed.instances).length, 255);
});
