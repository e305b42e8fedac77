// keepalived's vrrp_script: each script runs every `interval`, never overlapping its previous run, killed
// with its process group after `timeout` (a failure), and its results pass through rise/fall before the
// protocol core hears "up" or "down". Nothing here can block the protocol: runs are child processes.
// A `type 'file'` check is different: it reports the number it read (the core's tracked value), with no rise/fall.
import { setMaxListeners } from "node:events";
import type { FSWatcher } from "node:fs";
import { ScriptHealth } from "../vrrp/script-health.ts";
import type { TrackReading, TrackState } from "../vrrp/tracking.ts";
import { parseCommand } from "./command.ts";
import type { Logger } from "./log.ts";
import { runProcess, type RunResult } from "./run-process.ts";
import type { FileCheck, HttpCheck, PingCheck, ProcessCheck, TcpCheck } from "../config/model.ts";
import { initialiseTrackFile, readTrackFile, watchTrackFile } from "./trackers/file-check.ts";
import { runHttpCheck } from "./trackers/http-check.ts";
import { runPingCheck } from "./trackers/ping-check.ts";
import { runProcessCheck } from "./trackers/process-check.ts";
import { runTcpCheck } from "./trackers/tcp-check.ts";
import type { Identity } from "./users.ts";

export interface TrackScriptSpec {
  readonly name: string;
  readonly script: string;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly rise: number;
  readonly fall: number;
  readonly initFail: boolean;
  readonly identity?: Identity | undefined;
  /** A native HTTP(S) check run inside the daemon instead of `script`. */
  readonly http?: HttpCheck | undefined;
  /** A native ICMP echo check run inside the daemon instead of `script`. */
  readonly ping?: PingCheck | undefined;
  /** A native TCP connect check run inside the daemon instead of `script`. */
  readonly tcp?: TcpCheck | undefined;
  /** A native /proc process check run inside the daemon instead of `script`. */
  readonly process?: ProcessCheck | undefined;
  /** A file whose number is the tracked value (keepalived's track_file). */
  readonly file?: FileCheck | undefined;
}

/** A file's change is read this long after the last event, so one write's burst of events is one read. */
const FILE_SETTLE_MS = 20;

export interface TrackScriptStatus {
  readonly name: string;
  readonly type: "script" | "http" | "ping" | "tcp" | "process" | "file";
  /** For a file: unknown until the first read, then up. */
  readonly state: TrackState;
  /** For a file: the number last read; null before the first read and for other types. */
  readonly value: number | null;
  readonly running: boolean;
  readonly runs: number;
  readonly failures: number;
  readonly timeouts: number;
  readonly skippedOverlaps: number;
  readonly lastResult: { readonly ok: boolean; readonly exitCode: number | null; readonly timedOut: boolean; readonly durationMs: number; readonly detail: string } | null;
}

class Tracker {
  readonly health: ScriptHealth;
  running = false;
  runs = 0;
  failures = 0;
  timeouts = 0;
  skippedOverlaps = 0;
  lastResult: RunResult | undefined;
  timer: NodeJS.Timeout | undefined;
  /** A file check's value and the watch on its directory. */
  value: number | undefined;
  watcher: FSWatcher | undefined;
  settle: NodeJS.Timeout | undefined;
  /** A change was reported during a read: read again when it ends, or the change waits for the next interval. */
  readAgain = false;

  constructor(readonly spec: TrackScriptSpec) {
    // A file check has no runs to count: rise, fall and init_fail are a script's (its value is unknown until read).
    this.health = new ScriptHealth(spec.rise, spec.fall, spec.file === undefined && spec.initFail);
  }
}

export class TrackScripts {
  private readonly trackers = new Map<string, Tracker>();
  private stopped = false;
  /** Kills every run still going when we stop: a check must not outlive the daemon or run twice after a reload. */
  private readonly abort = new AbortController();

  constructor(
    specs: readonly TrackScriptSpec[],
    private readonly onChange: (name: string, reading: TrackReading) => void,
    private readonly logger: Logger,
  ) {
    for (const spec of specs) this.trackers.set(spec.name, new Tracker(spec));
    // Every run in progress listens on the one abort signal: a hundred native checks are a hundred listeners.
    setMaxListeners(0, this.abort.signal);
  }

  /** `daemonStart`: the daemon's own start, not a reload; only then are track files initialised (keepalived). */
  start(daemonStart = false): void {
    for (const tracker of this.trackers.values()) {
      if (tracker.health.state !== "unknown") this.onChange(tracker.spec.name, tracker.health.state);
      const file = tracker.spec.file;
      if (file === undefined) this.schedule(tracker, 0);
      else void this.startFile(tracker, file, daemonStart);
    }
  }

  stop(): void {
    this.stopped = true;
    for (const tracker of this.trackers.values()) {
      clearTimeout(tracker.timer);
      clearTimeout(tracker.settle);
      tracker.watcher?.close();
    }
    this.abort.abort();
  }

