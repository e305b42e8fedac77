// The real view files, loaded under node:vm with LuCI's API stubbed (test/luci/luci-vm.ts): what they declare
// (rpc calls, polls, form fields) and what they render from a status reply and a router's configuration.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import vm from "node:vm";
import { SCHEMA, SECTION_TYPES } from "../../src/config/schema.ts";
import { parseValue } from "../../src/config/values/parse.ts";
import { requireOptionSpec } from "../../src/config/schema.ts";
import { checkSections } from "../../luci-app/generator/checker-entry.ts";
import { SAMPLE_STATUS } from "../../scripts/ubus-docs-samples.ts";
import { routerConfig } from "./fixtures.ts";
import { FakeUci, createLuciEnv, findAll, plain, text, type FormMap, type FormOption, type LuciEnv, type VNode } from "./luci-vm.ts";

interface ViewDef {
  load(): Promise<unknown>;
  render(data?: unknown): Promise<unknown> | unknown;
  handleSave?: ((ev?: unknown) => Promise<unknown>) | null;
  handleSaveApply?: ((ev?: unknown, mode?: string) => Promise<unknown>) | null;
  handleReset?: unknown;
  [k: string]: unknown;
}

/** A view "instance": LuCI instantiates the class view.extend() returns; the stub returns the prototype. */
function view(env: LuciEnv, path: string): ViewDef {
  return Object.create(env.load(path) as object) as ViewDef;
}

const statusEnv = (reply: unknown = SAMPLE_STATUS): LuciEnv => {
  const env = createLuciEnv();
  env.rpcHandler = (_object, method) => (method === "status" ? reply : method === "switchover" ? { instance: "lan", state: "backup", hold_off: 60 } : {});
  return env;
};

/** The daemon's message for a value of an option it refuses. */
function daemonError(type: "instance" | "track_script", option: string, value: string): string {
  const r = parseValue(requireOptionSpec(type, option).type, value);
  assert.equal(r.ok, false, `${value} is refused`);
  return r.ok ? "" : r.error;
}

const buttons = (node: unknown, label: string): VNode[] => findAll(node, (n) => n.tag === "button" && text(n).includes(label));
const click = (b: VNode | undefined): unknown => (b?.attrs["click"] as () => unknown)();

