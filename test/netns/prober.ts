// What the LAN sees during a failover:
// - Prober: the client's view: ping the VIP every 10 ms from the client namespace and record, per probe, whether a
//   reply came. `ping -O` reports every probe that got no answer before the next one was sent.
// - WireCapture: frames on the wire (tcpdump in the switch namespace), parsed: GARPs, NAs, VRRP adverts.
import type { GatewayLab, LabProcess } from "./gateway-lab.ts";

export interface ProbeReport {
  readonly sent: number;
  readonly answered: number;
  readonly lost: number;
  /** Longest stretch without a reply, in ms (what a client experiences as the outage). */
  readonly longestGapMs: number;
  /** Sequence numbers that got no reply. */
  readonly lostSeqs: readonly number[];
  readonly firstLostAt?: number;
  /** Mean time between probes actually achieved, in ms (to check the probing rate claimed). */
  readonly meanIntervalMs?: number;
}

const REPLY = /^\[(\d+\.\d+)\] \d+ bytes from .*icmp_seq=(\d+)/;
const NO_ANSWER = /^\[(\d+\.\d+)\] no answer yet for icmp_seq=(\d+)/;

/**
 * iputils ping (20221126) paces an interval of 10 ms or more through a poll() timeout that overshoots: `-i 0.01`
 * probes every ~16 ms, `-i 0.02` every ~24 ms. Below 10 ms it keeps time. So a 10 ms interval is asked for as 9.99 ms.
 */
function pingInterval(intervalMs: number): string {
  return String((intervalMs === 10 ? 9.99 : intervalMs) / 1000);
}

export class Prober {
  private readonly proc: LabProcess;
  private readonly answered = new Map<number, number>(); // seq -> reply time (s)
  private readonly missed = new Map<number, number>();

  constructor(lab: GatewayLab, target: string, readonly intervalMs = 10) {
    this.proc = lab.spawn("prober", lab.ns.client, ["ping", "-D", "-O", "-n", "-i", pingInterval(intervalMs), "-W", "1", target], {
      onLine: (line) => {
        const reply = REPLY.exec(line);
        if (reply) this.answered.set(Number(reply[2]), Number(reply[1]));
        const miss = NO_ANSWER.exec(line);
        if (miss) this.missed.set(Number(miss[2]), Number(miss[1]));
      },
    });
  }

  /** Replies seen so far (to wait until the client is being served). */
  get replies(): number {
    return this.answered.size;
  }

  async stop(): Promise<ProbeReport> {
    this.proc.kill("SIGINT");
    await Promise.race([this.proc.exited, new Promise((r) => setTimeout(r, 2000))]);
    return this.report();
  }

  report(): ProbeReport {
    const seqs = [...this.answered.keys(), ...this.missed.keys()];
    const last = seqs.length ? Math.max(...seqs) : 0;
    const first = seqs.length ? Math.min(...seqs) : 1;
    const lostSeqs: number[] = [];
    // Probes after the last answered one may still be in flight when ping stopped: do not count them.
    const lastAnswered = Math.max(0, ...this.answered.keys());
    for (let s = first; s <= Math.min(last, lastAnswered); s++) if (!this.answered.has(s)) lostSeqs.push(s);
    const times = [...this.answered.values()].sort((a, b) => a - b);
    let longestGapMs = 0;
    for (let i = 1; i < times.length; i++) longestGapMs = Math.max(longestGapMs, ((times[i] ?? 0) - (times[i - 1] ?? 0)) * 1000);
    const firstLost = lostSeqs[0] === undefined ? undefined : this.missed.get(lostSeqs[0]);
    const span = times.length > 1 ? ((times[times.length - 1] ?? 0) - (times[0] ?? 0)) * 1000 : 0;
    const answeredSeqs = [...this.answered.keys()];
    const seqSpan = answeredSeqs.length > 1 ? Math.max(...answeredSeqs) - Math.min(...answeredSeqs) : 0;
    return {
      sent: last - first + 1,
      answered: this.answered.size,
      lost: lostSeqs.length,
      longestGapMs,
      lostSeqs,
      ...(firstLost !== undefined ? { firstLostAt: firstLost } : {}),
      ...(seqSpan > 0 ? { meanIntervalMs: span / seqSpan } : {}),
    };
  }
}

/** One-line summary for t.diagnostic. */
export function describeProbes(report: ProbeReport): string {
  const rate = report.meanIntervalMs === undefined ? "" : `, one probe every ${report.meanIntervalMs.toFixed(1)} ms`;
  return `${report.lost} of ${report.sent} probes lost, longest gap between replies ${report.longestGapMs.toFixed(0)} ms${rate}`;
}

// ---- the wire -------------------------------------------------------------------------------------------------

export interface WireFrame {
  /** Capture time, ms on the performance.now() clock of this process (converted from tcpdump's epoch stamp). */
  readonly at: number;
  readonly srcMac: string;
  readonly dstMac: string;
  /** "ARP", "IPv4", "IPv6". */
  readonly ethertype: string;
  /** tcpdump's decode after the link-layer header, e.g. "Request who-has 192.0.2.254 tell 192.0.2.254, length 28". */
  readonly text: string;
}

