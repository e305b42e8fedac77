// The gateway failover wizard's rules (luci-app/.../vrrp/wizard-logic.js), as plain functions: VIP -> DHCP
// options, pool split, role -> priorities, every refusal with its message, and that what it writes is a
// configuration the daemon accepts.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { checkSections } from "../../luci-app/generator/checker-entry.ts";
import { parseValue } from "../../src/config/values/parse.ts";
import { requireOptionSpec } from "../../src/config/schema.ts";
import { routerConfig } from "./fixtures.ts";
import { FakeUci, createLuciEnv, plain } from "./luci-vm.ts";

type Fn = (...args: unknown[]) => unknown;
interface Logic {
  ROLES: Record<string, { priority: number }>;
  UPLINK_WEIGHT: number;
  [name: string]: unknown;
}

function loadModule(path: string): { logic: Logic; call: (name: string, ...args: unknown[]) => unknown } {
  const Cls = createLuciEnv().load(path) as new () => Logic;
  const logic = new Cls();
  return { logic, call: (name, ...args) => plain((logic[name] as Fn)(...args)) };
}

const { logic, call } = loadModule("vrrp/wizard-logic");
const internet = loadModule("vrrp/wizard-internet");
const lan = call("lanInfo", "lan", { proto: "static", ipaddr: "192.168.1.2", netmask: "255.255.255.0" });
const daemonMessage = (option: string, value: string): string => {
  const r = parseValue(requireOptionSpec("instance", option).type, value);
  assert.equal(r.ok, false);
  return r.ok ? "" : r.error;
};

const VALID = {
  network: "lan",
  vip: "192.168.1.1",
  role: "primary",
  vrid: "51",
  peer: "192.168.1.3",
  uplink: "wan",
  pool: { start: "100", limit: "75" },
  peerPool: { start: "175", limit: "75" },
  authoritativeOff: true,
};

describe("the LAN", () => {
  test("a static network gives its subnet; netmask and CIDR forms agree", () => {
    assert.deepEqual(lan, { name: "lan", address: 3232235778, prefix: 24, network: 3232235776, broadcast: 3232236031, first: 3232235777, last: 3232236030, cidr: "192.168.1.0/24" });
    assert.deepEqual(call("lanInfo", "lan", { proto: "static", ipaddr: ["192.168.1.2/24"] }), lan);
  });

  test("DHCP-client and loopback networks are not offered", () => {
    assert.equal(call("lanInfo", "wan", { proto: "dhcp" }), null);
    const names = (call("lanCandidates", routerConfig()["network"]) as { name: string }[]).map((l) => l.name);
    assert.deepEqual(names, ["lan"]);
  });
});

describe("VIP -> DHCP options", () => {
  test("options 3 (router) and 6 (DNS) point at the VIP; other options are kept", () => {
    assert.deepEqual(call("dhcpOptions", ["42,192.168.1.9", "3,192.168.1.254", "6,1.1.1.1"], "192.168.1.1"), ["42,192.168.1.9", "3,192.168.1.1", "6,192.168.1.1"]);
    assert.deepEqual(call("dhcpOptions", "option:router,192.168.1.254 option:dns-server,9.9.9.9", "192.168.1.1"), ["3,192.168.1.1", "6,192.168.1.1"]);
    assert.deepEqual(call("dhcpOptions", undefined, "10.0.0.1"), ["3,10.0.0.1", "6,10.0.0.1"]);
  });
});

