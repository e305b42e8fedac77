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

function loadLogic(): { logic: Logic; call: (name: string, ...args: unknown[]) => unknown } {
  const Cls = createLuciEnv().load("vrrp/wizard-logic") as new () => Logic;
  const logic = new Cls();
  return { logic, call: (name, ...args) => plain((logic[name] as Fn)(...args)) };
}

const { logic, call } = loadLogic();
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
