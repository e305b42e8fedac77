// The client's view of a failover: ping the VIP every 10 ms from the client namespace and record, per probe,
// whether a reply came. `ping -O` reports every probe that got no answer before the next one was sent.
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
}

const REPLY = /^\[(\d+\.\d+)\] \d+ bytes from .*icmp_seq=(\d+)/;
const NO_ANSWER = /^\[(\d+\.\d+)\] no answer yet for icmp_seq=(\d+)/;

export class Prober {
  private readonly proc: LabProcess;
  private readonly answered = new Map<number, number>(); // seq -> reply time (s)
  private readonly missed = new Map<number, number>();

  constructor(lab: GatewayLab, target: string, readonly intervalMs = 10) {
    this.proc = lab.spawn("prober", lab.ns.client, ["ping", "-D", "-O", "-n", "-i", String(intervalMs / 1000), "-W", "1", target], {
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
    return {
      sent: last - first + 1,
      answered: this.answered.size,
      lost: lostSeqs.length,
      longestGapMs,
      lostSeqs,
      ...(firstLost !== undefined ? { firstLostAt: firstLost } : {}),
    };
  }
}