describe("pool split", () => {
  test("the primary takes the lower half, the secondary the upper; they never overlap", () => {
    assert.deepEqual(call("splitPool", { start: 100, limit: 100 }), { primary: { start: 100, limit: 50 }, secondary: { start: 150, limit: 50 } });
    assert.deepEqual(call("splitPool", { start: 100, limit: 150 }), { primary: { start: 100, limit: 75 }, secondary: { start: 175, limit: 75 } });
    assert.deepEqual(call("splitPool", { start: 10, limit: 5 }), { primary: { start: 10, limit: 2 }, secondary: { start: 12, limit: 3 } });
  });

  test("a fresh LAN pool is split; a pool the wizard already set is this router's half", () => {
    assert.deepEqual(call("initialPools", "secondary", { start: "100", limit: "150" }, false), { own: { start: 175, limit: 75 }, peer: { start: 100, limit: 75 } });
    assert.deepEqual(call("initialPools", "primary", {}, false), { own: { start: 100, limit: 75 }, peer: { start: 175, limit: 75 } });
    assert.deepEqual(call("initialPools", "secondary", { start: "175", limit: "75" }, true), { own: { start: 175, limit: 75 }, peer: { start: 100, limit: 75 } });
  });

  test("changing the role swaps the pools", () => {
    const a = { start: 100, limit: 75 }, b = { start: 175, limit: 75 };
    assert.deepEqual(call("poolsForRole", "secondary", a, b), { own: b, peer: a });
    assert.deepEqual(call("poolsForRole", "primary", b, a), { own: a, peer: b });
  });
});

describe("role -> priorities", () => {
  test("primary 150, secondary 100; a down uplink drops the primary below the secondary", () => {
    assert.equal(logic.ROLES["primary"]?.priority, 150);
    assert.equal(logic.ROLES["secondary"]?.priority, 100);
    assert.ok(150 + logic.UPLINK_WEIGHT < 100);
    const p = call("plan", VALID, { lan, dhcpSection: "lan", dhcp: {}, instance: null }) as { vrrp: { set: { priority: string } }; other: { priority: number; role: string } };
    assert.equal(p.vrrp.set.priority, "150");
    assert.deepEqual([p.other.role, p.other.priority], ["secondary", 100]);
    const s = call("plan", { ...VALID, role: "secondary", pool: VALID.peerPool, peerPool: VALID.pool }, { lan, dhcpSection: "lan", dhcp: {}, instance: null }) as typeof p;
    assert.equal(s.vrrp.set.priority, "100");
  });

  test("the uplink is tracked with the weight that hands over; other tracked interfaces stay", () => {
    assert.deepEqual(call("trackInterfaces", ["wan weight -20", "eth9"], "wan"), ["eth9", "wan weight -60"]);
    assert.deepEqual(call("trackInterfaces", ["eth9"], ""), ["eth9"]);
  });
});

