// The API methods over a real Runtime (two routers on the in-memory LAN): every method, every argument error,
// and every reply held against the JSON contract (api-contract.ts), which also generates docs/ubus-api.md.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import type { ApiReply } from "../../src/daemon/api.ts";
import { API_ERRORS, METHODS, METHOD_NAMES, errorSchema, stateEventSchema } from "../../src/daemon/api-contract.ts";
import { statusSchema } from "../../src/daemon/api-contract-status.ts";
import { checkArgs, conform } from "../../src/daemon/api-schema.ts";
import { stateEventData } from "../../src/daemon/ubus-object.ts";
import { renderUbusDocs } from "../../scripts/gen-ubus-docs.ts";
import { SAMPLE_EVENT, SAMPLE_STATUS } from "../../scripts/ubus-docs-samples.ts";
import { FakeLan } from "./fake-data-plane.ts";
import { EPOCH_BASE_MS, lanInstances, startTestDaemon, until, wait, type TestDaemon } from "./api-fixture.ts";

type Ok = Extract<ApiReply, { status: "ok" }>;
function ok(r: ApiReply, method: keyof typeof METHODS): Ok["data"] {
  assert.equal(r.status, "ok", JSON.stringify(r));
  const data = (r as Ok).data;
  assert.deepEqual(conform(METHODS[method].reply, data), [], `${method} reply departs from the contract`);
  return data;
}
function failed(r: ApiReply, status: string, field?: string, message?: RegExp): void {
  assert.equal(r.status, status, JSON.stringify(r));
  if (r.status === "ok") return;
  assert.ok(Object.hasOwn(API_ERRORS, r.status));
  if (field !== undefined) assert.equal(r.field, field, JSON.stringify(r));
  if (message) assert.match(r.message, message);
}
const instancesOf = (data: Ok["data"]): Record<string, Record<string, unknown>> => data["instances"] as Record<string, Record<string, unknown>>;

