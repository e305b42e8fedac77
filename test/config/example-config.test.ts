// The example shipped as /etc/config/vrrp must be valid: a user's first `reload` after enabling it must work.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { formatFinding } from "../../src/config/finding.ts";
import { parseUci } from "../../src/config/uci/parser.ts";
import { validateParsed } from "../../src/config/validate.ts";

const PATH = "files/etc/config/vrrp";

test("files/etc/config/vrrp validates with no finding, and ships disabled", () => {
  const r = validateParsed(parseUci({ path: PATH, text: readFileSync(PATH, "utf8") }));
  assert.deepEqual(r.findings.map(formatFinding), []);
  assert.equal(r.config?.globals.enabled, false);
  assert.ok((r.config?.core.instances.length ?? 0) > 0, "the example shows at least one instance");
});

test("the commented-out parts of the example are valid too once uncommented", () => {
  const text = readFileSync(PATH, "utf8").replace(/^# (config |\toption |\tlist )/gm, "$1").replace(/^#(\t)/gm, "$1").replace("option enabled '0'", "option enabled '1'");
  const r = validateParsed(parseUci({ path: PATH, text }));
  assert.deepEqual(r.findings.filter((f) => f.severity === "error").map(formatFinding), []);
  assert.deepEqual(r.config?.core.syncGroups.map((g) => g.members), [["lan", "lan6"]]);
});