describe("refusals, with the message shown at the field", () => {
  test("a VIP outside the LAN subnet", () => {
    assert.equal(call("checkVip", lan, "192.168.2.1", ""), "192.168.2.1 is not in the subnet of lan (192.168.1.0/24)");
  });

  test("a VIP equal to a router's address", () => {
    assert.equal(call("checkVip", lan, "192.168.1.2", ""), "192.168.1.2 is this router's own address on lan: the virtual IP must be an address neither router has");
    assert.equal(call("checkVip", lan, "192.168.1.3", "192.168.1.3"), "192.168.1.3 is the other router's address: the virtual IP must be an address neither router has");
  });

  test("a VIP that is no host address", () => {
    assert.equal(call("checkVip", lan, "", ""), "Enter the address clients will use as their gateway");
    assert.equal(call("checkVip", lan, "192.168.1", ""), "'192.168.1' is not an IPv4 address");
    assert.equal(call("checkVip", lan, "192.168.1.0", ""), "192.168.1.0 is the network address of 192.168.1.0/24");
    assert.equal(call("checkVip", lan, "192.168.1.255", ""), "192.168.1.255 is the broadcast address of 192.168.1.0/24");
    assert.equal(call("checkVip", lan, "192.168.1.1", "192.168.1.3"), true);
  });

  test("an out-of-range VRID, with the daemon's own message", () => {
    for (const bad of ["0", "256", "abc", "5.5"]) assert.equal(call("checkVrid", bad), daemonMessage("virtual_router_id", bad), bad);
    assert.equal(call("checkVrid", "256"), "256 is out of range 1..255");
    assert.equal(call("checkVrid", ""), "required option 'virtual_router_id' is missing");
    assert.equal(call("checkVrid", "255"), true);
  });

  test("overlapping pools", () => {
    const others = { vip: "192.168.1.1", peer: "192.168.1.3", pool: { start: "150", limit: "50" } };
    assert.equal(
      call("checkPool", lan, { start: "100", limit: "75" }, others),
      "The pool 192.168.1.100 - 192.168.1.174 overlaps the other router's pool 192.168.1.150 - 192.168.1.199: both would hand out the same addresses",
    );
    assert.equal(call("checkPool", lan, { start: "100", limit: "50" }, others), true);
  });

  test("a pool holding a fixed address, leaving the subnet, or not a number", () => {
    const others = { vip: "192.168.1.120", peer: "", pool: null };
    assert.equal(call("checkPool", lan, { start: "100", limit: "50" }, others), "The pool 192.168.1.100 - 192.168.1.149 contains the virtual IP (192.168.1.120)");
    assert.equal(call("checkPool", lan, { start: "1", limit: "10" }, { vip: "", peer: "", pool: null }), "The pool 192.168.1.1 - 192.168.1.10 contains this router's own address (192.168.1.2)");
    assert.equal(call("checkPool", lan, { start: "200", limit: "100" }, { vip: "", peer: "", pool: null }), "The pool 192.168.1.200 - 192.168.2.43 goes beyond the last usable address of 192.168.1.0/24 (192.168.1.254)");
    assert.equal(call("checkPool", lan, { start: "x", limit: "10" }, others), "'x' is not a whole number");
    assert.equal(call("checkPool", lan, { start: "10", limit: "0" }, others), "0 is out of range 1..254");
  });

  test("a peer address that is not the other router's", () => {
    assert.equal(call("checkPeer", lan, "", "192.168.1.1"), true);
    assert.equal(call("checkPeer", lan, "192.168.1.2", "192.168.1.1"), "192.168.1.2 is this router's own address; enter the other router's");
    assert.equal(call("checkPeer", lan, "192.168.1.1", "192.168.1.1"), "192.168.1.1 is the virtual IP; enter the other router's own address");
    assert.equal(call("checkPeer", lan, "10.1.1.1", "192.168.1.1"), "10.1.1.1 is not in the subnet of lan (192.168.1.0/24)");
  });

  test("plan() refuses with every field's message, and writes nothing", () => {
    const p = call("plan", { ...VALID, vip: "10.0.0.1", vrid: "300", peerPool: { start: "150", limit: "50" } }, { lan, dhcpSection: "lan", dhcp: {}, instance: null }) as { errors: Record<string, string>; vrrp?: unknown };
    assert.deepEqual(Object.keys(p.errors).sort(), ["peer_pool", "pool", "vip", "vrid"]);
    assert.equal(p.errors["vrid"], "300 is out of range 1..255");
    assert.equal(p.vrrp, undefined);
  });
});