  status(): TrackScriptStatus[] {
    return [...this.trackers.values()].map((t) => ({
      name: t.spec.name,
      type: typeOf(t.spec),
      state: t.spec.file === undefined ? t.health.state : t.value === undefined ? "unknown" : "up",
      value: t.value ?? null,
      running: t.running,
      runs: t.runs,
      failures: t.failures,
      timeouts: t.timeouts,
      skippedOverlaps: t.skippedOverlaps,
      lastResult: t.lastResult ? { ok: t.lastResult.ok, exitCode: t.lastResult.exitCode, timedOut: t.lastResult.timedOut, durationMs: t.lastResult.durationMs, detail: t.lastResult.stderrTail } : null,
    }));
  }

  private schedule(tracker: Tracker, delayMs: number): void {
    if (this.stopped) return;
    tracker.timer = setTimeout(() => this.tick(tracker), delayMs);
  }

  private async startFile(tracker: Tracker, file: FileCheck, daemonStart: boolean): Promise<void> {
    const initialised = daemonStart ? await initialiseTrackFile(file) : undefined;
    if (initialised !== undefined) this.logger.log("info", `track_script ${tracker.spec.name}: ${initialised}`);
    if (this.stopped) return;
    tracker.watcher = watchTrackFile(file, () => {
      clearTimeout(tracker.settle);
      tracker.settle = setTimeout(() => this.readFile(tracker, file), FILE_SETTLE_MS);
    });
    this.schedule(tracker, 0);
  }

  /** One read of a file check; asked during one, it reads again once that one ends. */
  private readFile(tracker: Tracker, file: FileCheck): void {
    if (this.stopped) return;
    if (tracker.running) {
      tracker.readAgain = true;
      return;
    }
    tracker.running = true;
    void readTrackFile(file).then(({ result, value }) => {
      tracker.running = false;
      if (this.stopped) return;
      if (tracker.readAgain) {
        tracker.readAgain = false;
        this.readFile(tracker, file);
      }
      tracker.runs++;
      tracker.lastResult = result;
      if (!result.ok) tracker.failures++;
      if (value === undefined || value === tracker.value) return;
      tracker.value = value;
      this.logger.log("info", `track_script ${tracker.spec.name} value is now ${value} (${result.stderrTail})`);
      this.onChange(tracker.spec.name, value);
    });
  }

  private tick(tracker: Tracker): void {
    this.schedule(tracker, tracker.spec.intervalMs);
    if (tracker.spec.file !== undefined) return this.readFile(tracker, tracker.spec.file);
    if (tracker.running) {
      // keepalived issue #946: never start a run while the previous one is still going.
      tracker.skippedOverlaps++;
      return;
    }
    tracker.running = true;
    const { http, ping, tcp, process: proc, timeoutMs } = tracker.spec;
    const run =
      http !== undefined
        ? runHttpCheck(http, timeoutMs, this.abort.signal)
        : ping !== undefined
          ? runPingCheck(ping, timeoutMs, this.abort.signal)
          : tcp !== undefined
            ? runTcpCheck(tcp, timeoutMs, this.abort.signal)
            : proc !== undefined
              ? runProcessCheck(proc, timeoutMs, this.abort.signal)
              : runProcess(parseCommand(tracker.spec.script), { timeoutMs, identity: tracker.spec.identity, signal: this.abort.signal });
    void run.then((result) => {
      tracker.running = false;
      if (this.stopped) return;
      this.record(tracker, result);
    });
  }

  private record(tracker: Tracker, result: RunResult): void {
    tracker.runs++;
    tracker.lastResult = result;
    if (!result.ok) tracker.failures++;
    if (result.timedOut) tracker.timeouts++;
    const changed = tracker.health.record(result.ok);
    if (changed === undefined) return;
    const why = tracker.spec.http !== undefined
      ? `${tracker.spec.http.url}: ${result.stderrTail}`
      : tracker.spec.ping !== undefined
        ? `ping ${result.stderrTail}`
        : tracker.spec.tcp !== undefined || tracker.spec.process !== undefined
          ? result.stderrTail
          : result.timedOut
      ? `timed out after ${tracker.spec.timeoutMs} ms (process group killed)`
      : result.spawnError
        ? `could not start: ${result.spawnError}`
        : `exit ${result.exitCode ?? result.signal}${result.stderrTail ? `: ${result.stderrTail}` : ""}`;
    this.logger.log(changed === "up" ? "info" : "warning", `track_script ${tracker.spec.name} is now ${changed} (${why})`);
    this.onChange(tracker.spec.name, changed);
  }
}

function typeOf(spec: TrackScriptSpec): TrackScriptStatus["type"] {
  if (spec.http !== undefined) return "http";
  if (spec.ping !== undefined) return "ping";
  if (spec.tcp !== undefined) return "tcp";
  if (spec.process !== undefined) return "process";
  if (spec.file !== undefined) return "file";
  return "script";
}