describe("Status page (view/vrrp/status.js)", () => {
  test("declares the vrrp calls it makes and polls the status", async () => {
    const env = statusEnv();
    const v = view(env, "view/vrrp/status");
    assert.deepEqual(plain(env.record.rpc.map((r) => [r.object, r.method, r.params ?? []])), [
      ["vrrp", "status", ["instance"]],
      ["vrrp", "switchover", ["instance", "hold_off"]],
      ["vrrp", "set_priority", ["instance", "priority"]],
      ["vrrp", "reload", []],
    ]);
    const reply = await v.load();
    await v.render(reply);
    assert.equal(env.record.polls.length, 1);
    assert.equal(env.record.polls[0]?.interval, 5);
    await env.record.polls[0]?.fn();
    assert.equal(env.record.calls.filter((c) => c.method === "status").length, 2);
    assert.equal(v.handleSaveApply, null, "a read-only page has no Save buttons");
  });

  test("shows per instance a state badge, priorities with the reason, master, VIPs, transition, counters, tracking", async () => {
    const v = view(statusEnv(), "view/vrrp/status");
    const page = await v.render(SAMPLE_STATUS);
    const instances = findAll(page, (n) => n.attrs["data-instance"] !== undefined);
    assert.deepEqual(instances.map((n) => n.attrs["data-instance"]), ["lan", "wan"]);
    const [lan, wan] = instances.map(text);
    const badges = findAll(page, (n) => String(n.attrs["class"] ?? "").includes("vrrp-badge")).map(text);
    assert.deepEqual(badges, ["MASTER", "BACKUP"]);
    assert.match(lan ?? "", /150 \/ 150/);
    assert.match(lan ?? "", /192\.168\.1\.1\/24/);
    assert.match(lan ?? "", /this router \(192\.168\.1\.2\)/);
    assert.match(lan ?? "", /BACKUP → MASTER, master-down-timer, 59m 41s ago/);
    assert.match(lan ?? "", /3580 sent, 12 received/);
    assert.match(lan ?? "", /interface eth1 up/);
    assert.match(wan ?? "", /150 \/ 100/);
    assert.match(wan ?? "", /script chk_uplink down: -50/);
    assert.match(wan ?? "", /203\.0\.113\.3, priority 120/);
    assert.match(text(page), /chk_uplink down, 359 runs, 4 failures, last exit 1/);
  });

  test("Switchover only on a master, after a confirmation, with the default hold-off", async () => {
    const env = statusEnv();
    const v = view(env, "view/vrrp/status");
    const page = await v.render(SAMPLE_STATUS);
    const lan = findAll(page, (n) => n.attrs["data-instance"] === "lan")[0];
    const wan = findAll(page, (n) => n.attrs["data-instance"] === "wan")[0];
    assert.equal(buttons(wan, "Switchover").length, 0);
    click(buttons(lan, "Switchover")[0]);
    assert.equal(env.record.calls.some((c) => c.method === "switchover"), false, "nothing happens before the confirmation");
    const modal = env.record.modals[0];
    assert.equal(modal?.title, "Switchover: lan");
    const input = findAll(modal?.content, (n) => n.tag === "input")[0];
    (input as VNode & { value?: string }).value = String(input?.attrs["value"]);
    await click(buttons(modal?.content, "Switch over")[0]);
    assert.deepEqual(plain(env.record.calls.find((c) => c.method === "switchover")?.args), { instance: "lan", hold_off: 60 });
    assert.match(env.record.notifications[0]?.text ?? "", /lan: handing over/);
  });

  test("priority override: refused out of range, sent in range, cleared with null", async () => {
    const env = statusEnv();
    const v = view(env, "view/vrrp/status");
    const page = await v.render(SAMPLE_STATUS);
    click(buttons(findAll(page, (n) => n.attrs["data-instance"] === "wan")[0], "Override priority")[0]);
    const content = env.record.modals[0]?.content;
    const input = findAll(content, (n) => n.tag === "input")[0] as VNode & { value?: string };
    input.value = "300";
    await click(buttons(content, "Set")[0]);
    assert.equal(env.record.calls.some((c) => c.method === "set_priority"), false);
    assert.match(text(content), /Enter a whole number from 1 to 255/);
    input.value = "50";
    await click(buttons(content, "Set")[0]);
    await click(buttons(content, "Clear override")[0]);
    assert.deepEqual(plain(env.record.calls.filter((c) => c.method === "set_priority").map((c) => c.args)), [
      { instance: "wan", priority: 50 },
      { instance: "wan", priority: null },
    ]);
  });

  test("Reload calls reload; a refusal is reported", async () => {
    const env = statusEnv();
    const v = view(env, "view/vrrp/status");
    const page = await v.render(SAMPLE_STATUS);
    env.rpcHandler = (_o, method) => (method === "reload" ? 9 : SAMPLE_STATUS);
    await click(buttons(page, "Reload configuration")[0]);
    assert.ok(env.record.calls.some((c) => c.method === "reload"));
    assert.match(env.record.notifications[0]?.text ?? "", /Reload refused.*failed/);
  });

  test("a daemon that is not running is said so, with what to do", async () => {
    const v = view(statusEnv(4), "view/vrrp/status");
    const page = await v.render(4);
    assert.match(text(page), /vrrpd does not answer: not found \(is vrrpd running\?\)/);
    assert.match(text(page), /logread -e vrrpd/);
  });
});

