// The gateway lab (test/netns/gateway-lab.ts) plus what the real daemons add to it: processes the lab did not spawn
// (keepalived's VRRP child, found through its pid file), and files outside the lab's temp dir (FRR's crash-log dirs).
// All of it is undone in cleanup(), which also runs the lab's own cleanup (kill by pid, delete the namespaces).
import { readFileSync, rmSync } from "node:fs";
import { GatewayLab, type LabProcess } from "../netns/gateway-lab.ts";

interface Adopted {
  readonly pid: number;
  /** /proc/PID/stat field 22: tells our process from a later one that reuses the pid. */
  readonly startTime: string;
  readonly label: string;
}

const everyAdopted = new Set<Adopted>();
process.on("exit", () => {
  for (const p of everyAdopted) signalAdopted(p, "SIGKILL");
});

function startTimeOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces and parentheses: count fields after the last ')'.
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
  } catch {
    return undefined;
  }
}

function signalAdopted(p: Adopted, signal: NodeJS.Signals): boolean {
  if (startTimeOf(p.pid) !== p.startTime) return false; // gone, or the pid now belongs to someone else
  try {
    process.kill(p.pid, signal);
    return true;
  } catch {
    return false;
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits (bounded) for a lab process to exit; true when it did. */
export async function exited(proc: LabProcess, timeoutMs: number): Promise<boolean> {
  if (!proc.isRunning) return true;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
  try {
    return await Promise.race([proc.exited.then(() => true), timeout]);
  } finally {
    clearTimeout(timer); // a pending timer would keep the test process alive after its last test
  }
}

export class InteropLab extends GatewayLab {
  private readonly adopted = new Set<Adopted>();
  private readonly undo: (() => void)[] = [];
  private readonly first: (() => void)[] = [];

  /** Track a process started by one of ours (e.g. a daemon's child) so cleanup kills it by pid. */
  adopt(pid: number, label: string): void {
    const startTime = startTimeOf(pid);
    if (startTime === undefined) return; // already gone
    const p = { pid, startTime, label };
    this.adopted.add(p);
    everyAdopted.add(p);
  }

  /** Signal an adopted process; false when it is gone (or its pid was reused). */
  signalAdopted(pid: number, signal: NodeJS.Signals): boolean {
    const p = [...this.adopted].find((a) => a.pid === pid);
    return p !== undefined && signalAdopted(p, signal);
  }

  isAdoptedAlive(pid: number): boolean {
    const p = [...this.adopted].find((a) => a.pid === pid);
    if (p === undefined || startTimeOf(p.pid) !== p.startTime) return false;
    // A zombie (killed, not yet reaped by its parent) counts as gone.
    try {
      return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, "utf8"));
    } catch {
      return false;
    }
  }

  /** Run at cleanup, last registered first (e.g. remove a directory created for a daemon). */
  onCleanup(action: () => void): void {
    this.undo.push(action);
  }

  /** Run at the start of cleanup, before any process is killed (e.g. freeze a parent that would respawn a child). */
  onTeardown(action: () => void): void {
    this.first.push(action);
  }

  removeOnCleanup(path: string): void {
    this.onCleanup(() => rmSync(path, { recursive: true, force: true }));
  }

  override cleanup(): void {
    for (const action of this.first.splice(0)) {
      try {
        action();
      } catch (error) {
        console.error(`interop teardown: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    for (const p of this.adopted) {
      signalAdopted(p, "SIGKILL");
      everyAdopted.delete(p);
    }
    this.adopted.clear();
    try {
      super.cleanup();
    } finally {
      for (const action of this.undo.splice(0).reverse()) {
        try {
          action();
        } catch (error) {
          console.error(`interop cleanup: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    }
  }
}

/** Runs `body` in a fresh lab and always cleans up, also when the body throws. */
export async function withLab<T>(body: (lab: InteropLab) => Promise<T>): Promise<T> {
  const lab = new InteropLab();
  try {
    return await body(lab);
  } finally {
    lab.cleanup();
  }
}
