// The record a handing-off daemon leaves its successor: resumed only when fresh and unchanged, read once.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { handedOff, takeHandoffRecord, writeHandoffRecord, type HandoffRecord } from "../../src/daemon/handoff-record.ts";
import { simInstance } from "../sim/topology.ts";

const dir = mkdtempSync(join(tmpdir(), "vrrpd-handoff-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const path = join(dir, "handoff.json");
const lan = simInstance({ vrid: 1, version: 3, advertIntervalMs: 1000, priority: 200 });
const wan = simInstance({ vrid: 2, version: 3, advertIntervalMs: 100, priority: 200 });
const record = (at: number, instances = [lan, wan]): HandoffRecord => ({ format: "vrrpd-handoff/1", lastAdvertMonotonicMs: at, instances: instances.map(handedOff) });

test("a fresh record resumes each instance whose limit (3 advert intervals) has not passed; the file is gone after", () => {
  writeHandoffRecord(path, record(10_000));
  assert.equal(statSync(path).mode & 0o777, 0o600);
  const decision = takeHandoffRecord(path, [lan, wan], 10_400);
  assert.deepEqual([...decision.resume], [lan.name], "400 ms: within 3 s for lan, past 300 ms for wan");
  assert.match(decision.refused.join("\n"), /vr2-v4: not resumed as master: handed off 400 ms ago, a backup may have taken over \(limit 300 ms\)/);
  assert.equal(existsSync(path), false, "read once");
  assert.deepEqual(takeHandoffRecord(path, [lan, wan], 10_500), { resume: new Set(), refused: [] }, "no file: the usual start");
});

test("a changed or removed instance is not resumed", () => {
  writeHandoffRecord(path, record(10_000));
  const moved = { ...lan, virtualAddresses: [{ address: "198.51.100.99", prefixLength: 24 }] };
  const decision = takeHandoffRecord(path, [moved], 10_010);
  assert.deepEqual([...decision.resume], []);
  assert.deepEqual(decision.refused, ["vr1-v4: not resumed as master: its configuration changed", "vr2-v4: not resumed as master: no longer configured"]);
});

test("a record from the future (clock restarted: a reboot) or a garbled file resumes nothing, and says why", () => {
  writeHandoffRecord(path, record(99_000));
  assert.deepEqual([...takeHandoffRecord(path, [lan], 1_000).resume], []);
  writeFileSync(path, "{not json");
  const garbled = takeHandoffRecord(path, [lan], 1_000);
  assert.deepEqual([...garbled.resume], []);
  assert.match(garbled.refused[0] ?? "", /handoff\.json: not JSON/);
});
