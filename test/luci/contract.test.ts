// The LuCI app against the daemon's ubus contract (src/daemon/api-contract*.ts): the object and method names
// and arguments the views call, the ACL (exactly what the views call: least privilege), the menu, and the
// daemon package's own ACL.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { API_ERRORS, METHODS, METHOD_NAMES, isMethodName } from "../../src/daemon/api-contract.ts";
import { STATES, statusSchema } from "../../src/daemon/api-contract-status.ts";
import { conform } from "../../src/daemon/api-schema.ts";
import { SAMPLE_STATUS } from "../../scripts/ubus-docs-samples.ts";
import { UBUS_OBJECT } from "../../scripts/gen-luci.ts";
import { RESOURCES, createLuciEnv } from "./luci-vm.ts";
import { routerConfig } from "./fixtures.ts";
import { FakeUci } from "./luci-vm.ts";

interface Acl {
  description: string;
  read: { ubus?: Record<string, string[]>; uci?: string[] };
  write: { ubus?: Record<string, string[]>; uci?: string[] };
}
interface MenuEntry {
  title: string;
  action: { type: string; path: string };
  depends?: { acl?: string[] };
}

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, "utf8")) as T;
const LUCI_ACL = readJson<Record<string, Acl>>("luci-app/root/usr/share/rpcd/acl.d/luci-app-vrrp.json");
const DAEMON_ACL = readJson<Record<string, Acl>>("files/usr/share/rpcd/acl.d/vrrpd.json");
const MENU = readJson<Record<string, MenuEntry>>("luci-app/root/usr/share/luci/menu.d/luci-app-vrrp.json");
const VIEWS = ["view/vrrp/status", "view/vrrp/wizard", "view/vrrp/instances", "view/status/include/70_vrrp"];

/** Every rpc.declare() of every view, by loading them as LuCI does. */
function declaredCalls(): { object: string; method: string; params?: string[] }[] {
  const env = createLuciEnv(new FakeUci(routerConfig()));
  for (const v of VIEWS) env.load(v);
  return env.record.rpc;
}

describe("the views call the daemon's ubus object as the contract defines it", () => {
  const calls = declaredCalls();

  test("object vrrp, as the daemon registers it and docs/ubus-api.md documents it", () => {
    assert.deepEqual([...new Set(calls.map((c) => c.object))], [UBUS_OBJECT]);
    assert.match(readFileSync("src/daemon/ubus-object.ts", "utf8"), new RegExp(`objectPath \\?\\? "${UBUS_OBJECT}"`));
    assert.match(readFileSync("docs/ubus-api.md", "utf8"), new RegExp(`ubus call ${UBUS_OBJECT} status`));
  });

  test("only methods of the contract, with its argument names, every required one passed", () => {
    for (const c of calls) {
      assert.ok(isMethodName(c.method), c.method);
      const args = METHODS[c.method as keyof typeof METHODS].args as Record<string, { required: boolean }>;
      for (const p of c.params ?? []) assert.ok(p in args, `${c.method}(${p})`);
      for (const [name, spec] of Object.entries(args)) if (spec.required) assert.ok(c.params?.includes(name), `${c.method} needs ${name}`);
    }
  });

  test("the status reply the views are tested with conforms to the contract", () => {
    assert.deepEqual(conform(statusSchema, SAMPLE_STATUS), []);
  });

  test("every state has a badge and every error code a text", () => {
    const Model = createLuciEnv().load("vrrp/status-model") as new () => { STATES: Record<string, unknown>; errorText(code: number): string };
    const model = new Model();
    for (const s of STATES) assert.ok(model.STATES[s], s);
    for (const [name, e] of Object.entries(API_ERRORS)) assert.doesNotMatch(model.errorText(e.ubus), /^error \d/, name);
  });
});

test("a tracked object in words: its state, or a track_file's value; the delta or the fault", () => {
  const Model = createLuciEnv().load("vrrp/status-model") as new () => { trackedText(t: Record<string, unknown>): string };
  const model = new Model();
  assert.equal(model.trackedText({ type: "script", name: "chk_uplink", state: "down", delta: -50, fault: false }), "script chk_uplink down: -50");
  assert.equal(model.trackedText({ type: "script", name: "load", state: "up", value: 6, delta: -60, fault: false }), "script load value 6: -60");
  assert.equal(model.trackedText({ type: "script", name: "load", state: "down", value: -254, delta: 0, fault: true }), "script load value -254: fault");
});

describe("ACL: what the views call, nothing more", () => {
  const acl = LUCI_ACL["luci-app-vrrp"];
  const used = [...new Set(declaredCalls().map((c) => c.method))].sort();

  test("read: the status and the three configs the pages read", () => {
    assert.deepEqual(acl?.read.ubus, { [UBUS_OBJECT]: ["status"] });
    assert.deepEqual(acl?.read.uci, ["vrrp", "dhcp", "network"]);
  });

  test("write: the calls that change something or act (test_mail sends a mail), and the two configs the pages write", () => {
    assert.deepEqual([...(acl?.write.ubus?.[UBUS_OBJECT] ?? [])].sort(), ["reload", "set_priority", "switchover", "test_mail"]);
    assert.deepEqual(acl?.write.uci, ["vrrp", "dhcp"]);
  });

  test("granted == used", () => {
    const granted = [...(acl?.read.ubus?.[UBUS_OBJECT] ?? []), ...(acl?.write.ubus?.[UBUS_OBJECT] ?? [])].sort();
    assert.deepEqual(granted, used);
  });

  test("the daemon package's ACL (for rpcd logins) covers every method: status to read, the rest to write", () => {
    const d = DAEMON_ACL["vrrpd"];
    assert.deepEqual(d?.read.ubus, { [UBUS_OBJECT]: ["status"] });
    assert.deepEqual([...(d?.write.ubus?.[UBUS_OBJECT] ?? [])].sort(), METHOD_NAMES.filter((m) => m !== "status").sort());
  });
});

describe("menu", () => {
  test("Services > VRRP (wizard, instances) and Status > VRRP, each a view that exists, gated by the ACL", () => {
    assert.deepEqual(Object.keys(MENU).sort(), ["admin/services/vrrp", "admin/services/vrrp/instances", "admin/services/vrrp/wizard", "admin/status/vrrp"]);
    for (const [path, entry] of Object.entries(MENU)) {
      if (entry.action.type === "view") assert.ok(existsSync(`${RESOURCES}/view/${entry.action.path}.js`), `${path} -> ${entry.action.path}`);
      else assert.ok(MENU[entry.action.path], `${path} aliases ${entry.action.path}`);
      for (const name of entry.depends?.acl ?? []) assert.ok(LUCI_ACL[name], `${path} depends on ACL ${name}`);
    }
    assert.deepEqual(MENU["admin/services/vrrp"]?.depends?.acl, ["luci-app-vrrp"]);
    assert.deepEqual(MENU["admin/status/vrrp"]?.depends?.acl, ["luci-app-vrrp"]);
  });
});