describe("Status > Overview widget (view/status/include/70_vrrp.js)", () => {
  test("one row per instance; hidden without permission", async () => {
    const env = statusEnv();
    const Widget = env.load("view/status/include/70_vrrp") as new () => ViewDef & { title: string };
    const w = new Widget();
    assert.equal(w.title, "VRRP");
    const reply = await w.load();
    const table = (await w.render(reply)) as VNode;
    const rows = findAll(table, (n) => n.tag === "tr").map(text);
    assert.equal(rows.length, 3);
    assert.match(rows[1] ?? "", /lan MASTER 192\.168\.1\.1\/24/);
    assert.match(rows[2] ?? "", /wan BACKUP/);
    assert.equal(await w.render(6), null);
    assert.match(text(await w.render(4)), /does not answer/);
  });
});

describe("Gateway failover wizard (view/vrrp/wizard.js)", () => {
  async function rendered(): Promise<{ env: LuciEnv; v: ViewDef; map: FormMap; page: unknown }> {
    const env = createLuciEnv(new FakeUci(routerConfig()));
    const v = view(env, "view/vrrp/wizard");
    await v.load();
    const page = await v.render();
    return { env, v, map: v["map"] as FormMap, page };
  }
  const field = (map: FormMap, sid: string, name: string) => {
    const found = map.lookupOption(name, sid);
    assert.ok(found, name);
    return found[0];
  };

  test("loads network, dhcp and vrrp; asks for LAN, VIP, role, VRID, peer, uplink, the internet check and the pools", async () => {
    const { env, map } = await rendered();
    assert.deepEqual(env.uci.loaded, ["network", "dhcp", "vrrp"]);
    assert.deepEqual(map.sections.map((s) => [s.args[0], s.options.map((o) => `${o.widget}:${o.name}`)]), [
      ["router", ["ListValue:network", "Value:vip", "ListValue:role", "Value:vrid", "Value:peer", "ListValue:uplink", "Flag:internet", "DynamicList:internet_hosts", "Value:internet_reliability"]],
      ["dhcp", ["Value:pool_start", "Value:pool_limit", "Value:peer_pool_start", "Value:peer_pool_limit", "Flag:authoritative_off"]],
    ]);
    // Prefilled from the example's instance lan and from dhcp.lan (100/150 split in two).
    // The internet check starts off (the example's instance does not list it), with mwan3's default hosts.
    const defaults = plain((new (env.load("vrrp/wizard-internet") as new () => { DEFAULT_HOSTS: string[] })()).DEFAULT_HOSTS);
    assert.deepEqual(plain(map.values), {
      router: { network: "lan", vip: "192.168.1.1", role: "primary", vrid: "51", peer: "", uplink: "wan", internet: "0", internet_hosts: defaults, internet_reliability: "2" },
      dhcp: { pool_start: "100", pool_limit: "75", peer_pool_start: "175", peer_pool_limit: "75", authoritative_off: "1" },
    });
    assert.deepEqual(plain(field(map, "router", "network").values), [["lan", "lan (192.168.1.2/24)"]]);
  });

  test("bad input is refused at the field with its message", async () => {
    const { map } = await rendered();
    const set = (sid: string, name: string, v: string) => field(map, sid, name).getUIElement(sid).setValue(v);
    set("router", "vip", "10.0.0.1");
    assert.equal(field(map, "router", "vip").check("router"), "10.0.0.1 is not in the subnet of lan (192.168.1.0/24)");
    set("router", "vip", "192.168.1.2");
    assert.match(String(field(map, "router", "vip").check("router")), /this router's own address/);
    set("router", "vrid", "256");
    assert.equal(field(map, "router", "vrid").check("router"), "256 is out of range 1..255");
    set("dhcp", "peer_pool_start", "150");
    assert.match(String(field(map, "dhcp", "pool_start").check("dhcp")), /overlaps the other router's pool/);
    assert.match(String(field(map, "dhcp", "peer_pool_limit").check("dhcp")), /overlaps/);
  });

  test("switching the role swaps the pools", async () => {
    const { map } = await rendered();
    const role = field(map, "router", "role");
    role.getUIElement("router").setValue("secondary");
    (role["onchange"] as (ev: unknown, sid: string, v: string) => void)(null, "router", "secondary");
    assert.deepEqual(plain(map.values["dhcp"]), { pool_start: "175", pool_limit: "75", peer_pool_start: "100", peer_pool_limit: "75", authoritative_off: "1" });
  });

  test("Save & Apply writes vrrp and dhcp, applies, and shows what to enter on the other router", async () => {
    const { env, v, map } = await rendered();
    field(map, "router", "peer").getUIElement("router").setValue("192.168.1.3");
    await v.handleSaveApply?.(null, "0");
    assert.deepEqual(env.record.applied, [true]);
    assert.equal(env.uci.saves, 1);
    const inst = plain(env.uci.get("vrrp", "lan")) as Record<string, unknown>;
    assert.deepEqual([inst["priority"], inst["virtual_router_id"], inst["virtual_ipaddress"], inst["unicast_peer"]], ["150", "51", ["192.168.1.1/24"], ["192.168.1.3"]]);
    assert.deepEqual(plain(env.uci.get("dhcp", "lan", "dhcp_option")), ["3,192.168.1.1", "6,192.168.1.1"]);
    assert.equal(env.uci.get("dhcp", "lan", "force"), "1");
    const plan = text(v["planNode"]);
    assert.match(plan, /Then, on the other router/);
    assert.match(plan, /This router is\s+Secondary/);
    assert.match(plan, /DHCP pool start \/ size\s+175 \/ 75/);
    assert.match(plan, /uci set vrrp\.lan\.priority='100'/);
  });

  test("the internet check: its fields show only while it is on, refuse what the daemon refuses, and Save & Apply writes the ping check", async () => {
    const { env, v, map } = await rendered();
    assert.deepEqual(plain(field(map, "router", "internet_hosts").dependencies), [["internet", "1"]]);
    assert.deepEqual(plain(field(map, "router", "internet_reliability").dependencies), [["internet", "1"]]);
    const set = (name: string, value: unknown) => field(map, "router", name).getUIElement("router").setValue(value as string);
    set("internet_hosts", ["192.0.2.300"]);
    assert.equal(field(map, "router", "internet_hosts").check("router"), true, "off: not judged");
    set("internet", "1");
    assert.equal(field(map, "router", "internet_hosts").check("router"), daemonError("track_script", "host", "192.0.2.300"));
    set("internet_hosts", ["192.0.2.1", "2001:db8::1"]);
    set("internet_reliability", "3");
    assert.equal(field(map, "router", "internet_reliability").check("router"), "reliability 3 is more than the 2 host(s): the check could never pass");
    set("internet_reliability", "2");
    await v.handleSaveApply?.(null, "0");
    assert.deepEqual(env.record.applied, [true]);
    const track = plain(env.uci.get("vrrp", "internet_ping")) as Record<string, unknown>;
    assert.deepEqual([track[".type"], track["type"], track["host"], track["reliability"], track["weight"]], ["track_script", "ping", ["192.0.2.1", "2001:db8::1"], "2", "-60"]);
    assert.deepEqual(env.uci.get("vrrp", "lan", "track_script"), ["internet", "internet_ping"]);
    assert.match(text(v["planNode"]), /vrrp internet_ping: ping 192\.0\.2\.1, 2001:db8::1, 2 must answer, weight -60/);
    assert.deepEqual(checkSections(env.uci.sections("vrrp")).filter((f) => f.severity === "error"), []);
  });

  test("a router with the wizard's internet check: the form starts from it; turned off, the check goes", async () => {
    const config = routerConfig();
    const lanInstance = config["vrrp"]?.find((s) => s[".name"] === "lan");
    assert.ok(lanInstance);
    lanInstance["track_script"] = ["internet", "internet_ping"];
    config["vrrp"]?.push({ ".name": "internet_ping", ".type": "track_script", ".anonymous": false, ".index": 99, type: "ping", host: ["198.51.100.7", "203.0.113.9", "192.0.2.1"], reliability: "1" });
    const env = createLuciEnv(new FakeUci(config));
    const v = view(env, "view/vrrp/wizard");
    await v.load();
    await v.render();
    const map = v["map"] as FormMap;
    assert.deepEqual(plain([map.values["router"]?.["internet"], map.values["router"]?.["internet_hosts"], map.values["router"]?.["internet_reliability"]]), ["1", ["198.51.100.7", "203.0.113.9", "192.0.2.1"], "1"]);
    field(map, "router", "internet").getUIElement("router").setValue("0");
    await v.handleSaveApply?.(null, "0");
    assert.deepEqual(env.uci.get("vrrp", "lan", "track_script"), ["internet"]);
    assert.equal(env.uci.get("vrrp", "internet_ping"), undefined, "no instance lists it: removed (the daemon would warn about it)");
    assert.deepEqual(checkSections(env.uci.sections("vrrp")).filter((f) => f.severity === "error"), []);
  });

  test("Save with a refused field writes nothing", async () => {
    const { env, v, map } = await rendered();
    field(map, "router", "vip").getUIElement("router").setValue("192.168.2.1");
    await assert.rejects(() => v.handleSaveApply?.(null, "0") ?? Promise.resolve(), /not in the subnet/);
    assert.equal(env.uci.saves, 0);
    assert.deepEqual(env.record.applied, []);
    assert.equal(env.uci.get("dhcp", "lan", "force"), undefined);
  });
});

describe("Instances page (view/vrrp/instances.js)", () => {
  async function rendered(): Promise<{ env: LuciEnv; v: ViewDef; map: FormMap }> {
    const env = createLuciEnv(new FakeUci(routerConfig()));
    const v = view(env, "view/vrrp/instances");
    await v.load();
    await v.render();
    return { env, v, map: v["map"] as FormMap };
  }

  test("every section type and option of the schema, with its widget and the daemon's validator", async () => {
    const { map } = await rendered();
    assert.equal(map.config, "vrrp");
    assert.deepEqual(map.sections.map((s) => [s.kind, s.args[0]]), [["NamedSection", "globals"], ["GridSection", "instance"], ["GridSection", "track_script"], ["GridSection", "sync_group"]]);
    for (const [i, type] of SECTION_TYPES.entries()) {
      const section = map.sections[i];
      assert.deepEqual(section?.tabs.map((t) => t[0]), SCHEMA[type].tabs.map((t) => t.name), type);
      // Every option, in order; a Button is no option but a widget of luci-app/generator/widgets.ts.
      assert.deepEqual(section?.options.filter((o) => o.widget !== "Button").map((o) => o.name), SCHEMA[type].options.map((o) => o.name), type);
      for (const spec of SCHEMA[type].options) {
        const o: FormOption | undefined = section?.options.find((x) => x.name === spec.name);
        assert.equal(o?.widget, spec.luci.widget, `${type}.${spec.name}`);
        assert.equal(o?.tab, spec.luci.tab);
        assert.equal(typeof o?.["validate"], "function");
        if (spec.required === true) assert.equal(o?.["rmempty"], false, `${type}.${spec.name} is required`);
        if (spec.type.kind === "enum") assert.deepEqual(o?.values.map((v: [string, string]) => v[0]).filter((v: string) => v !== ""), [...spec.type.values]);
        if (spec.luci.widget === "Flag") assert.equal(o?.["default"], spec.default ?? "0");
      }
    }
  });

  test("a field refuses what the daemon refuses, with the daemon's words", async () => {
    const { map } = await rendered();
    const cases: [string, string, string][] = [
      ["instance", "virtual_router_id", "300"],
      ["instance", "advert_int", "0.001"],
      ["instance", "virtual_ipaddress", "192.168.1.300/24"],
      ["instance", "unicast_peer", "fe80::1%eth0"],
      ["globals", "log_level", "verbose"],
      ["instance", "handover", "fast"],
      ["globals", "handover", "loose"],
      ["track_script", "weight", "-254"],
      ["instance", "auth_pass", "123456789"],
    ];
    for (const [type, name, bad] of cases) {
      const o = map.sections[SECTION_TYPES.indexOf(type as (typeof SECTION_TYPES)[number])]?.options.find((x) => x.name === name);
      const spec = SCHEMA[type as (typeof SECTION_TYPES)[number]].options.find((x) => x.name === name);
      assert.ok(o && spec);
      const expected = parseValue(spec.type, bad);
      assert.equal(expected.ok, false);
      assert.equal((o["validate"] as (sid: string, v: string) => unknown)("x", bad), expected.ok ? true : expected.error, `${type}.${name}`);
      assert.equal((o["validate"] as (sid: string, v: string) => unknown)("x", ""), spec.required ? `required option '${name}' is missing` : true);
    }
  });

  test("Save runs the daemon's whole check first and refuses its errors", async () => {
    const { env, v, map } = await rendered();
    await v.handleSave?.();
    assert.equal(map.saved, 1);
    // Another instance with the same VRID on the same network: each field is fine, the configuration is not.
    env.uci.add("vrrp", "instance", "lan_b");
    env.uci.set("vrrp", "lan_b", "interface", "lan");
    env.uci.set("vrrp", "lan_b", "virtual_router_id", "51");
    env.uci.set("vrrp", "lan_b", "virtual_ipaddress", ["192.168.1.254/24"]);
    await assert.rejects(() => v.handleSave?.() ?? Promise.resolve(), /vrrpd would refuse this configuration: .*51/);
    assert.equal(map.saved, 1);
    assert.match(text(v["findingsNode"]), /Error: /);
  });
});

describe("Instances page: Send a test mail (vrrp/mail-test.js)", () => {
  const MAIL_GLOBALS = { notification_email: ["ops@example.com"], notification_email_from: "gw-a@example.com", smtp_server: "192.0.2.25 25" };
  const SENT = { sent: true, recipients: ["ops@example.com"] };

  async function page(answer: unknown = SENT): Promise<{ env: LuciEnv; map: FormMap; button: FormOption }> {
    const config = routerConfig();
    const globals = config["vrrp"]?.find((x) => x[".name"] === "globals");
    Object.assign(globals ?? {}, MAIL_GLOBALS);
    const env = createLuciEnv(new FakeUci(config));
    env.rpcHandler = (_o, method) => (method === "test_mail" ? answer : 4);
    const v = view(env, "view/vrrp/instances");
    await v.load();
    await v.render();
    const map = v["map"] as FormMap;
    const button = map.sections[0]?.options.find((o) => o.widget === "Button");
    assert.ok(button);
    return { env, map, button };
  }
  const press = (b: FormOption): Promise<unknown> => (b["onclick"] as (ev: unknown, sid: string) => Promise<unknown>)(null, "globals");
  const testMailCalls = (env: LuciEnv) => env.record.calls.filter((c) => c.method === "test_mail");

  test("in the Notifications tab, after the mail options, as LuCI's form.Button", async () => {
    const { map, button } = await page();
    const globals = map.sections[0];
    assert.equal(button.tab, "notifications");
    assert.equal(button["inputtitle"], "Send a test mail");
    const tabOptions = globals?.options.filter((o) => o.tab === "notifications").map((o) => o.name);
    assert.deepEqual(tabOptions, [...SCHEMA.globals.options.filter((o) => o.luci.tab === "notifications").map((o) => o.name), "_test_mail"]);
    assert.equal(button["readonly"], false);
  });

  test("calls test_mail and shows where the mail went", async () => {
    const { env, button } = await page();
    assert.equal(await press(button), true);
    assert.deepEqual(plain(testMailCalls(env).map((c) => c.args)), [{}]);
    assert.deepEqual(env.record.notifications, [{ text: "Test mail sent to ops@example.com.", cls: "info" }]);
  });

  test("a mail the server refused: its error, as the daemon reports it", async () => {
    const { env, button } = await page();
    // uhttpd's reply to a call the daemon answered with an error and its explanation (see uhttpd-ubus.test.ts).
    env.ubus = (body) => {
      const id = (JSON.parse(body) as { id: unknown }).id;
      return Promise.resolve(JSON.stringify({ jsonrpc: "2.0", id, result: [9, { error: "unknown_error", message: "test mail not sent: 554 5.7.1 Relay access denied" }] }));
    };
    assert.equal(await press(button), false);
    assert.deepEqual(env.record.notifications, [{ text: "Test mail not sent: 554 5.7.1 Relay access denied", cls: "danger" }]);
  });

  test("a daemon that does not run: said so", async () => {
    const { env, button } = await page(4);
    await press(button);
    assert.match(env.record.notifications[0]?.text ?? "", /^Test mail not sent: not found \(is vrrpd running\?\)$/);
  });

  test("no answer before the page gives up (rpc.js's timeout, or uhttpd's): says where the outcome will be", async () => {
    const { env, button } = await page();
    // rpc.js's request module rejects with an Error of the page's own realm.
    env.ubus = () => Promise.reject(vm.runInContext('new Error("XHR request timed out")', env.context) as Error);
    assert.equal(await press(button), false);
    assert.match(env.record.notifications[0]?.text ?? "", /^No answer in time: vrrpd may still be waiting for the mail server\. The outcome is in its log \(logread -e vrrpd\)\.$/);
    env.ubus = (body) => Promise.resolve(JSON.stringify({ jsonrpc: "2.0", id: (JSON.parse(body) as { id: unknown }).id, error: { code: -32003, message: "ubus request timed out" } }));
    await press(button);
    assert.match(env.record.notifications[1]?.text ?? "", /^No answer in time/);
  });

  test("a mail setting edited in the form: asks for Save & Apply, sends nothing", async () => {
    const { env, map, button } = await page();
    map.lookupOption("smtp_server", "globals")?.[0].getUIElement("globals").setValue("192.0.2.26 587");
    assert.equal(await press(button), false);
    assert.equal(testMailCalls(env).length, 0);
    assert.match(env.record.notifications[0]?.text ?? "", /^Save & Apply the mail settings first.*Changed here: smtp_server$/);
    assert.equal(env.record.notifications[0]?.cls, "danger");
  });

  test("a field left as loaded is no change, even where uci holds nothing and the form shows the default", async () => {
    const { env, map, button } = await page();
    map.lookupOption("smtp_starttls", "globals")?.[0].getUIElement("globals").setValue("0");
    map.lookupOption("notification_email", "globals")?.[0].getUIElement("globals").setValue(["ops@example.com"] as unknown as string);
    await press(button);
    assert.equal(testMailCalls(env).length, 1);
  });

  test("mail settings saved but not applied: asks to apply them; changes elsewhere do not stop the test", async () => {
    const { env, button } = await page();
    env.uci.staged = { vrrp: [["set", "lan", "priority", "100"]], dhcp: [["set", "lan", "start", "100"]] };
    await press(button);
    assert.equal(testMailCalls(env).length, 1, "nothing pending for the mail settings");
    env.uci.staged = { vrrp: [["list-add", "globals", "notification_email", "noc@example.com"], ["set", "globals", "log_level", "debug"]] };
    assert.equal(await press(button), false);
    assert.equal(testMailCalls(env).length, 1);
    assert.match(env.record.notifications.at(-1)?.text ?? "", /^Apply the saved mail settings first.*Saved, not applied: notification_email$/);
  });

  test("a read-only login gets the button disabled (the ACL refuses test_mail without write access)", async () => {
    const env = createLuciEnv(new FakeUci(routerConfig()));
    env.readonly = true;
    const v = view(env, "view/vrrp/instances");
    await v.load();
    await v.render();
    const button = (v["map"] as FormMap).sections[0]?.options.find((o) => o.widget === "Button");
    assert.equal(button?.["readonly"], true);
  });
});
