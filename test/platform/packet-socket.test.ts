// AF_PACKET: a gratuitous ARP and an unsolicited NA built by src/vrrp/frames.ts, sent from namespace a, are
// captured byte for byte on the peer in namespace b by the platform's own AF_PACKET receiver.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { gratuitousArp, unsolicitedNeighborAdvert } from "../../src/vrrp/frames.ts";
import { NetnsLab, skipWithoutNetns } from "./netns.ts";
import { need, setUpPair, type Pair } from "./topology.ts";

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");
const ETH_P_ARP = 0x0806;
const ETH_P_IPV6 = 0x86dd;

describe("PacketSender (AF_PACKET) between two namespaces", () => {
  const lab = new NetnsLab();
  let pair: Pair | undefined;

  before(async () => {
    pair = await setUpPair(lab);
    if (pair === undefined) return;
    await pair.agentB.call("capture.open", { ifindex: pair.ifindexB, ethertype: ETH_P_ARP });
    await pair.agentB.call("capture.open", { ifindex: pair.ifindexB, ethertype: ETH_P_IPV6 });
  });
  after(() => lab.cleanup());

  test("a gratuitous ARP from the virtual MAC is seen on the peer, byte for byte", async (t) => {
    if (skipWithoutNetns(t)) return;
    const p = need(pair);
    const frame = hex(gratuitousArp({ vip: "192.0.2.100", vrid: 51 }));
    const timings: number[] = [];
    for (let i = 0; i < 3; i++) {
      const sent = await p.agentA.call<{ error?: string; micros: number }>("frames.send", { ifindex: p.ifindexA, hex: frame });
      assert.equal(sent.error, undefined);
      timings.push(sent.micros);
    }
    const got = await p.agentB.waitFor((e) => e.type === "frame" && e.hex === frame);
    assert.equal(got.ifindex, p.ifindexB);
    assert.equal(got.ethertype, ETH_P_ARP);
    assert.equal(got.pkttype, 1, "PACKET_BROADCAST");
    assert.ok(frame.startsWith("ffffffffffff00005e000133"), "broadcast from 00:00:5e:00:01:33");
    t.diagnostic(`AF_PACKET GARP send µs (3 frames): ${timings.map((n) => n.toFixed(1)).join(", ")}`);
  });

  test("an unsolicited NA is seen on the peer", async (t) => {
    if (skipWithoutNetns(t)) return;
    const p = need(pair);
    const frame = hex(unsolicitedNeighborAdvert({ vip: "2001:db8::100", vrid: 51 }));
    await p.agentA.call("frames.send", { ifindex: p.ifindexA, hex: frame });
    const got = await p.agentB.waitFor((e) => e.type === "frame" && e.hex === frame);
    assert.equal(got.pkttype, 2, "PACKET_MULTICAST (33:33:00:00:00:01)");
  });

  test("sending on an ifindex that does not exist is an error value", async (t) => {
    if (skipWithoutNetns(t)) return;
    const p = need(pair);
    const sent = await p.agentA.call<{ error?: string }>("frames.send", { ifindex: 999_999, hex: hex(gratuitousArp({ vip: "192.0.2.100", vrid: 51 })) });
    assert.match(String(sent.error), /^E[A-Z]+$/);
  });

  test("the capture survives its link going down and up (ENETDOWN raises POLLERR, which stops a libuv poll)", async (t) => {
    if (skipWithoutNetns(t)) return;
    const p = need(pair);
    lab.ip(p.nsB, "link", "set", "vb", "down");
    await p.agentB.waitFor((e) => e.type === "error" && String(e.message).includes("ENETDOWN"));
    lab.ip(p.nsB, "link", "set", "vb", "up");
    const frame = hex(gratuitousArp({ vip: "192.0.2.101", vrid: 52 }));
    // The peer's carrier comes back through linkwatch, up to ~1 s later: resend until it is seen (bounded).
    for (let attempt = 0; attempt < 30; attempt++) {
      await p.agentA.call("frames.send", { ifindex: p.ifindexA, hex: frame });
      if (p.agentB.events.some((e) => e.type === "frame" && e.hex === frame)) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await p.agentB.waitFor((e) => e.type === "frame" && e.hex === frame, 1000);
  });
});
