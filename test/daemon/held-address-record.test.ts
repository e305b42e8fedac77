// The list of held addresses a respawn's wrapper removes after a crash (src/daemon/held-address-record.ts): written
// when the runtime takes the VIP, gone once it has released it, left as it is by a hand-off, never listing an
// instance with virtual routes (the wrapper cannot remove routes), and a failed write said once, not thrown.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { HeldAddressRecord } from "../../src/daemon/held-address-record.ts";
import { createLogger } from "../../src/daemon/log.ts";
import { handoffRecordPath, heldAddressesPath } from "../../src/daemon/paths.ts";
import { Runtime, type RuntimeConfig } from "../../src/daemon/runtime.ts";
import { instanceDefaults, type InstanceConfig } from "../../src/vrrp/model.ts";
import { FakeDataPlane, FakeLan } from "./fake-data-plane.ts";

const VIP = "198.51.100.1";
const dir = mkdtempSync(join(tmpdir(), "vrrpd-held-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const quiet = createLogger("error", () => undefined);
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

function config(extra: Partial<InstanceConfig> = {}): RuntimeConfig {
  const instance = instanceDefaults({ name: "lan", interface: "eth0", vrid: 51, version: 3, advertIntervalMs: 20, priority: 200, virtualAddresses: [{ address: VIP, prefixLength: 24 }], ...extra });
  return { core: { instances: [instance], syncGroups: [] }, trackScripts: [], notify: {}, notifyTimeoutMs: 2000 };
}

/** A runtime alone on the fake LAN (it becomes master), with a record at a fresh path. */
function master(name: string, extra: Partial<InstanceConfig> = {}) {
  const path = join(dir, `${name}.held-addresses`);
  const runtime = new Runtime(config(extra), new FakeDataPlane(new FakeLan(), "eth0", "192.0.2.1"), quiet);
  const record = new HeldAddressRecord(path, "/etc/config/vrrp", quiet);
  runtime.addressListeners.push((change) => record.apply(change));
  record.reset();
  return { path, runtime, record };
}

async function until(what: string, check: () => boolean): Promise<void> {
  for (let i = 0; i < 300 && !check(); i++) await wait(10);
  assert.ok(check(), `timed out waiting for ${what}`);
}

test("named after the control socket, so two daemons sharing a directory never share it", () => {
  assert.equal(heldAddressesPath("/run/vrrpd/control.sock"), "/run/vrrpd/control.held-addresses");
  assert.equal(heldAddressesPath("/tmp/lab/r1.sock"), "/tmp/lab/r1.held-addresses");
  assert.equal(heldAddressesPath("/run/x/api"), "/run/x/api.held-addresses");
  // The hand-off record the wrapper checks is named the same way: one per daemon, not one per directory.
  assert.equal(handoffRecordPath("/run/vrrpd/control.sock"), "/run/vrrpd/control.handoff.json");
});

test("a master's VIP is listed under the configuration's name; a graceful stop removes the file", async () => {
  const { path, runtime, record } = master("stop");
  await runtime.start();
  await until("the record", () => existsSync(path));
  assert.equal(readFileSync(path, "utf8"), `vrrpd-held-addresses/1 /etc/config/vrrp\neth0 ${VIP}/24\n`);
  await runtime.stop();
  record.flush();
  assert.ok(!existsSync(path), "nothing held, nothing listed");
});

test("a hand-off keeps the list: the successor's wrapper leaves those addresses because its handoff.json exists", async () => {
  const { path, runtime, record } = master("handoff");
  await runtime.start();
  await until("the record", () => existsSync(path));
  await runtime.handOff();
  record.flush();
  assert.match(readFileSync(path, "utf8"), new RegExp(`^eth0 ${VIP.replaceAll(".", "\\.")}/24$`, "m"));
  record.reset();
  assert.ok(!existsSync(path), "the next daemon starts its own list");
});

test("an address on another device is listed on that device; an instance with virtual routes is not listed", async () => {
  const other = master("device", { virtualAddresses: [{ address: VIP, prefixLength: 24, device: "eth1" }] });
  await other.runtime.start();
  await until("the record", () => existsSync(other.path));
  assert.match(readFileSync(other.path, "utf8"), new RegExp(`^eth1 ${VIP.replaceAll(".", "\\.")}/24$`, "m"));
  await other.runtime.stop();

  const routed = master("routes", { virtualRoutes: [{ destination: "203.0.113.0/24", gateway: "198.51.100.254" }] });
  await routed.runtime.start();
  await until("master", () => routed.runtime.status().instances[0]?.state === "master");
  await wait(50);
  assert.ok(!existsSync(routed.path), "the daemon removes routed instances' stale state itself");
  await routed.runtime.stop();
});

test("a write that fails is logged once and does not stop the daemon", async () => {
  const lines: string[] = [];
  const record = new HeldAddressRecord(join(dir, "missing-dir", "x.held-addresses"), "/etc/config/vrrp", createLogger("info", (l) => lines.push(l)));
  const change = { held: true, device: "eth0", addresses: [{ address: VIP, prefixLength: 24 }], routes: [] };
  record.apply(change);
  record.flush();
  record.apply({ ...change, addresses: [{ address: "198.51.100.2", prefixLength: 24 }] });
  record.flush();
  assert.equal(lines.length, 1, lines.join("\n"));
  assert.match(lines[0] ?? "", /^warning: cannot write .*x\.held-addresses .*removes the stale addresses itself/);
});
