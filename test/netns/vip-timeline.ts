// Who holds a VIP, to the millisecond: `ip -ts -o monitor address` in each router's namespace reports every add
// and delete as it happens, where polling `ip addr` (HolderWatch) sees a change only at its next sample, 20 ms or
// more later on a loaded machine. Each event carries the time `ip` received it from the kernel (its -ts stamp, the
// wall clock to the µs), not the time this process got around to reading the line.
import { ROUTERS, sleep, waitUntil, type GatewayLab, type LabProcess, type RouterName } from "./gateway-lab.ts";

export interface VipEvent {
  /** When `ip monitor` received the event, on performance.now()'s scale. */
  readonly at: number;
  readonly router: RouterName;
  readonly held: boolean;
}

/** A stretch during which both routers held the VIP; `to` is undefined while it lasts. */
export interface Overlap {
  readonly from: number;
  readonly to: number | undefined;
}

/** A marker address on each router's loopback tells us the monitor is listening (documentation range). */
const MARKER = "203.0.113.77/32";

export class VipTimeline {
  readonly events: VipEvent[] = [];
  private readonly monitors: LabProcess[] = [];
  private initial: Record<RouterName, boolean> = { r1: false, r2: false };
  private readyAt = 0;

  private constructor() {}

  /** Starts one monitor per router and resolves once both are listening (bounded). */
  static async start(gw: GatewayLab, vip: string): Promise<VipTimeline> {
    const timeline = new VipTimeline();
    for (const router of ROUTERS) {
      const pattern = new RegExp(`^\\[([\\d-]+T[\\d:]+)(\\.\\d+)\\] (Deleted )?\\d+: lan0\\s+inet6? ${vip.replaceAll(".", "\\.")}/`);
      timeline.monitors.push(
        gw.spawn(`ip-monitor-${router}`, gw.ns[router], ["ip", "-ts", "-o", "monitor", "address"], {
          onLine: (line) => {
            const match = pattern.exec(line);
            if (match) timeline.events.push({ at: stampToNow(match[1] ?? "", match[2] ?? ""), router, held: match[3] === undefined });
          },
        }),
      );
    }
    // `ip monitor` prints nothing when it is ready: add a marker until each monitor has reported it.
    for (const [i, router] of ROUTERS.entries()) {
      const monitor = timeline.monitors[i] as LabProcess;
      await sleep(50);
      gw.lab.ip(gw.ns[router], "addr", "add", MARKER, "dev", "lo");
      await waitUntil(`the address monitor in ${router}`, () => monitor.findLine(/inet 203\.0\.113\.77\/32/) >= 0, 5000, 5);
      gw.lab.ip(gw.ns[router], "addr", "del", MARKER, "dev", "lo");
    }
    timeline.initial = { r1: gw.holders(vip).includes("r1"), r2: gw.holders(vip).includes("r2") };
    timeline.readyAt = performance.now();
    return timeline;
  }

  stop(): void {
    for (const monitor of this.monitors) monitor.kill("SIGKILL");
  }

  /** Which routers hold the VIP now, by the events (the monitors' view). */
  holders(): RouterName[] {
    const state = this.stateAt(Infinity);
    return ROUTERS.filter((r) => state[r]);
  }

  /** The first event at or after `from` that matches. */
  firstEvent(router: RouterName, held: boolean, from = 0): VipEvent | undefined {
    return this.events.find((e) => e.at >= from && e.router === router && e.held === held);
  }

  /** Every stretch with the VIP on both routers, clipped to start no earlier than `from`. */
  overlapsSince(from: number): Overlap[] {
    const state = this.stateAt(from);
    const overlaps: { from: number; to: number | undefined }[] = [];
    let open = state.r1 && state.r2 ? { from, to: undefined as number | undefined } : undefined;
    for (const e of this.events.filter((x) => x.at >= from)) {
      state[e.router] = e.held;
      const both = state.r1 && state.r2;
      if (both && !open) open = { from: e.at, to: undefined };
      if (!both && open) {
        overlaps.push({ from: open.from, to: e.at });
        open = undefined;
      }
    }
    if (open) overlaps.push(open);
    return overlaps;
  }

  /** For a failure message: every event relative to `t0`. */
  describe(t0: number): string {
    return this.events.map((e) => `${(e.at - t0).toFixed(1)} ms ${e.router} ${e.held ? "added" : "deleted"}`).join("; ");
  }

  private stateAt(time: number): Record<RouterName, boolean> {
    const state = { ...this.initial };
    for (const e of this.events) if (e.at >= this.readyAt && e.at < time) state[e.router] = e.held;
    return state;
  }
}

/** `ip -ts` prints local time to the µs ("2026-12-06T20:50:44" and ".947620"): as performance.now() would have read. */
function stampToNow(seconds: string, fraction: string): number {
  return new Date(seconds).getTime() + Number(fraction) * 1000 - performance.timeOrigin;
}
