// rtnetlink requests in a namespace, checked against what `ip -j` reports: IPv4 addresses with label, scope and
// broadcast, IPv6 with nodad, routes (prefix, default in another table, blackhole), dumps, and exact errnos.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { NetnsLab, skipWithoutNetns, type Agent } from "./netns.ts";
import { need, setUpPair, type Pair } from "./topology.ts";

interface NetlinkReply {
  readonly ok: boolean;
  readonly code?: string;
  readonly message?: string;
  readonly micros: number;
}

interface IpAddr {
  readonly family: string;
  readonly local: string;
  readonly prefixlen: number;
  readonly label?: string;
  readonly scope: string;
  readonly broadcast?: string;
  readonly nodad?: boolean;
}

interface IpRoute {
  readonly dst: string;
  readonly gateway?: string;
  readonly dev?: string;
  readonly metric?: number;
  readonly type?: string;
  readonly protocol?: string;
}

const netlink = (agent: Agent, op: string, spec: Record<string, unknown>): Promise<NetlinkReply> => agent.call("netlink", { op, spec });

describe("Rtnetlink in a namespace", () => {
  const lab = new NetnsLab();
  let pair: Pair | undefined;
  before(async () => {
    pair = await setUpPair(lab);
  });
  after(() => lab.cleanup());

  const addresses = (p: Pair): IpAddr[] =>
    lab.ipJson<{ addr_info: IpAddr[] }[]>(p.nsA, "addr", "show", "dev", "va")[0]?.addr_info ?? [];

  test("IPv4 address with label, scope and broadcast: add, EEXIST on re-add, remove, EADDRNOTAVAIL on re-remove", async (t) => {
    if (skipWithoutNetns(t)) return;
    const p = need(pair);
    const spec = { address: "192.0.2.100", prefixLength: 24, device: "va", label: "va:vip", scope: "global", broadcast: "192.0.2.255" };
    const added = await netlink(p.agentA, "addAddress", spec);
    assert.deepEqual({ ok: added.ok, code: added.code }, { ok: true, code: undefined });
    const found = addresses(p).find((a) => a.local === "192.0.2.100");
    assert.deepEqual(
      found && { prefixlen: found.prefixlen, label: found.label, scope: found.scope, broadcast: found.broadcast },
      { prefixlen: 24, label: "va:vip", scope: "global", broadcast: "192.0.2.255" },
    );
    assert.equal((await netlink(p.agentA, "addAddress", spec)).code, "EEXIST");
    assert.equal((await netlink(p.agentA, "removeAddress", spec)).ok, true);
    assert.equal(addresses(p).find((a) => a.local === "192.0.2.100"), undefined);
    assert.equal((await netlink(p.agentA, "removeAddress", spec)).code, "EADDRNOTAVAIL");
    t.diagnostic(`first add took ${added.micros.toFixed(0)} µs including the agent round trip`);
  });

  test("IPv4 host-scope /32 address", async (t) => {
    if (skipWithoutNetns(t)) return;
    const p = need(pair);
    const spec = { address: "198.51.100.1", prefixLength: 32, device: "va", scope: "host" };
    assert.equal((await netlink(p.agentA, "addAddress", spec)).ok, true);
    assert.equal(addresses(p).find((a) => a.local === "198.51.100.1")?.scope, "host");
    assert.equal((await netlink(p.agentA, "removeAddress", spec)).ok, true);
  });

  test("IPv6 address with nodad is usable at once (not tentative) and removable", async (t) => {
    if (skipWithoutNetns(t)) return;
    const p = need(pair);
    lab.sysctl(p.nsA, "net.ipv6.conf.va.accept_dad", "1"); // make DAD matter, so nodad is what skips it
    const spec = { address: "2001:db8::100", prefixLength: 64, device: "va", nodad: true };
    assert.equal((await netlink(p.agentA, "addAddress", spec)).ok, true);
    const found = lab
      .ipJson<{ addr_info: (IpAddr & { tentative?: boolean })[] }[]>(p.nsA, "addr", "show", "dev", "va")[0]
      ?.addr_info.find((a) => a.local === "2001:db8::100");
    assert.deepEqual(found && { prefixlen: found.prefixlen, nodad: found.nodad, tentative: found.tentative }, { prefixlen: 64, nodad: true, tentative: undefined });
    assert.equal((await netlink(p.agentA, "addAddress", spec)).code, "EEXIST");
    assert.equal((await netlink(p.agentA, "removeAddress", spec)).ok, true);
    assert.equal(addresses(p).find((a) => a.local === "2001:db8::100"), undefined);
  });

  test("unknown device and invalid label are reported, not crashed on", async (t) => {
    if (skipWithoutNetns(t)) return;
    const p = need(pair);
    assert.equal((await netlink(p.agentA, "addAddress", { address: "192.0.2.100", prefixLength: 24, device: "nosuchdev0" })).code, "ENODEV");
    await assert.rejects(
      p.agentA.call("netlink", { op: "addAddress", spec: { address: "192.0.2.100", prefixLength: 24, device: "va", label: "a-label-far-too-long" } }),
      /longer than 15 bytes/,
    );
  });

  test("routes: prefix via gateway with metric, default in table 100, blackhole, IPv6; ESRCH on removing twice", async (t) => {
    if (skipWithoutNetns(t)) return;
    const p = need(pair);
    const v4 = { destination: "198.51.100.0/24", gateway: "192.0.2.2", device: "va", metric: 50 };
    const dflt = { destination: "default", gateway: "192.0.2.2", device: "va", table: 100 };
    const hole = { destination: "198.51.100.128/25", type: "blackhole" };
    const v6 = { destination: "2001:db8:1::/48", gateway: "2001:db8::2", device: "va", metric: 70 };
    for (const spec of [v4, dflt, hole, v6]) assert.deepEqual(await netlink(p.agentA, "addRoute", spec).then((r) => [r.ok, r.code]), [true, undefined]);

    const main4 = lab.ipJson<IpRoute[]>(p.nsA, "route", "show", "table", "main");
    assert.deepEqual(
      main4.filter((r) => r.dst.startsWith("198.51.100.")).map((r) => ({ dst: r.dst, gateway: r.gateway, metric: r.metric, type: r.type })),
      [
        { dst: "198.51.100.0/24", gateway: "192.0.2.2", metric: 50, type: undefined },
        { dst: "198.51.100.128/25", gateway: undefined, metric: undefined, type: "blackhole" },
      ],
    );
    const table100 = lab.ipJson<IpRoute[]>(p.nsA, "route", "show", "table", "100");
    assert.deepEqual(table100.map((r) => ({ dst: r.dst, gateway: r.gateway, dev: r.dev, protocol: r.protocol })), [
      { dst: "default", gateway: "192.0.2.2", dev: "va", protocol: "static" },
    ]);
    const main6 = lab.ipJson<IpRoute[]>(p.nsA, "-6", "route", "show", "2001:db8:1::/48");
    assert.deepEqual(main6.map((r) => ({ gateway: r.gateway, metric: r.metric })), [{ gateway: "2001:db8::2", metric: 70 }]);

    assert.equal((await netlink(p.agentA, "addRoute", v4)).code, "EEXIST");
    for (const spec of [v4, dflt, hole, v6]) assert.equal((await netlink(p.agentA, "removeRoute", spec)).ok, true);
    assert.equal(lab.ipJson<IpRoute[]>(p.nsA, "route", "show", "table", "100").length, 0);
    assert.equal(lab.ipJson<IpRoute[]>(p.nsA, "route", "show", "198.51.100.0/24").length, 0);
    assert.equal((await netlink(p.agentA, "removeRoute", v4)).code, "ESRCH");
  });

  test("a gateway the kernel refuses comes back with its errno and extended-ack text", async (t) => {
    if (skipWithoutNetns(t)) return;
    const p = need(pair);
    const reply = await netlink(p.agentA, "addRoute", { destination: "198.51.100.0/24", gateway: "203.0.113.1", device: "va" });
    assert.equal(reply.ok, false);
    assert.match(String(reply.code), /^E[A-Z]+$/);
    t.diagnostic(`unreachable gateway: ${reply.message ?? ""}`);
  });

  test("link and address dumps match ip -j", async (t) => {
    if (skipWithoutNetns(t)) return;
    const p = need(pair);
    const links = await p.agentA.call<{ ifindex: number; name: string; up: boolean; mac?: string; operstate: string }[]>("netlink.links");
    const ipLinks = lab.ipJson<{ ifindex: number; ifname: string; address: string; operstate: string }[]>(p.nsA, "link", "show");
    assert.deepEqual(
      links.map((l) => ({ ifindex: l.ifindex, name: l.name, mac: l.mac, operstate: l.operstate })),
      ipLinks.map((l) => ({ ifindex: l.ifindex, name: l.ifname, mac: l.address, operstate: l.operstate.toLowerCase() })),
    );
    assert.equal(links.find((l) => l.name === "va")?.up, true);
    const all = await p.agentA.call<{ ifindex: number; family: number; address: string; secondary: boolean }[]>("netlink.addresses");
    const onVa = all.filter((a) => a.ifindex === p.ifindexA).map((a) => `${a.family}:${a.address}${a.secondary ? " secondary" : ""}`);
    for (const expected of ["4:192.0.2.1", "4:192.0.2.11 secondary", "6:2001:db8::1", `6:${p.linkLocalA}`]) assert.ok(onVa.includes(expected), `${expected} in ${onVa.join(", ")}`);
  });

  test("netlink add/remove latency (reported, not asserted)", async (t) => {
    if (skipWithoutNetns(t)) return;
    const p = need(pair);
    const stats = await p.agentA.call("netlink.bench", { spec: { address: "192.0.2.200", prefixLength: 24, device: "va" }, count: 200 }, 10_000);
    t.diagnostic(`RTM_NEWADDR/RTM_DELADDR with ACK, 200 cycles, µs: ${JSON.stringify(stats)}`);
  });
});
