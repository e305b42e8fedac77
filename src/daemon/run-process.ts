// Runs one script with a hard timeout. The child gets its own process group, so a timeout kills everything
// it started (a hung `curl` inside a shell script too), and a run never outlives its budget.
import { spawn, type ChildProcess } from "node:child_process";
import type { Command } from "./command.ts";
import type { Identity } from "./users.ts";

export interface RunOptions {
  readonly timeoutMs: number;
  readonly identity?: Identity | undefined;
  readonly env?: Readonly<Record<string, string>>;
  /** Aborting kills the whole process group at once (the daemon stopping or reloading). */
  readonly signal?: AbortSignal;
}

export interface RunResult {
  readonly ok: boolean;
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly timedOut: boolean;
  readonly durationMs: number;
  /** The last bytes the script wrote to stderr, for the log line that says why it failed. */
  readonly stderrTail: string;
  readonly spawnError?: string;
}

const STDERR_TAIL_BYTES = 512;

export function runProcess(command: Command, options: RunOptions): Promise<RunResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    let stderrTail = "";
    let timedOut = false;
    let settled = false;
    const finish = (result: Omit<RunResult, "durationMs" | "stderrTail" | "timedOut">): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...result, timedOut, durationMs: performance.now() - started, stderrTail: stderrTail.trim() });
    };
    let child: ChildProcess;
    try {
      child = spawn(command.file, [...command.args], {
        detached: true, // new process group: kill(-pid) reaches grandchildren
        stdio: ["ignore", "ignore", "pipe"],
        env: { PATH: process.env.PATH ?? "/usr/sbin:/usr/bin:/sbin:/bin", ...options.env },
        ...(options.identity ? { uid: options.identity.uid, gid: options.identity.gid } : {}),
      });
    } catch (error) {
      // Some failures throw instead of emitting "error": the child could not become script_user (EPERM without
      // CAP_SETUID), or an argument node refuses. A rejection here would crash the daemon, unhandled.
      settled = true;
      const spawnError = error instanceof Error ? error.message : String(error);
      resolve({ ok: false, exitCode: null, signal: null, timedOut: false, durationMs: performance.now() - started, stderrTail: "", spawnError });
      return;
    }
    child.stderr?.on("data", (chunk: Buffer) => {
      stderrTail = (stderrTail + chunk.toString("utf8")).slice(-STDERR_TAIL_BYTES);
    });
    const killGroup = (): void => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        child.kill("SIGKILL");
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, options.timeoutMs);
    if (options.signal?.aborted) killGroup();
    options.signal?.addEventListener("abort", killGroup, { once: true });
    child.on("error", (error) => finish({ ok: false, exitCode: null, signal: null, spawnError: error.message }));
    child.on("close", (code, signal) => finish({ ok: code === 0 && !timedOut, exitCode: code, signal }));
  });
}
