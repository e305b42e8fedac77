// VrrpSocket between two namespaces: multicast v2/v3 over IPv4 and v3 over IPv6 arrive with the right ifindex,
// src, dst and TTL; unicast honours the given source; leave stops delivery; malformed input is counted, not thrown.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { decode, encode } from "../../src/vrrp/codec.ts";
import type { Advertisement } from "../../src/vrrp/advertisement.ts";
import { NetnsLab, skipWithoutNetns, type AgentEvent } from "./netns.ts";
import { need, setUpPair, type Pair } from "./topology.ts";

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");
const v2: Advertisement = { version: 2, vrid: 51, priority: 100, addresses: ["192.0.2.100"], authType: 0, authPassword: "", adverIntSec: 1 };
const v3Ipv4: Advertisement = { version: 3, vrid: 52, priority: 150, addresses: ["192.0.2.101"], maxAdverIntCs: 100 };

describe("VrrpSocket (two namespaces joined by a veth pair)", () => {
  const lab = new NetnsLab();
  let pair: Pair | undefined;
  const sockets = { a4: 0, b4: 0, a6: 0, b6: 0 };

  before(async () => {
    pair = await setUpPair(lab);
    if (pair === undefined) return;
    sockets.a4 = await pair.agentA.call<number>("vrrp.open", { family: 4 });
    sockets.b4 = await pair.agentB.call<number>("vrrp.open", { family: 4 });
    sockets.a6 = await pair.agentA.call<number>("vrrp.open", { family: 6 });
    sockets.b6 = await pair.agentB.call<number>("vrrp.open", { family: 6 });
    await pair.agentB.call("vrrp.join", { socket: sockets.b4, ifindex: pair.ifindexB });
    await pair.agentB.call("vrrp.join", { socket: sockets.b6, ifindex: pair.ifindexB });
  });
  after(() => lab.cleanup());

  const packetWith = (socket: number, payload: string) => (e: AgentEvent) =>
    e.type === "packet" && e.socket === socket && e.hex === payload;

  test("IPv4 multicast v2 and v3 adverts arrive with ifindex, src, dst and TTL 255", async (t) => {
    if (skipWithoutNetns(t)) return;
    const p = need(pair);
    for (const advert of [v2, v3Ipv4]) {
      const bytes = encode(advert, { family: 4, src: "192.0.2.1", dst: "224.0.0.18" });
      const sent = await p.agentA.call<{ error?: string }>("vrrp.send", {
        socket: sockets.a4, ifindex: p.ifindexA, src: "192.0.2.1", dst: "224.0.0.18", hex: hex(bytes),
      });
      assert.equal(sent.error, undefined);
      const got = await p.agentB.waitFor(packetWith(sockets.b4, hex(bytes)));
      assert.deepEqual(
        { ifindex: got.ifindex, family: got.family, src: got.src, dst: got.dst, ttl: got.ttl },
        { ifindex: p.ifindexB, family: 4, src: "192.0.2.1", dst: "224.0.0.18", ttl: 255 },
      );
      const decoded = decode(bytes, { family: 4, src: "192.0.2.1", dst: "224.0.0.18" });
      assert.ok(decoded.ok, "the received bytes decode");
    }
  });

  test("a packet sent with TTL 1 from a second socket arrives reporting TTL 1", async (t) => {
    if (skipWithoutNetns(t)) return;
    const p = need(pair);
    const ttl1 = await p.agentA.call<number>("vrrp.open", { family: 4, hopLimit: 1 });
    const bytes = encode({ ...v2, priority: 1 }, { family: 4, src: "192.0.2.1", dst: "224.0.0.18" });
    await p.agentA.call("vrrp.send", { socket: ttl1, ifindex: p.ifindexA, src: "192.0.2.1", dst: "224.0.0.18", hex: hex(bytes) });
    const got = await p.agentB.waitFor(packetWith(sockets.b4, hex(bytes)));
    assert.equal(got.ttl, 1);
  });

  test("IPv6 multicast v3 advert: the kernel fills the checksum (IPV6_CHECKSUM) and reports hop limit 255", async (t) => {
    if (skipWithoutNetns(t)) return;
    const p = need(pair);
    const advert: Advertisement = { version: 3, vrid: 53, priority: 200, addresses: [p.linkLocalA, "2001:db8::100"], maxAdverIntCs: 100 };
    const bytes = encode(advert, { family: 6, src: p.linkLocalA, dst: "ff02::12" });
    const expected = hex(bytes);
    bytes[6] = 0; // zero the checksum: the kernel must compute it at offset 6
    bytes[7] = 0;
    const sent = await p.agentA.call<{ error?: string }>("vrrp.send", { socket: sockets.a6, ifindex: p.ifindexA, dst: "ff02::12", hex: hex(bytes) });
    assert.equal(sent.error, undefined);
    const got = await p.agentB.waitFor(packetWith(sockets.b6, expected));
    assert.deepEqual(
      { ifindex: got.ifindex, family: got.family, src: got.src, dst: got.dst, ttl: got.ttl },
      { ifindex: p.ifindexB, family: 6, src: p.linkLocalA, dst: "ff02::12", ttl: 255 },
    );
  });

  test("unicast to a peer uses the given source address (unicast_src_ip), IPv4 and IPv6", async (t) => {
    if (skipWithoutNetns(t)) return;
    const p = need(pair);
    const cases = [
      { socketA: sockets.a4, socketB: sockets.b4, family: 4, src: "192.0.2.11", dst: "192.0.2.2", advert: { ...v3Ipv4, priority: 77 } },
      { socketA: sockets.a6, socketB: sockets.b6, family: 6, src: "2001:db8::11", dst: "2001:db8::2", advert: { ...v3Ipv4, priority: 78, addresses: ["fe80::1"] } },
    ] as const;
    for (const c of cases) {
      const bytes = encode(c.advert, { family: c.family, src: c.src, dst: c.dst });
      const sent = await p.agentA.call<{ error?: string }>("vrrp.send", { socket: c.socketA, ifindex: 0, src: c.src, dst: c.dst, hex: hex(bytes) });
      assert.equal(sent.error, undefined);
      const got = await p.agentB.waitFor(packetWith(c.socketB, hex(bytes)));
      assert.deepEqual({ src: got.src, dst: got.dst, ttl: got.ttl, ifindex: got.ifindex }, { src: c.src, dst: c.dst, ttl: 255, ifindex: p.ifindexB });
    }
  });

  test("consecutive sends that differ only in source each leave from their own source (the send header is reused only for a repeat)", async (t) => {
    if (skipWithoutNetns(t)) return;
    const p = need(pair);
    const sources = ["192.0.2.1", "192.0.2.11", "192.0.2.11", "192.0.2.1"];
    const sent = sources.map((src, i) => hex(encode({ ...v3Ipv4, priority: 90 + i }, { family: 4, src, dst: "192.0.2.2" })));
    for (const [i, src] of sources.entries()) {
      await p.agentA.call("vrrp.send", { socket: sockets.a4, ifindex: 0, src, dst: "192.0.2.2", hex: sent[i] });
    }
    for (const [i, src] of sources.entries()) {
      const got = await p.agentB.waitFor(packetWith(sockets.b4, sent[i] ?? ""));
      assert.equal(got.src, src, `send ${i}`);
    }
  });

  test("a non-local source is an error value, not an exception", async (t) => {
    if (skipWithoutNetns(t)) return;
    const p = need(pair);
    const sent = await p.agentA.call<{ error?: string }>("vrrp.send", {
      socket: sockets.a4, ifindex: p.ifindexA, src: "198.51.100.7", dst: "224.0.0.18", hex: hex(encode(v2, { family: 4, src: "192.0.2.1", dst: "224.0.0.18" })),
    });
    assert.match(String(sent.error), /^E[A-Z]+$/);
  });

  test("a datagram too short to name a VRID is dropped and counted; a short one that names it reaches the core; after leave nothing arrives", async (t) => {
    if (skipWithoutNetns(t)) return;
    const p = need(pair);
    // 4 bytes name VRID 0x33: the core counts it as packet_len_err on that instance (issue #15); 1 byte names nothing.
    await p.agentA.call("vrrp.send", { socket: sockets.a4, ifindex: p.ifindexA, src: "192.0.2.1", dst: "224.0.0.18", hex: "21330164" });
    await p.agentB.waitFor(packetWith(sockets.b4, "21330164"));
    await p.agentA.call("vrrp.send", { socket: sockets.a4, ifindex: p.ifindexA, src: "192.0.2.1", dst: "224.0.0.18", hex: "21" });
    const counted = async (): Promise<{ dropped: { short: number } }> => p.agentB.call("vrrp.counters", { socket: sockets.b4 });
    for (let i = 0; i < 50 && (await counted()).dropped.short === 0; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal((await counted()).dropped.short, 1);
    assert.equal(p.agentB.events.filter((e) => e.type === "packet" && e.hex === "21").length, 0);

    await p.agentB.call("vrrp.leave", { socket: sockets.b4, ifindex: p.ifindexB });
    const bytes = encode({ ...v2, priority: 42 }, { family: 4, src: "192.0.2.1", dst: "224.0.0.18" });
    await p.agentA.call("vrrp.send", { socket: sockets.a4, ifindex: p.ifindexA, src: "192.0.2.1", dst: "224.0.0.18", hex: hex(bytes) });
    assert.deepEqual(await p.agentB.collect(packetWith(sockets.b4, hex(bytes)), 300), []);
    await p.agentB.call("vrrp.join", { socket: sockets.b4, ifindex: p.ifindexB });
  });

  test("a burst larger than one recvmmsg batch arrives whole and in order; an oversized datagram is counted as truncated", async (t) => {
    if (skipWithoutNetns(t)) return;
    const p = need(pair);
    const counted = async (): Promise<{ received: number; delivered: number; dropped: { truncated: number } }> =>
      p.agentB.call("vrrp.counters", { socket: sockets.b4 });
    const before = await counted();
    const bytes = encode({ ...v3Ipv4, vrid: 60 }, { family: 4, src: "192.0.2.1", dst: "224.0.0.18" });
    const count = 100; // the receiver reads 32 per recvmmsg call
    await p.agentA.call("vrrp.burst", { socket: sockets.a4, ifindex: p.ifindexA, src: "192.0.2.1", dst: "224.0.0.18", hex: hex(bytes), count });
    const isBurst = (e: AgentEvent): boolean => e.type === "packet" && e.socket === sockets.b4 && typeof e.hex === "string" && e.hex.startsWith("313c");
    for (let i = 0; i < 100 && p.agentB.events.filter(isBurst).length < count; i++) await new Promise((r) => setTimeout(r, 20));
    const priorities = p.agentB.events.filter(isBurst).map((e) => Buffer.from(String(e.hex), "hex")[2]);
    assert.deepEqual(priorities, Array.from({ length: count }, (_, i) => i + 1));
    // Every run of deliveries ends with onBurstEnd (the daemon re-arms its timer there): the last packet is followed by one.
    const ofB = p.agentB.events.filter((e) => e.socket === sockets.b4 && (e.type === "packet" || e.type === "burst-end"));
    const lastPacket = ofB.map(isBurst).lastIndexOf(true);
    assert.ok(ofB.slice(lastPacket + 1).some((e) => e.type === "burst-end"), "onBurstEnd after the last packet of the burst");

    const oversized = new Uint8Array(5000); // more than any valid advert (IPv6 with 255 addresses is 4,088 bytes)
    oversized.set(bytes);
    await p.agentA.call("vrrp.send", { socket: sockets.a4, ifindex: p.ifindexA, src: "192.0.2.1", dst: "224.0.0.18", hex: hex(oversized) });
    for (let i = 0; i < 50 && (await counted()).dropped.truncated === before.dropped.truncated; i++) await new Promise((r) => setTimeout(r, 20));
    const after = await counted();
    assert.equal(after.dropped.truncated, before.dropped.truncated + 1);
    assert.equal(after.delivered - before.delivered, count);
  });

  test("onBurstEnd runs even when onPacket throws, and the socket keeps receiving", async (t) => {
    if (skipWithoutNetns(t)) return;
    const p = need(pair);
    const thrower = await p.agentB.call<number>("vrrp.open", { family: 4, throwOnPacket: true });
    for (const priority of [41, 42]) {
      // Unicast to B's address: every protocol-112 socket of B gets a copy, joined or not.
      const bytes = encode({ ...v3Ipv4, priority }, { family: 4, src: "192.0.2.1", dst: "192.0.2.2" });
      await p.agentA.call("vrrp.send", { socket: sockets.a4, ifindex: 0, src: "192.0.2.1", dst: "192.0.2.2", hex: hex(bytes) });
      const packet = await p.agentB.waitFor(packetWith(thrower, hex(bytes)), 2000);
      const after = p.agentB.events.indexOf(packet);
      await p.agentB.waitFor((e) => e.type === "burst-end" && e.socket === thrower && p.agentB.events.indexOf(e) > after, 2000);
    }
    assert.ok(p.agentB.events.some((e) => e.type === "error" && String(e.message).includes(`socket ${thrower}: onPacket threw`)));
  });

  test("a socket the caller keeps no reference to still receives after a forced GC", async (t) => {
    if (skipWithoutNetns(t)) return;
    const p = need(pair);
    const orphan = await p.agentB.call<number>("vrrp.open", { family: 4, unreferenced: true });
    // The orphan joined no group (IP_MULTICAST_ALL=0 keeps other sockets' groups away), so the probe is unicast.
    await p.agentB.call("gc");
    const bytes = encode({ ...v3Ipv4, priority: 33 }, { family: 4, src: "192.0.2.1", dst: "192.0.2.2" });
    await p.agentA.call("vrrp.send", { socket: sockets.a4, ifindex: 0, src: "192.0.2.1", dst: "192.0.2.2", hex: hex(bytes) });
    await p.agentB.waitFor(packetWith(orphan, hex(bytes)), 2000);
  });

  test("send latency (reported, not asserted)", async (t) => {
    if (skipWithoutNetns(t)) return;
    const p = need(pair);
    const bytes = encode(v3Ipv4, { family: 4, src: "192.0.2.1", dst: "224.0.0.18" });
    const stats = await p.agentA.call("vrrp.bench", { socket: sockets.a4, ifindex: p.ifindexA, src: "192.0.2.1", dst: "224.0.0.18", hex: hex(bytes), count: 1000 });
    t.diagnostic(`VrrpSocket.send IPv4 multicast, 1000 sends, µs: ${JSON.stringify(stats)}`);
  });
});
