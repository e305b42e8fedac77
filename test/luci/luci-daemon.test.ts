// The LuCI views against the real daemon, through everything a router puts between them (issue #12, "LuCI cannot
// talk to the daemon"): the view's rpc.declare() calls as rpc.js makes them, uhttpd's JSON-RPC endpoint (which
// adds ubus_rpc_session to every call and asks rpcd's session ACL first), the in-test ubusd, and the daemon's
// `vrrp` object over a real Runtime. Logins: root, and LuCI users limited to the app's access group.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, beforeEach, describe, test } from "node:test";
import { VrrpUbusObject } from "../../src/daemon/ubus-object.ts";
import { UbusConnection } from "../../src/ubus/connection.ts";
import { ubusMaxMsglen } from "../../src/ubus/message.ts";
import { lanInstances, quiet, startTestDaemon, until, type TestDaemon } from "../daemon/api-fixture.ts";
import { createLuciEnv, findAll, text, type LuciEnv, type VNode } from "./luci-vm.ts";
import { ROOT_LOGIN } from "./rpcd-session.ts";
import { OPERATOR, OUTSIDER, VIEWER, startLuciStack, type LuciStack } from "./luci-stack.ts";

interface ViewDef {
  load(): Promise<unknown>;
  render(data?: unknown): Promise<unknown> | unknown;
  [k: string]: unknown;
}

const buttons = (node: unknown, label: string): VNode[] => findAll(node, (n) => n.tag === "button" && text(n).includes(label));
const click = (b: VNode | undefined): unknown => (b?.attrs["click"] as () => unknown)();
const instance = (page: unknown, name: string): VNode | undefined => findAll(page, (n) => n.attrs["data-instance"] === name)[0];

