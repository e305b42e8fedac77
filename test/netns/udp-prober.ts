// The client's view of a failover, at a true 10 ms rate: a UDP probe every 10 ms from the client to the VIP,
// echoed by whichever router holds it. (ping -i 0.01 paces itself at ~16 ms here, so it undercounts losses.)
import { join } from "node:path";
import { REPO_ROOT, type GatewayLab, type LabProcess } from "./gateway-lab.ts";
import type { ProbeReport } from "./prober.ts";

const AGENT = join(REPO_ROOT, "test/netns/udp-probe-agent.ts");
const PORT = "7";

export class UdpProber {
  private readonly echoes: LabProcess[];
  private readonly probe: LabProcess;
  private readonly replies = new Map<number, number>(); // seq -> sentAt (ms since probe start)

  constructor(lab: GatewayLab, target: string, readonly intervalMs = 10) {
    const family = target.includes(":") ? "6" : "4";
    const node = [process.execPath, "--import", "tsx", AGENT];
    this.echoes = (["r1", "r2"] as const).map((r) => lab.spawn(`echo-${r}`, lab.ns[r], [...node, "echo", PORT, family]));
    this.probe = lab.spawn("udp-probe", lab.ns.client, [...node, "probe", target, PORT, String(intervalMs)], {
      onLine: (line) => {
        if (!line.startsWith("{")) return;
        const event = JSON.parse(line) as { seq?: number; sentAt?: number };
        if (event.seq !== undefined) this.replies.set(event.seq, event.sentAt ?? 0);
      },
    });
  }

  get answered(): number {
    return this.replies.size;
  }

  async stop(): Promise<ProbeReport> {
    await new Promise((r) => setTimeout(r, 100)); // replies to the last probes are still in flight
    for (const p of [this.probe, ...this.echoes]) p.kill("SIGKILL");
    return this.report();
  }

  report(): ProbeReport {
    const lastAnswered = Math.max(-1, ...this.replies.keys());
    // Count from the first answered probe: the ones sent before the echo servers were up say nothing.
    const firstAnswered = Math.min(lastAnswered, ...this.replies.keys());
    const lostSeqs: number[] = [];
    for (let s = firstAnswered; s <= lastAnswered; s++) if (!this.replies.has(s)) lostSeqs.push(s);
    const times = [...this.replies.values()].sort((a, b) => a - b);
    let longestGapMs = 0;
    for (let i = 1; i < times.length; i++) longestGapMs = Math.max(longestGapMs, (times[i] ?? 0) - (times[i - 1] ?? 0));
    return { sent: lastAnswered - firstAnswered + 1, answered: this.replies.size, lost: lostSeqs.length, longestGapMs, lostSeqs };
  }
}
