// vrrpd against Debian's real keepalived, in both roles, for every flavour keepalived users run: VRRPv2 with
// PASS authentication, VRRPv3 over IPv4 and IPv6, and VRRPv3 unicast. Each test is one lab (test/netns) with
// keepalived and vrrpd on the two routers and a client pinging the VIP; see scenario.ts for the phases.
// Needs root; skipped loudly without it or without keepalived, and failed instead under CI=true.
import { describe, test } from "node:test";
import { withLab } from "./interop-lab.ts";
import { keepalivedVersion, KeepalivedPeer } from "./keepalived.ts";
import { other, PRIORITY, V2_AUTH, V3_IPV4, V3_IPV6_GLOBAL_ONLY, V3_UNICAST, type Mode } from "./modes.ts";
import { skipWithoutInterop } from "./prerequisites.ts";
import { runScenario, type ScenarioOptions } from "./scenario.ts";
import { VrrpdPeer } from "./vrrpd.ts";

const NEEDS = ["keepalived", "ip", "ping", "tcpdump"];

// vrrpd stopping as master keeps the VIP until it hears its successor (make-before-break), so the client should lose
// nothing. Bounded only where 5 runs in a row lost 0 probes; with IPv6 one run lost 1, so there it is only recorded.
const MAKE_BEFORE_BREAK: ScenarioOptions = { gracefulLossBound: 2 };

const MODES: readonly { mode: Mode; options?: ScenarioOptions; vrrpdMaster?: ScenarioOptions }[] = [
  { mode: V2_AUTH, vrrpdMaster: MAKE_BEFORE_BREAK },
  { mode: V3_IPV4, vrrpdMaster: MAKE_BEFORE_BREAK },
  {
    mode: V3_IPV6_GLOBAL_ONLY,
    // keepalived (2.2.7, without a link-local VIP) puts the global address first; vrrpd keeps such adverts.
    options: { vrrpdBackupWarns: { pattern: /first address is not link-local/, counter: "addr_list_err" } },
  },
  { mode: V3_UNICAST, vrrpdMaster: MAKE_BEFORE_BREAK },
];

describe("interop with keepalived", { concurrency: 1 }, () => {
  test("keepalived version", (t) => {
    if (skipWithoutInterop(t, NEEDS)) return;
    t.diagnostic(keepalivedVersion());
  });

  for (const { mode, options, vrrpdMaster } of MODES) {
    test(`${mode.name}: keepalived master, vrrpd backup`, async (t) => {
      if (skipWithoutInterop(t, NEEDS)) return;
      await withLab(async (lab) => {
        const keepalived = new KeepalivedPeer(lab, "r1", PRIORITY.master, mode);
        const vrrpd = new VrrpdPeer(lab, other("r1"), PRIORITY.backup, mode);
        await runScenario(t, lab, mode, keepalived, vrrpd, options);
      });
    });

    test(`${mode.name}: vrrpd master, keepalived backup`, async (t) => {
      if (skipWithoutInterop(t, NEEDS)) return;
      await withLab(async (lab) => {
        const vrrpd = new VrrpdPeer(lab, "r1", PRIORITY.master, mode);
        const keepalived = new KeepalivedPeer(lab, other("r1"), PRIORITY.backup, mode);
        await runScenario(t, lab, mode, vrrpd, keepalived, { ...options, ...vrrpdMaster });
      });
    });
  }
});