describe("Save & Apply", () => {
  test("writes the instance, the LAN's DHCP and dnsmasq; the daemon accepts the result", () => {
    const uci = new FakeUci(routerConfig());
    const ctx = { lan, dhcpSection: "lan", dhcp: uci.get("dhcp", "lan"), instance: uci.get("vrrp", "lan") };
    const p = (logic["plan"] as Fn)(VALID, ctx);
    (logic["applyPlan"] as Fn)(uci, p);
    const inst = plain(uci.get("vrrp", "lan")) as Record<string, unknown>;
    assert.equal(uci.get("vrrp", "globals", "enabled"), "1");
    assert.deepEqual(
      { i: inst["interface"], v: inst["virtual_router_id"], p: inst["priority"], ver: inst["version"], vip: inst["virtual_ipaddress"], peer: inst["unicast_peer"], t: inst["track_interface"] },
      { i: "lan", v: "51", p: "150", ver: "3", vip: ["192.168.1.1/24"], peer: ["192.168.1.3"], t: ["wan weight -60"] },
    );
    const dhcp = plain(uci.get("dhcp", "lan")) as Record<string, unknown>;
    assert.deepEqual([dhcp["start"], dhcp["limit"], dhcp["force"], dhcp["dhcp_option"]], ["100", "75", "1", ["3,192.168.1.1", "6,192.168.1.1"]]);
    assert.deepEqual(plain((p as { kept: string[] }).kept), ["track_script internet"], "the example's track script stays, and the page says so");
    const dnsmasq = uci.sections("dhcp", "dnsmasq")[0];
    assert.equal(dnsmasq?.["authoritative"], "0");
    const errors = checkSections(uci.sections("vrrp")).filter((f) => f.severity === "error");
    assert.deepEqual(errors, []);
  });

  test("a router without a vrrp config or dhcp section gets both created", () => {
    const uci = new FakeUci({ vrrp: [], dhcp: [], network: [] });
    const p = (logic["plan"] as Fn)({ ...VALID, peer: "", uplink: "" }, { lan, dhcpSection: null, dhcp: null, instance: null });
    (logic["applyPlan"] as Fn)(uci, p);
    assert.equal(uci.get("vrrp", "globals", ".type"), "globals");
    assert.equal(uci.get("vrrp", "lan", "unicast_peer"), undefined);
    assert.equal(uci.get("vrrp", "lan", "track_interface"), undefined);
    assert.equal(uci.get("dhcp", "lan", "interface"), "lan");
    assert.deepEqual(checkSections(uci.sections("vrrp")).filter((f) => f.severity === "error"), []);
  });

  test("what to enter on the other router mirrors this one, and its plan fits with ours", () => {
    const p = (logic["plan"] as Fn)(VALID, { lan, dhcpSection: "lan", dhcp: {}, instance: null }) as { other: { role: string; vrid: string; vip: string; peer: string; uplink: string; pool: unknown; peerPool: unknown } };
    const rows = Object.fromEntries(call("peerInstructions", p) as [string, string][]);
    assert.deepEqual(rows, {
      "LAN network": "lan",
      "Virtual IP": "192.168.1.1",
      "This router is": "Secondary",
      "Virtual router ID (VRID)": "51",
      "Other router's address": "192.168.1.2",
      "Hand over when this network is down": "wan",
      "Hand over when the internet is unreachable": "(off)",
      "DHCP pool start / size": "175 / 75",
      "Other router's pool start / size": "100 / 75",
    });
    const commands = call("peerCommands", p) as string[];
    assert.ok(commands.includes("uci set vrrp.lan.priority='100'"));
    assert.ok(commands.includes("uci add_list vrrp.lan.unicast_peer='192.168.1.2'"));
    assert.ok(commands.includes("uci set dhcp.lan.start='175'"));
    // The other router (192.168.1.3) runs its wizard with those values: accepted, and the pools stay apart.
    const lanB = call("lanInfo", "lan", { proto: "static", ipaddr: "192.168.1.3/24" });
    const o = p.other;
    const inputB = { network: "lan", vip: o.vip, role: o.role, vrid: o.vrid, peer: o.peer, uplink: o.uplink, pool: o.pool, peerPool: o.peerPool, authoritativeOff: true };
    const b = call("plan", inputB, { lan: lanB, dhcpSection: "lan", dhcp: {}, instance: null }) as { errors: unknown; vrrp: { set: { priority: string } }; dhcp: { set: { start: string; limit: string } } };
    assert.equal(b.errors, null);
    assert.deepEqual([b.vrrp.set.priority, b.dhcp.set.start, b.dhcp.set.limit], ["100", "175", "75"]);
  });
});