describe("VrrpApi over a real Runtime", () => {
  let a: TestDaemon;
  let b: TestDaemon;
  before(async () => {
    const lan = new FakeLan();
    const tracks = [
      { id: "interface:eth0", weight: -20, reverse: false },
      { id: "interface:eth9", weight: -30, reverse: false }, // never seen: unknown, no effect
    ];
    a = await startTestDaemon({
      lan,
      instances: lanInstances(2, 200, { tracks }),
      syncGroups: [{ name: "g", members: ["lan0", "lan1"] }],
      trackScripts: [{ name: "chk", script: "true", intervalMs: 60_000, timeoutMs: 1000, rise: 1, fall: 1, initFail: false }],
      logical: { lan0: "lan" },
    });
    b = await startTestDaemon({ lan, address: "192.0.2.2", instances: lanInstances(2, 100), syncGroups: [{ name: "g", members: ["lan0", "lan1"] }] });
    const state = (d: TestDaemon, n: string): string | undefined => d.runtime.status().instances.find((i) => i.name === n)?.state;
    const heard = (n: string): boolean => b.runtime.status().instances.find((i) => i.name === n)?.masterAddress === "192.0.2.1";
    await until("a master, b backup", () => state(a, "lan0") === "master" && state(a, "lan1") === "master" && heard("lan0") && heard("lan1"));
  });
  after(async () => {
    await a.stop();
    await b.stop();
  });

  it("status: the whole daemon, conforming to the contract", async () => {
    const data = ok(await a.api.call("status", {}), "status");
    assert.equal(data["version"], "0.1.0-test");
    assert.equal(data["pid"], 4242);
    const lan0 = instancesOf(data)["lan0"] ?? {};
    assert.equal(lan0["state"], "master");
    assert.equal(lan0["device"], "eth0");
    assert.equal(lan0["interface"], "lan");
    assert.equal(instancesOf(data)["lan1"]?.["interface"], null);
    assert.deepEqual(lan0["virtual_ipaddress"], ["198.51.100.1/24"]);
    assert.equal(lan0["master_address"], "192.0.2.1");
    assert.equal(lan0["sync_group"], "g");
    assert.deepEqual(data["sync_groups"], { g: { state: "master", members: ["lan0", "lan1"] } });
    assert.deepEqual(Object.keys(data["track_scripts"] as object), ["chk"]);
    const tracked = lan0["tracked"] as Record<string, unknown>[];
    assert.deepEqual(tracked.map((t) => [t["type"], t["name"], t["state"], t["delta"]]), [["interface", "eth0", "up", 0], ["interface", "eth9", "down", -30]], "eth9 does not exist: down (issue #11 defect 6)");
    // Times: epoch seconds derived from the injected wall clock and the monotonic transition time.
    const t = lan0["last_transition"] as Record<string, number>;
    assert.equal(t["to"], "master");
    assert.ok(Math.abs((t["at"] ?? 0) - (Number(data["time"]) - (t["age"] ?? 0))) <= 1);
    assert.ok(Number(data["started_at"]) >= Math.floor(EPOCH_BASE_MS / 1000));
    assert.equal((data["config"] as Record<string, unknown>)["last_reload_error"], null);
  });

  it("status {instance}: only that instance, its group and its scripts; errors name the field", async () => {
    const data = ok(await b.api.call("status", { instance: "lan1" }), "status");
    assert.deepEqual(Object.keys(instancesOf(data)), ["lan1"]);
    assert.equal(instancesOf(data)["lan1"]?.["state"], "backup");
    assert.equal(instancesOf(data)["lan1"]?.["master_address"], "192.0.2.1");
    assert.deepEqual(Object.keys(data["sync_groups"] as object), ["g"]);
    failed(await a.api.call("status", { instance: "nope" }), "not_found", "instance", /no instance named "nope"/);
    failed(await a.api.call("status", { instance: 5 }), "invalid_argument", "instance", /expected string, got 5/);
    failed(await a.api.call("status", { instanse: "lan0" }), "invalid_argument", "instanse", /unknown argument "instanse"/);
    failed(await a.api.call("status", ["lan0"]), "invalid_argument", "", /must be a JSON object/);
    failed(await a.api.call("status", "lan0"), "invalid_argument", "");
    failed(await a.api.call("nosuch", {}), "method_not_found", undefined, /no method "nosuch"/);
    failed(await a.api.call("toString", {}), "method_not_found");
  });

  it("set_priority: override, the adjusted effective priority, clear; bad values refused", async () => {
    let data = ok(await b.api.call("set_priority", { instance: "lan0", priority: 120 }), "set_priority");
    assert.deepEqual([data["priority"], data["priority_override"], data["effective_priority"]], [100, 120, 120]);
    const lan0 = instancesOf(ok(await b.api.call("status", { instance: "lan0" }), "status"))["lan0"];
    assert.equal(lan0?.["priority_override"], 120);
    data = ok(await b.api.call("set_priority", { instance: "lan0", priority: null }), "set_priority");
    assert.deepEqual([data["priority_override"], data["effective_priority"]], [null, 100]);
    failed(await b.api.call("set_priority", { instance: "lan0", priority: 0 }), "invalid_argument", "priority", /expected integer 1\.\.255 or null, got 0/);
    failed(await b.api.call("set_priority", { instance: "lan0", priority: 256 }), "invalid_argument", "priority");
    failed(await b.api.call("set_priority", { instance: "lan0", priority: "high" }), "invalid_argument", "priority");
    failed(await b.api.call("set_priority", { instance: "lan0", priority: 1.5 }), "invalid_argument", "priority");
    failed(await b.api.call("set_priority", { instance: "lan0", priority: 5_000_000_000n }), "invalid_argument", "priority");
    failed(await b.api.call("set_priority", { instance: "lan0" }), "invalid_argument", "priority", /missing required argument "priority"/);
    failed(await b.api.call("set_priority", { priority: 50 }), "invalid_argument", "instance", /missing required argument "instance"/);
    failed(await b.api.call("set_priority", { instance: "x", priority: 50 }), "not_found", "instance");
  });

  it("switchover: the master hands over and holds off; a backup cannot; arguments checked", async () => {
    failed(await b.api.call("switchover", { instance: "lan0" }), "invalid_state", "instance", /not master/);
    failed(await a.api.call("switchover", { instance: "lan0", hold_off: -1 }), "invalid_argument", "hold_off");
    failed(await a.api.call("switchover", { instance: "lan0", hold_off: "soon" }), "invalid_argument", "hold_off");
    failed(await a.api.call("switchover", { instance: "lan0", hold_off: 86401 }), "invalid_argument", "hold_off");
    failed(await a.api.call("switchover", { instance: "zz" }), "not_found", "instance");
    const data = ok(await a.api.call("switchover", { instance: "lan0" }), "switchover");
    assert.deepEqual(data, { instance: "lan0", state: "backup", hold_off: 60 });
    const stateOf = (d: TestDaemon, n: string): string | undefined => d.runtime.status().instances.find((i) => i.name === n)?.state;
    // The sync group moves as a whole; the higher-priority A does not preempt back during the hold-off.
    await until("b master", () => stateOf(b, "lan0") === "master" && stateOf(b, "lan1") === "master");
    await wait(200);
    assert.equal(stateOf(a, "lan0"), "backup");
    // B hands back: its priority-0 advert makes A take over after Skew_Time, hold-off or not.
    ok(await b.api.call("switchover", { instance: "lan1", hold_off: 0 }), "switchover");
    await until("a master again", () => stateOf(a, "lan0") === "master" && stateOf(b, "lan0") === "backup");
  });

  it("reset_counters: all, one, unknown", async () => {
    assert.ok((a.runtime.status().instances[0]?.counters.advert_sent ?? 0) > 0);
    assert.deepEqual(ok(await a.api.call("reset_counters", {}), "reset_counters"), { instances: ["lan0", "lan1"] });
    assert.deepEqual(ok(await b.api.call("reset_counters", { instance: "lan1" }), "reset_counters"), { instances: ["lan1"] });
    assert.equal(b.runtime.status().instances.find((i) => i.name === "lan1")?.counters.advert_rcvd, 0);
    failed(await a.api.call("reset_counters", { instance: "nope" }), "not_found", "instance");
  });

  it("reload: success reports the config; failure keeps the old one and shows in status; concurrent calls join", async () => {
    const data = ok(await a.api.call("reload", {}), "reload");
    assert.equal((data["config"] as Record<string, unknown>)["warnings"], 1);
    failed(await a.api.call("reload", { force: true }), "invalid_argument", "force", /this method takes none/);
    a.failReload = "line 3: bad vrid";
    const [r1, r2] = await Promise.all([a.api.call("reload", {}), a.api.call("reload", {})]);
    failed(r1, "unknown_error", undefined, /previous configuration kept: line 3: bad vrid/);
    assert.deepEqual(r2, r1);
    const cfg = ok(await a.api.call("status", {}), "status")["config"] as Record<string, Record<string, unknown> | null>;
    assert.equal(cfg["last_reload_error"]?.["message"], "line 3: bad vrid");
    a.failReload = undefined;
    ok(await a.api.call("reload", {}), "reload");
    assert.equal((ok(await a.api.call("status", {}), "status")["config"] as Record<string, unknown>)["last_reload_error"], null);
  });

  it("state events convert to the contract's vrrp.state payload", () => {
    assert.ok(a.events.length > 0);
    for (const e of [...a.events, ...b.events]) assert.deepEqual(conform(stateEventSchema, stateEventData(e)), []);
  });
});

