// vrrpd against Debian's real FRR (zebra + vrrpd), in both roles, VRRPv3 over IPv4 and over IPv6. FRR only runs
// on a macvlan with the virtual MAC and protodowns it as backup (see frr.ts); vrrpd adds and removes the VIP on
// lan0 itself. Each test is one lab with a client pinging the VIP; see scenario.ts for the phases.
// Needs root; skipped loudly without it or without FRR, and failed instead under CI=true.
import { describe, test } from "node:test";
import { FRR_USER, frrVersion, FrrPeer } from "./frr.ts";
import { withLab } from "./interop-lab.ts";
import { other, PRIORITY, V3_IPV4, V3_IPV6, V3_IPV6_GLOBAL_ONLY } from "./modes.ts";
import { FRR_VRRPD, FRR_ZEBRA, skipWithoutInterop } from "./prerequisites.ts";
import { runScenario, type ScenarioOptions } from "./scenario.ts";
import { VrrpdPeer } from "./vrrpd.ts";

const NEEDS = [FRR_ZEBRA, FRR_VRRPD, "vtysh", "ip", "ping", "tcpdump"];
// vrrpd stopping as master keeps the VIP until it hears FRR's first advert (make-before-break): 0 probes lost in
// 5 runs of each mode, so bounded. FRR stopping as master protodowns at once, which costs ~Skew_Time: recorded only.
const MAKE_BEFORE_BREAK: ScenarioOptions = { gracefulLossBound: 2 };

describe("interop with FRR vrrpd", { concurrency: 1 }, () => {
  test("FRR version", (t) => {
    if (skipWithoutInterop(t, NEEDS, [FRR_USER])) return;
    t.diagnostic(frrVersion());
  });

  for (const mode of [V3_IPV4, V3_IPV6]) {
    test(`${mode.name}: FRR master, vrrpd backup`, async (t) => {
      if (skipWithoutInterop(t, NEEDS, [FRR_USER])) return;
      await withLab(async (lab) => {
        const frr = new FrrPeer(lab, "r1", PRIORITY.master, mode);
        const vrrpd = new VrrpdPeer(lab, other("r1"), PRIORITY.backup, mode);
        await runScenario(t, lab, mode, frr, vrrpd);
      });
    });

    test(`${mode.name}: vrrpd master, FRR backup`, async (t) => {
      if (skipWithoutInterop(t, NEEDS, [FRR_USER])) return;
      await withLab(async (lab) => {
        const vrrpd = new VrrpdPeer(lab, "r1", PRIORITY.master, mode);
        const frr = new FrrPeer(lab, other("r1"), PRIORITY.backup, mode);
        await runScenario(t, lab, mode, vrrpd, frr, MAKE_BEFORE_BREAK);
      });
    });
  }

  // vrrpd's check-config warns that FRR may refuse adverts whose first IPv6 address is not link-local (RFC 9568
  // erratum 8300). FRR 8.4.4 checks no such thing: this pins what it really does with a global-only list.
  test("v3 IPv6, global address only: vrrpd master, FRR backup", async (t) => {
    if (skipWithoutInterop(t, NEEDS, [FRR_USER])) return;
    const mode = { ...V3_IPV6_GLOBAL_ONLY, name: "v3 IPv6, global address only" };
    await withLab(async (lab) => {
      const vrrpd = new VrrpdPeer(lab, "r1", PRIORITY.master, mode);
      const frr = new FrrPeer(lab, other("r1"), PRIORITY.backup, mode);
      await runScenario(t, lab, mode, vrrpd, frr, MAKE_BEFORE_BREAK);
    });
  });
});