export interface VrrpAdvert {
  readonly at: number;
  readonly srcMac: string;
  readonly src: string;
  readonly dst: string;
  readonly version: number;
  readonly vrid: number;
  readonly priority: number;
}

// 1795439724.052120 0e:15:03:65:01:41 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42: Request who-has ...
const FRAME = /^(\d+\.\d+) ([0-9a-f:]{17}) > ([0-9a-f:]{17}), ethertype (\S+) \(0x[0-9a-f]+\), length \d+: (.*)$/;
// 192.0.2.1 > 224.0.0.18: VRRPv3, Advertisement, vrid 51, prio 200, intvl 10cs, length 12
const ADVERT = /^(\S+) > (\S+): VRRPv(\d), Advertisement, vrid (\d+), prio (\d+)/;
const MAX_FRAMES = 50_000;

/** Frames captured with tcpdump on one interface of one namespace (in the switch: one router's port). */
export class WireCapture {
  readonly frames: WireFrame[] = [];
  private readonly proc: LabProcess;

  private constructor(lab: GatewayLab, label: string, ns: string, dev: string, filter: string, inboundOnly: boolean) {
    // --immediate-mode: hand each frame over at once (no TPACKET_V3 block delay); -l: line-buffered output.
    const argv = ["tcpdump", "-i", dev, ...(inboundOnly ? ["-Q", "in"] : []), "-n", "-l", "-e", "-tt", "--immediate-mode", filter];
    this.proc = lab.spawn(label, ns, argv, {
      onLine: (line) => {
        const m = FRAME.exec(line);
        if (!m || this.frames.length >= MAX_FRAMES) return;
        // tcpdump stamps are epoch seconds; bring them onto this process's monotonic clock.
        const at = Number(m[1]) * 1000 - performance.timeOrigin;
        this.frames.push({ at, srcMac: m[2] ?? "", dstMac: m[3] ?? "", ethertype: m[4] ?? "", text: m[5] ?? "" });
      },
    });
  }

  /**
   * Starts tcpdump and waits (bounded) until it is listening. `inboundOnly` keeps only frames the interface
   * receives: on a switch port, exactly what the router behind it put on the wire.
   */
  static async start(lab: GatewayLab, label: string, ns: string, dev: string, filter: string, inboundOnly = true): Promise<WireCapture> {
    const capture = new WireCapture(lab, label, ns, dev, filter, inboundOnly);
    await capture.proc.waitForLine(/^listening on /, 10_000);
    return capture;
  }

  /** What a router sends, seen on its switch port. */
  static fromRouter(lab: GatewayLab, router: "r1" | "r2", filter: string): Promise<WireCapture> {
    return WireCapture.start(lab, `tcpdump-p-${router}`, lab.sw, `p-${router}`, filter, true);
  }

  /** Waits (bounded) for a frame at or after `from` that matches. */
  async waitFor(what: string, match: (frame: WireFrame) => boolean, timeoutMs = 5000, from = -Infinity): Promise<WireFrame> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const found = this.frames.find((f) => f.at >= from && match(f));
      if (found) return found;
      if (!this.proc.isRunning) throw new Error(`tcpdump (${this.proc.label}) exited while waiting for ${what}:\n${this.proc.lines.join("\n")}`);
      if (performance.now() > deadline) throw new Error(`no ${what} on the wire within ${timeoutMs} ms (${this.frames.length} frames captured)`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** VRRP adverts among the captured frames. */
  adverts(): VrrpAdvert[] {
    return this.frames.flatMap((f) => {
      const m = ADVERT.exec(f.text);
      if (!m) return [];
      return [{ at: f.at, srcMac: f.srcMac, src: m[1] ?? "", dst: m[2] ?? "", version: Number(m[3]), vrid: Number(m[4]), priority: Number(m[5]) }];
    });
  }

  stop(): void {
    this.proc.kill("SIGINT");
  }
}

/** A gratuitous ARP for `vip` (the RFC 5227 announcement form: sender IP = target IP = VIP, or a reply for it). */
export function isGratuitousArp(frame: WireFrame, vip: string): boolean {
  if (frame.ethertype !== "ARP") return false;
  // tcpdump shows the target hardware address when it is not zero (we, like keepalived, send ff:ff:ff:ff:ff:ff).
  const request = /^Request who-has (\S+)(?: \([0-9a-f:]+\))? tell (\S+),/.exec(frame.text);
  if (request) return request[1] === vip && request[2] === vip;
  return new RegExp(`^Reply ${vip.replace(/\./g, "\\.")} is-at `).test(frame.text);
}

/** An unsolicited neighbour advertisement for `target` (tcpdump: "ICMP6, neighbor advertisement, tgt is X"). */
export function isNeighborAdvert(frame: WireFrame, target: string): boolean {
  return frame.ethertype === "IPv6" && frame.text.includes(`neighbor advertisement, tgt is ${target},`);
}

/** Largest time between consecutive items, in ms (0 with fewer than two). */
export function largestGapMs(times: readonly number[]): number {
  let gap = 0;
  for (let i = 1; i < times.length; i++) gap = Math.max(gap, (times[i] ?? 0) - (times[i - 1] ?? 0));
  return gap;
}
