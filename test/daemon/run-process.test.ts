import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { test } from "node:test";
import { parseCommand } from "../../src/daemon/command.ts";
import { runProcess } from "../../src/daemon/run-process.ts";

test("exit status and stderr are reported", async () => {
  const ok = await runProcess(parseCommand("true"), { timeoutMs: 5000 });
  assert.equal(ok.ok, true);
  const bad = await runProcess(parseCommand("echo broken >&2; exit 3"), { timeoutMs: 5000 });
  assert.deepEqual([bad.ok, bad.exitCode, bad.stderrTail], [false, 3, "broken"]);
  const missing = await runProcess(parseCommand("/nonexistent/check"), { timeoutMs: 5000 });
  assert.equal(missing.ok, false);
  assert.match(missing.spawnError ?? "", /ENOENT/);
});

test("a hung script is killed with its whole process group at the timeout", async () => {
  const marker = `vrrpd-hang-${process.pid}-${Date.now()}`;
  // The shell starts a grandchild (carrying the marker in its argv) that would outlive a plain kill of the shell.
  const result = await runProcess(parseCommand(`sh -c "sleep 30; echo ${marker}" & sleep 31`), { timeoutMs: 300 });
  assert.equal(result.timedOut, true);
  assert.equal(result.ok, false);
  assert.ok(result.durationMs < 3000, `returned after ${result.durationMs} ms`);
  await new Promise((r) => setTimeout(r, 100));
  assert.ok(!execFileSync("ps", ["-eo", "args"], { encoding: "utf8" }).includes(marker), "the grandchild was left running");
});
