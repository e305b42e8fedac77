// The two other ways adverts travel: VRRPv3 over IPv6 (link-local VIP first, a global VIP, unsolicited NAs) and
// unicast peers over IPv4 (no multicast on the wire at all).
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import {
  CI_SLACK_MS,
  cleanupAllLabs,
  masterDownMs,
  ROUTER_IPV4,
  skewTimeMs,
  sleep,
  startPair,
  transitionLine,
  VIP4,
  VIP6,
  VIP6_LINK_LOCAL,
  vrrpConfig,
  waitUntil,
  withLab,
} from "./gateway-lab.ts";
import { describeProbes, isGratuitousArp, isNeighborAdvert, Prober, WireCapture } from "./prober.ts";

const ADVERT_MS = 100;
const VRRP_MULTICAST = new Set(["224.0.0.18", "ff02::12"]);

describe("IPv6 and unicast", () => {
  after(cleanupAllLabs);

  test("IPv6: link-local and global VIPs move together, r2 sends unsolicited NAs, the client reaches the VIP", { timeout: 60_000 }, (t) =>
    withLab(t, async (gw) => {
      // RFC 5798 §5.2.9 (erratum): the first address of an IPv6 advert is the link-local VIP.
      const vips = [`${VIP6_LINK_LOCAL}/64`, `${VIP6}/64`];
      const { r1, r2 } = await startPair(gw, vrrpConfig({ priority: 200, vips }), vrrpConfig({ priority: 100, vips }), { vip: VIP6 });
      assert.deepEqual(gw.holders(VIP6_LINK_LOCAL), ["r1"], "the link-local VIP is on the master too");
      const r2Mac = gw.mac(gw.ns.r2);
      const wire = await WireCapture.fromRouter(gw, "r2", "(icmp6 and ip6[40] == 136) or ip6 proto 112");
      const probe = new Prober(gw, VIP6);
      await waitUntil("the client to reach the VIP over IPv6", () => probe.replies >= 20, 5000);
      const t0 = performance.now();
      r1.kill("SIGTERM");
      const bound = skewTimeMs(100, ADVERT_MS) + ADVERT_MS + CI_SLACK_MS;
      await waitUntil("r2 to hold both VIPs", () => gw.holders(VIP6).includes("r2") && gw.holders(VIP6_LINK_LOCAL).includes("r2"), bound, 5);
      t.diagnostic(`IPv6 takeover (both VIPs on r2): ${(performance.now() - t0).toFixed(0)} ms`);
      await r2.waitForLine(transitionLine("master", "backup", "priority-zero-received"), 1000);
      assert.equal(await r1.waitExit(5000), 0);
      assert.deepEqual([gw.holders(VIP6), gw.holders(VIP6_LINK_LOCAL)], [["r2"], ["r2"]], "both VIPs on r2 alone");
      // An unsolicited NA for each VIP, from r2's MAC.
      for (const vip of [VIP6, VIP6_LINK_LOCAL]) {
        const na = await wire.waitFor(`an unsolicited NA for ${vip} from r2`, (f) => f.srcMac === r2Mac && isNeighborAdvert(f, vip), 2000, t0);
        t.diagnostic(`NA for ${vip} on the wire ${(na.at - t0).toFixed(0)} ms after SIGTERM`);
      }
      const served = probe.replies;
      await waitUntil("the client to be served by r2", () => probe.replies >= served + 30, 5000);
      await sleep(300);
      const report = await probe.stop();
      t.diagnostic(`client over IPv6: ${describeProbes(report)}`);
      // r2's adverts: IPv6 multicast from its link-local address.
      const adverts = wire.adverts().filter((a) => a.at >= t0);
      assert.ok(adverts.length >= 3, `r2 advertises (${adverts.length} adverts seen)`);
      assert.ok(adverts.every((a) => a.dst === "ff02::12" && a.src.startsWith("fe80:") && a.version === 3 && a.priority === 100));
      wire.stop();
    }),
  );

  test("IPv6 disabled on the master's lan0 (netifd: option ipv6 '0'): vrrpd survives, leaves master, r2 takes over", { timeout: 60_000 }, (t) =>
    withLab(t, async (gw) => {
      const vips = [`${VIP6_LINK_LOCAL}/64`, `${VIP6}/64`];
      const { r1, r2 } = await startPair(gw, vrrpConfig({ priority: 200, vips }), vrrpConfig({ priority: 100, vips }), { vip: VIP6 });
      // The kernel removes every IPv6 address of lan0 (the VIPs and r1's link-local source too); the link stays up.
      gw.lab.sysctl(gw.ns.r1, "net.ipv6.conf.lan0.disable_ipv6", "1");
      const t0 = performance.now();
      await waitUntil("r2 to hold the VIP", () => gw.holders(VIP6).includes("r2"), masterDownMs(100, ADVERT_MS) + ADVERT_MS + CI_SLACK_MS, 5);
      t.diagnostic(`IPv6 disabled on r1 -> VIP on r2: ${(performance.now() - t0).toFixed(0)} ms`);
      await sleep(500);
      assert.ok(r1.isRunning, "vrrpd on r1 is still running (re-adding a VIP the kernel refuses must not crash it)");
      await r1.waitForLine(transitionLine("fault", "master"), 1000);
      await r2.waitForLine(transitionLine("master", "backup"), 1000);
    }),
  );

  test("unicast peers (v3 IPv4): failover works and no advert is multicast", { timeout: 60_000 }, (t) =>
    withLab(t, async (gw) => {
      const unicast = (me: "r1" | "r2", peer: "r1" | "r2", priority: number): string =>
        vrrpConfig({ priority, unicastSrcIp: ROUTER_IPV4[me], unicastPeers: [ROUTER_IPV4[peer]] });
      // Capture from the start, on both routers' ports: everything either router sends.
      const captures = await Promise.all([WireCapture.fromRouter(gw, "r1", "ip proto 112 or arp"), WireCapture.fromRouter(gw, "r2", "ip proto 112 or arp")]);
      const [fromR1, fromR2] = captures;
      const { r1, r2 } = await startPair(gw, unicast("r1", "r2", 200), unicast("r2", "r1", 100));
      // r2 stays backup only because it receives r1's unicast adverts.
      const t0 = performance.now();
      r1.kill("SIGTERM");
      await waitUntil("r2 to hold the VIP", () => gw.holders(VIP4).includes("r2"), skewTimeMs(100, ADVERT_MS) + ADVERT_MS + CI_SLACK_MS, 5);
      t.diagnostic(`unicast takeover: ${(performance.now() - t0).toFixed(0)} ms`);
      // The priority-0 advert arrived by unicast too.
      await r2.waitForLine(transitionLine("master", "backup", "priority-zero-received"), 1000);
      assert.equal(await r1.waitExit(5000), 0);
      const r2Mac = gw.mac(gw.ns.r2);
      await fromR2.waitFor("a gratuitous ARP from r2", (f) => f.srcMac === r2Mac && isGratuitousArp(f, VIP4), 2000, t0);
      await sleep(500); // some of r2's adverts as master
      const r1Adverts = fromR1.adverts();
      const r2Adverts = fromR2.adverts();
      t.diagnostic(`adverts seen: ${r1Adverts.length} from r1, ${r2Adverts.length} from r2`);
      assert.ok(r1Adverts.length >= 5 && r2Adverts.length >= 3, "both routers advertised");
      assert.deepEqual([...new Set(r1Adverts.map((a) => `${a.src} > ${a.dst}`))], [`${ROUTER_IPV4.r1} > ${ROUTER_IPV4.r2}`]);
      assert.deepEqual([...new Set(r2Adverts.map((a) => `${a.src} > ${a.dst}`))], [`${ROUTER_IPV4.r2} > ${ROUTER_IPV4.r1}`]);
      const multicast = [...r1Adverts, ...r2Adverts].filter((a) => VRRP_MULTICAST.has(a.dst) || a.dst.startsWith("224.") || a.dst.startsWith("ff"));
      assert.deepEqual(multicast, [], "no multicast advert on the wire");
      assert.ok(r1Adverts.some((a) => a.priority === 0), "r1's goodbye (priority 0) went by unicast");
      for (const c of captures) c.stop();
    }),
  );
});