describe("the contract", () => {
  it("every method's example arguments pass its own validation", () => {
    for (const name of METHOD_NAMES) assert.ok(checkArgs(METHODS[name].args, METHODS[name].example).ok, name);
  });

  it("conform() finds missing, extra and mistyped fields", () => {
    const problems = conform(errorSchema, { error: "bogus", message: 3, extra: 1 }).join("\n");
    for (const p of [/\$\.error: expected "invalid_argument" \| .* got string "bogus"/, /\$\.extra: not in the contract/, /\$\.field: missing/, /\$\.message: expected string, got number 3/]) assert.match(problems, p);
    assert.deepEqual(conform(statusSchema, null), ["$: null where object is required"]);
  });

  it("the documented examples conform to it", () => {
    assert.deepEqual(conform(statusSchema, SAMPLE_STATUS), []);
    assert.deepEqual(conform(stateEventSchema, SAMPLE_EVENT), []);
  });

  it("docs/ubus-api.md is generated from it and up to date (run: node --import tsx scripts/gen-ubus-docs.ts)", () => {
    const onDisk = readFileSync(new URL("../../docs/ubus-api.md", import.meta.url), "utf8");
    assert.equal(onDisk, renderUbusDocs(), "docs/ubus-api.md is stale: regenerate it");
  });
});