describe("the internet check (vrrp/wizard-internet.js)", () => {
  // Test addresses are documentation ones only (RFC 5737, RFC 3849); the shipped defaults are read, not written here.
  const ON = { enabled: true, hosts: ["192.0.2.1", "198.51.100.1", "2001:db8::53"], reliability: "2" };
  const ctx = (uci: FakeUci) => ({ lan, dhcpSection: "lan", dhcp: uci.get("dhcp", "lan"), instance: uci.get("vrrp", "lan") });

  test("off by default, with mwan3's default hosts (4, 2 of them must answer): addresses the daemon takes", () => {
    const c = internet.call("current", null, undefined) as { enabled: boolean; hosts: string[]; reliability: string };
    assert.equal(c.enabled, false);
    assert.deepEqual(c.hosts, plain(internet.logic["DEFAULT_HOSTS"]));
    assert.equal(c.hosts.length, 4);
    assert.equal(c.reliability, "2");
    for (const h of c.hosts) assert.equal(parseValue(requireOptionSpec("track_script", "host").type, h).ok, true, h);
    assert.equal(internet.call("checkReliability", c.reliability, c.hosts), true);
  });

  test("an instance that lists the wizard's check: on, with its hosts", () => {
    const track = { type: "ping", host: ["203.0.113.5"], reliability: "1" };
    assert.deepEqual(internet.call("current", { track_script: ["internet", "internet_ping"] }, track), { enabled: true, hosts: ["203.0.113.5"], reliability: "1" });
    assert.equal((internet.call("current", { track_script: ["internet"] }, track) as { enabled: boolean }).enabled, false, "not listed: off");
  });

  test("refusals: no host, a bad host (the daemon's message), more answers required than hosts (the daemon's message)", () => {
    assert.equal(internet.call("checkHosts", []), "Enter at least one address to ping");
    const bad = parseValue(requireOptionSpec("track_script", "host").type, "192.0.2.256");
    assert.equal(bad.ok, false);
    assert.equal(internet.call("checkHosts", ["192.0.2.1", "192.0.2.256"]), bad.ok ? "" : bad.error);
    assert.equal(internet.call("checkReliability", "3", ["192.0.2.1", "192.0.2.2"]), "reliability 3 is more than the 2 host(s): the check could never pass");
    assert.equal(internet.call("checkReliability", "0", ["192.0.2.1"]), "0 is out of range 1..64");
    assert.deepEqual(internet.call("errors", { ...ON, hosts: ["192.0.2.1"], reliability: "2" }), { internet_reliability: "reliability 2 is more than the 1 host(s): the check could never pass" });
    assert.deepEqual(internet.call("errors", { enabled: false, hosts: [], reliability: "9" }), {}, "off: nothing to refuse");
    const p = call("plan", { ...VALID, internet: { ...ON, hosts: [] } }, { lan, dhcpSection: "lan", dhcp: {}, instance: null }) as { errors: Record<string, string> };
    assert.deepEqual(p.errors, { internet_hosts: "Enter at least one address to ping" });
  });

  test("the weight is the WAN link's: either failure hands over, and with both routers cut off the primary keeps the gateway", () => {
    const p = call("plan", { ...VALID, internet: ON }, { lan, dhcpSection: "lan", dhcp: {}, instance: null }) as { internet: { set: Record<string, string> } };
    const w = Number(p.internet.set["weight"]);
    assert.equal(w, logic.UPLINK_WEIGHT);
    const primary = logic.ROLES["primary"]?.priority ?? 0, secondary = logic.ROLES["secondary"]?.priority ?? 0;
    assert.ok(primary + w < secondary, "the primary without internet hands over");
    assert.ok(primary + w > secondary + w, "both without internet: the primary stays master (weight 0 would fault both)");
    assert.ok(primary + 2 * w >= 1, "WAN down and no internet: still a valid priority");
    assert.deepEqual(p.internet.set, { type: "ping", reliability: "2", interval: "5", timeout: "2", fall: "3", rise: "5", weight: String(w) });
  });

  test("Save & Apply writes the ping check and lists it; the daemon accepts the result, and turned off it goes again", () => {
    const uci = new FakeUci(routerConfig());
    (logic["applyPlan"] as Fn)(uci, (logic["plan"] as Fn)({ ...VALID, internet: ON }, ctx(uci)));
    const track = plain(uci.get("vrrp", "internet_ping")) as Record<string, unknown>;
    assert.deepEqual([track[".type"], track["type"], track["host"], track["script"]], ["track_script", "ping", ON.hosts, undefined]);
    assert.deepEqual(uci.get("vrrp", "lan", "track_script"), ["internet", "internet_ping"], "the example's own script is kept");
    assert.deepEqual(checkSections(uci.sections("vrrp")).filter((f) => f.severity === "error"), []);
    assert.deepEqual(checkSections(uci.sections("vrrp")).filter((f) => f.section === "internet_ping"), [], "no warning about the new check either");
    // Again with the same input: nothing is listed twice.
    (logic["applyPlan"] as Fn)(uci, (logic["plan"] as Fn)({ ...VALID, internet: ON }, ctx(uci)));
    assert.deepEqual(uci.get("vrrp", "lan", "track_script"), ["internet", "internet_ping"]);
    // Off: the instance stops listing it and the section goes.
    (logic["applyPlan"] as Fn)(uci, (logic["plan"] as Fn)({ ...VALID, internet: { ...ON, enabled: false } }, ctx(uci)));
    assert.deepEqual(uci.get("vrrp", "lan", "track_script"), ["internet"]);
    assert.equal(uci.get("vrrp", "internet_ping"), undefined);
    assert.deepEqual(checkSections(uci.sections("vrrp")).filter((f) => f.severity === "error"), []);
  });

  test("a fresh router: the instance's only track script is the check", () => {
    const uci = new FakeUci({ vrrp: [], dhcp: [], network: [] });
    (logic["applyPlan"] as Fn)(uci, (logic["plan"] as Fn)({ ...VALID, internet: ON }, { lan, dhcpSection: null, dhcp: null, instance: null }));
    assert.deepEqual(uci.get("vrrp", "lan", "track_script"), ["internet_ping"]);
    assert.deepEqual(checkSections(uci.sections("vrrp")), []);
  });

  test("the other router gets the same check: in its form and as commands, which give a configuration the daemon accepts", () => {
    const p = (logic["plan"] as Fn)({ ...VALID, internet: ON }, { lan, dhcpSection: "lan", dhcp: {}, instance: null }) as { other: Record<string, unknown> };
    const rows = Object.fromEntries(call("peerInstructions", p) as [string, string][]);
    assert.equal(rows["Hand over when the internet is unreachable"], "192.0.2.1, 198.51.100.1, 2001:db8::53 (2 must answer)");
    const commands = call("peerCommands", p) as string[];
    assert.ok(commands.includes("uci set vrrp.internet_ping=track_script"));
    assert.ok(commands.includes("uci add_list vrrp.internet_ping.host='2001:db8::53'"));
    assert.ok(commands.includes("uci add_list vrrp.lan.track_script='internet_ping'"));
    assert.ok(commands.indexOf("uci -q del_list vrrp.lan.track_script='internet_ping'") < commands.indexOf("uci add_list vrrp.lan.track_script='internet_ping'"));
    assert.match(commands.at(-1) ?? "", /^uci commit vrrp/);
    // Run the commands' uci part on an empty config, as uci would: the result passes the daemon's check.
    const uci = new FakeUci({ vrrp: [], dhcp: [{ ".name": "lan", ".type": "dhcp", ".anonymous": false, ".index": 0 }, { ".name": "cfg01", ".type": "dnsmasq", ".anonymous": true, ".index": 1 }], network: [] });
    for (const c of commands) runUci(uci, c);
    assert.deepEqual(uci.get("vrrp", "internet_ping", "host"), ON.hosts);
    assert.deepEqual(checkSections(uci.sections("vrrp")).filter((f) => f.severity === "error"), []);
  });
});

/** The `uci` commands peerCommands() prints, as the uci CLI runs them (set, add_list, del_list, delete; commit ignored). */
function runUci(uci: FakeUci, line: string): void {
  const m = /^uci (?:-q )?(set|add_list|del_list|delete|commit) ([^=\s]+)(?:='?([^']*)'?)?/.exec(line);
  assert.ok(m, line);
  const [, op, path = "", value = ""] = m;
  if (op === "commit") return;
  const [conf = "", rawSid = "", opt] = path.split(".");
  const sid = rawSid === "@dnsmasq[0]" ? (uci.sections(conf, "dnsmasq")[0]?.[".name"] ?? "") : rawSid;
  if (op === "set" && opt === undefined) {
    if (uci.get(conf, sid) === undefined) uci.add(conf, value, sid);
    return;
  }
  if (opt === undefined) return;
  const items = ([] as unknown[]).concat(uci.get(conf, sid, opt) ?? []).map(String);
  if (op === "set") uci.set(conf, sid, opt, value);
  else if (op === "add_list") uci.set(conf, sid, opt, [...items, value]);
  else if (op === "del_list") uci.set(conf, sid, opt, items.filter((i) => i !== value));
  else uci.unset(conf, sid, opt);
}
