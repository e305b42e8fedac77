// `npm run demo`: two routers and a client in network namespaces, a gateway that fails over, told in plain words.
// Needs root (namespaces, raw sockets) and iproute2 + ping. Everything it creates is removed at the end.
import { GatewayLab, ROUTER_IPV4, VIP4, waitUntil, type RouterName } from "../test/netns/gateway-lab.ts";
import type { ProbeReport } from "../test/netns/prober.ts";
import { UdpProber } from "../test/netns/udp-prober.ts";

const ADVERT_INT_S = 0.1;
const bold = (s: string): string => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);
const say = (s = ""): void => console.log(s);
const step = (n: number, title: string): void => say(`\n${bold(`${n}. ${title}`)}`);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function uci(priority: number): string {
  return `config globals 'globals'
	option enabled '1'

config instance 'lan'
	option interface 'lan0'
	option virtual_router_id '51'
	option priority '${priority}'
	option version '3'
	option advert_int '${ADVERT_INT_S}'
	list virtual_ipaddress '${VIP4}/24'
`;
}

function describe(report: ProbeReport): string {
  if (report.lost === 0) return `the client lost no probe at all (${report.answered} answered, longest gap ${report.longestGapMs.toFixed(0)} ms)`;
  return `the client lost ${report.lost} of ${report.sent} probes: about ${(report.lost * 10).toFixed(0)} ms without its gateway (longest gap between replies ${report.longestGapMs.toFixed(0)} ms)`;
}

async function watchEvent(lab: GatewayLab, action: () => void, until: () => boolean, what: string): Promise<{ ms: number; report: ProbeReport }> {
  const probe = new UdpProber(lab, VIP4);
  await waitUntil("the client to reach the gateway", () => probe.answered >= 20, 10_000);
  const started = performance.now();
  action();
  await waitUntil(what, until, 10_000, 5);
  const ms = performance.now() - started;
  await sleep(500); // let the client settle on the new master before counting
  return { ms, report: await probe.stop() };
}

/** Master_Down_Interval of the backup (priority 100): 3 adverts plus Skew_Time. */
const SETTLE_MDI_MS = 3 * ADVERT_INT_S * 1000 + ((256 - 100) * ADVERT_INT_S * 1000) / 256;

/** Waits until one router alone has held the VIP for `stableMs` (bounded by `timeoutMs`). */
async function settled(lab: GatewayLab, stableMs: number, timeoutMs: number): Promise<void> {
  let last = "";
  let since = performance.now();
  await waitUntil(
    "one master, settled",
    () => {
      const now = lab.holders(VIP4).join();
      if (now !== last) [last, since] = [now, performance.now()];
      return lab.holders(VIP4).length === 1 && performance.now() - since >= stableMs;
    },
    timeoutMs,
    50,
  );
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) {
    console.error("The demo builds network namespaces and needs root: run it with sudo (or as root).");
    process.exit(1);
  }
  say(bold("vrrpd demo: two routers share one gateway address, and the client never notices one of them dying"));
  say(`
  Two routers, r1 and r2, and a client sit on one LAN. The client's default gateway is ${VIP4}, a "virtual"
  address that no router owns: the one that is currently master holds it. Both run vrrpd, which speaks VRRP:
  the master says "I'm here" every ${ADVERT_INT_S * 1000} ms; if the backup stops hearing it, it takes the address.

        client 192.0.2.100 ──┐
                             ├── switch ──┬── r1 ${ROUTER_IPV4.r1}  priority 200
                             │            └── r2 ${ROUTER_IPV4.r2}  priority 100
                      gateway ${VIP4} (whoever is master)`);

  const lab = new GatewayLab();
  const daemons: Partial<Record<RouterName, ReturnType<GatewayLab["vrrpd"]>>> = {};
  const offLan = new Set<RouterName>();
  const holder = (): string => lab.holders(VIP4).filter((r) => !offLan.has(r)).join(" and ") || "nobody";
  try {
    step(1, "Start vrrpd on both routers");
    daemons.r1 = lab.vrrpd("r1", uci(200));
    daemons.r2 = lab.vrrpd("r2", uci(100));
    // Not the first holder: whichever daemon is up first holds the VIP until the other has started and the
    // election has settled (preemption). Settled = one holder, unchanged for two Master_Down_Intervals.
    await settled(lab, 2 * SETTLE_MDI_MS, 20_000);
    say(`   Master: ${bold(holder())} (higher priority wins). The client sends a probe to ${VIP4} every 10 ms from now on.`);

    step(2, "Pull the plug on the master (r1): its daemon dies and its cable is cut at the same instant");
    const crash = await watchEvent(
      lab,
      () => {
        daemons.r1?.kill("SIGKILL");
        lab.cutAtSwitch("r1", true);
        offLan.add("r1");
      },
      () => lab.holders(VIP4).includes("r2"),
      "r2 to take over",
    );
    say(`   r2 noticed the silence and took the gateway after ${bold(`${crash.ms.toFixed(0)} ms`)}`);
    say(`   (the protocol's master-down interval here is 3 × ${ADVERT_INT_S * 1000} ms + a priority-based skew).`);
    say(`   Through the failover ${bold(describe(crash.report))}.`);
    say(`   Master now: ${bold(holder())}. (r1's dead kernel still has the address, but r1 is off the LAN.)`);

    step(3, "Bring r1 back: it has the higher priority, so it takes the gateway back (preemption)");
    lab.cutAtSwitch("r1", false);
    offLan.delete("r1");
    const preempt = await watchEvent(
      lab,
      () => {
        daemons.r1 = lab.vrrpd("r1", uci(200));
      },
      () => lab.holders(VIP4).join() === "r1",
      "r1 to preempt",
    );
    say(`   r1 started, cleaned the address its killed daemon had left behind, and took over after ${bold(`${preempt.ms.toFixed(0)} ms`)}.`);
    say(`   During the preemption ${bold(describe(preempt.report))}. Master now: ${bold(holder())}.`);

    step(4, "Stop r1 politely (SIGTERM, as on a reboot or a plain stop; a restart or upgrade hands off instead)");
    const graceful = await watchEvent(
      lab,
      () => daemons.r1?.kill("SIGTERM"),
      () => lab.holders(VIP4).join() === "r2",
      "r2 to take over and r1 to let go",
    );
    say(`   r1 told the LAN it was leaving (an advert with priority 0) but kept answering for the gateway until r2 had`);
    say(`   taken over ("make before break"): r2 was master and r1 had let go after ${bold(`${graceful.ms.toFixed(0)} ms`)}, and`);
    say(`   ${bold(describe(graceful.report))}. keepalived drops the address at once instead.`);
    say(`\n${bold("Done.")} Cleaning up the namespaces.`);
  } catch (error) {
    say(`\nThe demo failed: ${error instanceof Error ? error.message : String(error)}`);
    for (const [name, daemon] of Object.entries(daemons)) say(`--- vrrpd on ${name} said:\n${daemon?.lines.join("\n")}`);
    process.exitCode = 1;
  } finally {
    lab.cleanup();
  }
}

await main();
