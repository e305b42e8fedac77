// Failover as a client sees it, vrrpd against keepalived in the same run, on the same namespace LAN:
// the client probes the VIP every 10 ms (UDP echo), and we count probes lost and the longest outage for each
// event: a crash (daemon killed and cable cut at once), a link cut, a graceful stop, and preemption back.
// The wire is captured too, to compare the backup's takeover with the RFC's Master_Down_Interval, and to time a crash
// or link cut right after one of the master's adverts.
import { GatewayLab, ROUTER_IPV4, VIP4, waitUntil, type LabProcess } from "../test/netns/gateway-lab.ts";
import { UdpProber } from "../test/netns/udp-prober.ts";
import { masterDownIntervalMs, skewTimeMs } from "../src/vrrp/timers.ts";
import { gatewayInstances, startDaemon, type DaemonKind } from "./daemons.ts";

export type FailoverEvent = "crash" | "link-cut" | "graceful-stop" | "preemption";

export interface FailoverSample {
  readonly daemon: DaemonKind;
  readonly version: 2 | 3;
  readonly advertIntervalMs: number;
  readonly event: FailoverEvent;
  readonly probesLost: number;
  readonly outageMs: number;
  /** Time from the event to the new master holding the VIP, as seen by polling `ip addr`. */
  readonly takeoverMs: number;
  /** First backup advert after the master's last one, minus the RFC bound (MDI, or Skew_Time after priority 0). */
  readonly advertGapMinusRfcMs?: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const ADVERT = /^(\d+\.\d+) IP (\S+) > \S+: VRRPv\d, Advertisement, vrid \d+, prio (\d+)/;

function adverts(capture: LabProcess): { at: number; src: string; priority: number }[] {
  return capture.lines.flatMap((line) => {
    const m = ADVERT.exec(line);
    return m ? [{ at: Number(m[1]) * 1000, src: m[2] ?? "", priority: Number(m[3]) }] : [];
  });
}

interface Measured {
  readonly takeoverMs: number;
  readonly lost: number;
  readonly outageMs: number;
  /** Wall-clock time of the event, to line it up with tcpdump's timestamps. */
  readonly eventAtMs: number;
}

async function measure(lab: GatewayLab, run: () => void, done: () => boolean, before?: () => Promise<void>): Promise<Measured> {
  const prober = new UdpProber(lab, VIP4);
  await waitUntil("the client to be served", () => prober.answered >= 30, 15_000);
  await before?.();
  const started = performance.now();
  const eventAtMs = Date.now();
  run();
  await waitUntil("the takeover", done, 20_000, 5);
  const takeoverMs = performance.now() - started;
  await sleep(600);
  const report = await prober.stop();
  return { takeoverMs, lost: report.lost, outageMs: report.longestGapMs, eventAtMs };
}

/** One event on a fresh LAN. `preemption` runs a crash first, then brings the old master back. */
export async function failoverOnce(daemon: DaemonKind, version: 2 | 3, advertIntervalMs: number, event: FailoverEvent): Promise<FailoverSample> {
  const lab = new GatewayLab();
  try {
    const r1 = startDaemon(lab, daemon, "r1", gatewayInstances(200, version, advertIntervalMs));
    startDaemon(lab, daemon, "r2", gatewayInstances(100, version, advertIntervalMs));
    await waitUntil("r1 to be master", () => lab.holders(VIP4).join() === "r1", 20_000);
    await sleep(3 * advertIntervalMs);
    // Crash and link cut happen just after one of the master's adverts, as tcpdump sees it: the worst case (a full
    // Master_Down_Interval of silence) and the same for both daemons. At a random phase the outage would vary by up
    // to an advert interval from run to run, which at 100 ms or 1 s swamps any difference between the daemons.
    let onMasterAdvert: (() => void) | undefined;
    const capture = lab.spawn("tcpdump", lab.sw, ["tcpdump", "-i", "br0", "-n", "-tt", "-l", "ip proto 112"], {
      onLine: (line) => {
        const m = ADVERT.exec(line);
        if (m && m[2] === ROUTER_IPV4.r1 && Number(m[3]) > 0) onMasterAdvert?.();
      },
    });
    const afterMasterAdvert = (): Promise<void> =>
      Promise.race([
        new Promise<void>((resolve) => {
          onMasterAdvert = () => {
            onMasterAdvert = undefined;
            resolve();
          };
        }),
        sleep(5 * advertIntervalMs + 2000), // bounded: no advert seen, go at a random phase
      ]);
    await sleep(300);
    let result: Measured;
    const r2Holds = (): boolean => lab.holders(VIP4).includes("r2");
    if (event === "crash" || event === "preemption") {
      // A crash is a power loss: every process of the daemon dies (keepalived's VRRP child too) and the cable goes.
      // keepalived's parent would notice its VRRP child dying (and the child its parent): freeze them all first,
      // so no process gets to send a goodbye advert or respawn anything, then kill them.
      const crash = (): void => {
        const pids = r1.pids();
        for (const pid of pids) process.kill(pid, "SIGSTOP");
        lab.cutAtSwitch("r1", true);
        for (const pid of pids) process.kill(pid, "SIGKILL");
      };
      result = await measure(lab, crash, r2Holds, afterMasterAdvert);
      if (event === "preemption") {
        await sleep(500);
        lab.cutAtSwitch("r1", false);
        result = await measure(lab, () => void startDaemon(lab, daemon, "r1", gatewayInstances(200, version, advertIntervalMs)), () => lab.holders(VIP4).join() === "r1");
      }
    } else if (event === "link-cut") {
      result = await measure(lab, () => lab.setLink(lab.ns.r1, false), r2Holds, afterMasterAdvert);
    } else {
      result = await measure(lab, () => r1.process.kill("SIGTERM"), () => lab.holders(VIP4).join() === "r2");
    }
    capture.kill("SIGINT");
    await Promise.race([capture.exited, sleep(1000)]);
    const eventAt = result.eventAtMs;
    const seen = adverts(capture).filter((a) => a.at >= eventAt - 5 * advertIntervalMs);
    // From the wire, not from when the event was triggered: `ip link set down` takes some ms to run, and at 20 ms
    // intervals the master may get one more advert out meanwhile. The silence starts at its last advert before the
    // backup's first one (or at its priority-0 advert, for a graceful stop).
    const stop = seen.find((a) => a.src === ROUTER_IPV4.r1 && a.priority === 0);
    const firstBackup = seen.find((a) => a.src === ROUTER_IPV4.r2 && a.at > (stop?.at ?? eventAt));
    const lastMaster = [...seen].reverse().find((a) => a.src === ROUTER_IPV4.r1 && a.priority > 0 && a.at < (firstBackup?.at ?? -Infinity));
    let advertGapMinusRfcMs: number | undefined;
    const silentFrom = stop ?? lastMaster;
    if (event !== "preemption" && firstBackup && silentFrom) {
      const bound = stop ? skewTimeMs(version, 100, advertIntervalMs) : masterDownIntervalMs(version, 100, advertIntervalMs);
      advertGapMinusRfcMs = firstBackup.at - silentFrom.at - bound;
    }
    return {
      daemon, version, advertIntervalMs, event,
      probesLost: result.lost, outageMs: result.outageMs, takeoverMs: result.takeoverMs,
      ...(advertGapMinusRfcMs !== undefined ? { advertGapMinusRfcMs } : {}),
    };
  } finally {
    lab.cleanup();
  }
}

export const FAILOVER_CONFIGS: readonly { version: 2 | 3; advertIntervalMs: number }[] = [
  { version: 2, advertIntervalMs: 1000 },
  { version: 3, advertIntervalMs: 100 },
  { version: 3, advertIntervalMs: 20 },
];
export const FAILOVER_EVENTS: readonly FailoverEvent[] = ["crash", "link-cut", "graceful-stop", "preemption"];
