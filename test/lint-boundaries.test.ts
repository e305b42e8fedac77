// The architecture is enforced by lint (eslint.config.js). These tests prove the rules still bite, so a
// config change cannot silently let the protocol core read a clock or import the kernel layer.
import assert from "node:assert/strict";
import { test } from "node:test";
import { ESLint } from "eslint";

const eslint = new ESLint({ cwd: process.cwd() });

async function problems(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path });
  return (result?.messages ?? []).map((m) => `${m.ruleId}: ${m.message}`);
}

test("src/vrrp may not use node:*, clocks, timers, randomness, async or other layers", async () => {
  const found = await problems(
    "src/vrrp/probe.ts",
    [
      'import { readFileSync } from "node:fs";',
      'import { socket } from "../platform/linux/socket.ts";',
      "export async function f(): Promise<number> { return Date.now() + Math.random() + readFileSync.length + socket; }",
      "setTimeout(() => 1, 1);",
    ].join("\n"),
  );
  for (const rule of ["node:fs", "src/platform", "no async", "Date.now", "Math.random", "setTimeout"]) {
    assert.ok(found.some((p) => p.includes(rule)), `expected a problem about ${rule}, got:\n${found.join("\n")}`);
  }
});

test("src/config stays pure and src/platform may not reach the protocol core", async () => {
  assert.ok((await problems("src/config/probe.ts", 'import { x } from "node:fs";\nexport const y = x;')).some((p) => p.includes("no-restricted-imports")));
  assert.ok((await problems("src/platform/linux/probe.ts", 'import { Engine } from "../../vrrp/engine.ts";\nexport const y = Engine;')).some((p) => p.includes("src/vrrp")));
  assert.ok((await problems("src/ubus/probe.ts", 'import { Engine } from "../daemon/main.ts";\nexport const y = Engine;')).some((p) => p.includes("src/daemon")));
});

test("clean core code passes", async () => {
  assert.deepEqual(await problems("src/vrrp/probe.ts", 'import { ok } from "../lib/result.ts";\nexport const y = ok(1);'), []);
});
