// One VRRP daemon on one lab router, seen the same way whatever it is (vrrpd, keepalived, FRR), so one scenario
// (scenario.ts) drives every pairing. Each implementation reads the daemon's state where that daemon publishes it.
import type { RouterName } from "../netns/gateway-lab.ts";

export type PeerState = "master" | "backup" | "fault" | "init" | "stopped" | "unknown";

export interface Peer {
  /** "vrrpd", "keepalived" or "FRR". */
  readonly daemon: string;
  readonly router: RouterName;
  readonly priority: number;
  /** Starts the daemon (again, after crash() or stop()); resolves once it runs, not once it has converged. */
  start(): Promise<void>;
  /** The daemon's own view of its state. */
  state(): PeerState;
  /** The VIP is live on this router, i.e. it would answer the client. */
  holdsVip(): boolean;
  /** Power loss: every process of the daemon SIGKILLed, nothing sent on the wire. Resolves when they are gone. */
  crash(): Promise<void>;
  /** Graceful stop (SIGTERM, the daemon sends priority 0). Returns at once; the promise settles when it has exited. */
  stop(): { exited: Promise<void> };
  /** Starts a window for complaints() and the counters. */
  mark(): void;
  /** Lines since mark() in which the daemon complains about packets (checksum, authentication, mismatches). */
  complaints(): string[];
  /** Adverts the daemon accepted since it started, when it exposes that (vtysh stats, status counters). */
  accepted(): number | undefined;
  /** Whether the daemon says its last takeover was caused by a priority-0 advert; undefined when it does not say. */
  tookOverOnPriorityZero(): boolean | undefined;
  /** The last lines of the daemon's log, for failure messages. */
  logTail(lines?: number): string;
}

export async function waitFor(what: string, check: () => boolean, timeoutMs: number, stepMs = 5, context?: () => string): Promise<number> {
  const started = performance.now();
  for (;;) {
    if (check()) return performance.now() - started;
    if (performance.now() - started > timeoutMs) {
      throw new Error(`timed out after ${timeoutMs.toFixed(0)} ms waiting for ${what}${context ? `\n${context()}` : ""}`);
    }
    await new Promise((resolve) => setTimeout(resolve, stepMs));
  }
}