describe("LuCI → uhttpd → ubusd → vrrpd", () => {
  let dir: string;
  let stack: LuciStack;
  let daemon: TestDaemon;
  let bus: UbusConnection;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "vrrpd-luci-daemon-"));
    stack = await startLuciStack(dir);
    daemon = await startTestDaemon({ instances: lanInstances(1, 200), logical: { lan: "lan" } });
    bus = new UbusConnection({ socketPaths: [stack.socket], backoffInitialMs: 50 });
    new VrrpUbusObject(bus, daemon.api, quiet, { procdEvents: false });
    bus.start();
    assert.ok(await bus.whenReady(2000), "the daemon registered vrrp");
  });
  beforeEach(async () => {
    await until("lan master", () => daemon.runtime.status().instances[0]?.state === "master");
  });
  after(async () => {
    bus.stop();
    await daemon.stop();
    await stack.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A LuCI page session of `login`: the views' rpc goes to uhttpd with that login's session id. */
  async function luci(login = ROOT_LOGIN): Promise<LuciEnv> {
    const env = createLuciEnv();
    env.ubus = (body) => stack.uhttpd.post(body);
    env.sessionId = await stack.login(login);
    return env;
  }
  const statusPage = async (env: LuciEnv): Promise<{ v: ViewDef; page: unknown }> => {
    const v = Object.create(env.load("view/vrrp/status") as object) as ViewDef;
    return { v, page: await v.render(await v.load()) };
  };

  test("Status page: the daemon's live status, not 'vrrpd does not answer'", async () => {
    const { page } = await statusPage(await luci());
    assert.doesNotMatch(text(page), /does not answer/);
    assert.match(text(instance(page, "lan")), /MASTER/);
    assert.match(text(instance(page, "lan")), /198\.51\.100\.1\/24/);
  });

  test("Status > Overview: one row for lan", async () => {
    const env = await luci();
    const Widget = env.load("view/status/include/70_vrrp") as new () => ViewDef;
    const w = new Widget();
    const rows = findAll(await w.render(await w.load()), (n) => n.tag === "tr").map(text);
    assert.equal(rows.length, 2, rows.join("\n"));
    assert.match(rows[1] ?? "", /lan MASTER 198\.51\.100\.1\/24/);
  });

  test("Override priority, Switchover and Reload reach the daemon", async () => {
    const env = await luci();
    const { v, page } = await statusPage(env);
    click(buttons(instance(page, "lan"), "Override priority")[0]);
    const prio = env.record.modals.at(-1)?.content;
    (findAll(prio, (n) => n.tag === "input")[0] as VNode & { value?: string }).value = "210";
    await click(buttons(prio, "Set")[0]);
    assert.equal(daemon.runtime.status().instances[0]?.priorityOverride, 210);
    await click(buttons(prio, "Clear override")[0]);
    assert.equal(daemon.runtime.status().instances[0]?.priorityOverride, null);

    click(buttons(instance(page, "lan"), "Switchover")[0]);
    const modal = env.record.modals.at(-1)?.content;
    (findAll(modal, (n) => n.tag === "input")[0] as VNode & { value?: string }).value = "0";
    await click(buttons(modal, "Switch over")[0]);
    assert.match(env.record.notifications.at(-1)?.text ?? "", /lan: handing over/);
    assert.ok(daemon.events.some((e) => e.reason === "switchover"), "the daemon switched over");

    await click(buttons(v["root"], "Reload configuration")[0]);
    assert.match(env.record.notifications.at(-1)?.text ?? "", /Configuration reloaded/);
  });

  test("a refusal shows the daemon's own explanation", async () => {
    const env = await luci();
    const { page } = await statusPage(env);
    // The page still shows lan as master; by the time the user confirms, the daemon says it is not.
    await daemon.api.call("switchover", { instance: "lan", hold_off: 0 });
    click(buttons(instance(page, "lan"), "Switchover")[0]);
    await click(buttons(env.record.modals.at(-1)?.content, "Switch over")[0]);
    assert.match(env.record.notifications.at(-1)?.text ?? "", /Switchover refused: not possible in the current state: instance lan is backup, not master/);
  });

  describe("a LuCI user limited to the app's ACL (rpcd session.c semantics)", () => {
    const call = async (sid: string, method: string, args: Record<string, unknown> = {}): Promise<unknown> =>
      JSON.parse(await stack.uhttpd.post(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "call", params: [sid, "vrrp", method, args] }))) as unknown;
    const denied = { jsonrpc: "2.0", id: 1, error: { code: -32002, message: "Access denied" } };

    test("read grant only: status works; switchover, set_priority, reload and reset_counters are refused", async () => {
      const sid = await stack.login(VIEWER);
      const status = (await call(sid, "status")) as { result: [number, { instances: Record<string, unknown> }] };
      assert.equal(status.result[0], 0);
      assert.deepEqual(Object.keys(status.result[1].instances), ["lan"]);
      assert.deepEqual(await call(sid, "switchover", { instance: "lan" }), denied);
      assert.deepEqual(await call(sid, "set_priority", { instance: "lan", priority: 50 }), denied);
      assert.deepEqual(await call(sid, "reload"), denied);
      assert.deepEqual(await call(sid, "reset_counters"), denied);
      assert.equal(daemon.runtime.status().instances[0]?.state, "master", "nothing reached the daemon");
    });

    test("the app's write grant: the Status page's write calls work, reset_counters (not in the app's ACL) does not", async () => {
      const sid = await stack.login(OPERATOR);
      const r = (await call(sid, "set_priority", { instance: "lan", priority: 190 })) as { result: [number, Record<string, unknown>] };
      assert.deepEqual([r.result[0], r.result[1]["priority_override"]], [0, 190]);
      assert.equal(((await call(sid, "set_priority", { instance: "lan", priority: null })) as { result: number[] }).result[0], 0);
      assert.deepEqual(await call(sid, "reset_counters"), denied);
      const root = await stack.login(ROOT_LOGIN);
      assert.equal(((await call(root, "reset_counters")) as { result: number[] }).result[0], 0, "root has vrrpd.json's write grant");
    });

    test("the page a read-only user sees: the status, no buttons that would be refused", async () => {
      const env = await luci(VIEWER);
      env.readonly = true;
      const { page } = await statusPage(env);
      assert.match(text(instance(page, "lan")), /MASTER/);
      assert.equal(buttons(page, "Switchover").length + buttons(page, "Override priority").length + buttons(page, "Reload").length, 0);
    });

    test("without the app's access group: rpc.js rejects with Access denied; the page says so, the overview box hides", async () => {
      const env = await luci(OUTSIDER);
      const { page } = await statusPage(env);
      assert.match(text(page), /vrrpd does not answer: permission denied/);
      const w = new (env.load("view/status/include/70_vrrp") as new () => ViewDef)();
      assert.equal(await w.render(await w.load()), null);
    });
  });
});

describe("LuCI's polling at 255 instances stays well under ubusd's 1 MiB message limit", () => {
  test("the Status > Overview box polls the brief status: under a tenth of the limit (the full one is a third)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vrrpd-luci-255-"));
    const stack = await startLuciStack(dir);
    const daemon = await startTestDaemon({ instances: lanInstances(255, 100, {}, 1000) });
    const bus = new UbusConnection({ socketPaths: [stack.socket] });
    new VrrpUbusObject(bus, daemon.api, quiet, { procdEvents: false });
    try {
      bus.start();
      assert.ok(await bus.whenReady(2000));
      const env = createLuciEnv();
      const replies: string[] = [];
      env.ubus = async (body) => {
        const text = await stack.uhttpd.post(body);
        replies.push(text);
        return text;
      };
      env.sessionId = await stack.login(ROOT_LOGIN);
      const w = new (env.load("view/status/include/70_vrrp") as new () => ViewDef)();
      const rows = findAll(await w.render(await w.load()), (n) => n.tag === "tr");
      assert.equal(rows.length, 256);
      const brief = Buffer.byteLength(replies[0] ?? "");
      assert.ok(brief < ubusMaxMsglen / 10, `the Overview box's reply is ${brief} bytes`);
      const full = Buffer.byteLength(await stack.uhttpd.post(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "call", params: [env.sessionId, "vrrp", "status", {}] })));
      assert.ok(full < ubusMaxMsglen / 3 && full > 3 * brief, `full ${full} bytes, brief ${brief}`);
    } finally {
      bus.stop();
      await daemon.stop();
      await stack.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
