// Notify scripts with keepalived's conventions, and OpenWrt's hotplug convention, delivered in transition
// order per instance (keepalived runs them unordered and concurrently: issues #996, #584), each with a timeout.
//
// keepalived: notify_master / notify_backup / notify_fault / notify_stop run as written; `notify` gets
// "INSTANCE <name> <STATE> <priority>" (or "GROUP <name> <STATE>") appended.
// OpenWrt: every executable in the hotplug directory (via `hotplug-call vrrp` when present) and /etc/vrrp.user
// get ACTION, TYPE, INSTANCE, DEVICE, VIPS, PRIORITY, PREVIOUS and REASON in the environment.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { type Command, parseCommand } from "./command.ts";
import type { Logger } from "./log.ts";
import { runProcess } from "./run-process.ts";
import type { Identity } from "./users.ts";

export type NotifyState = "MASTER" | "BACKUP" | "FAULT" | "STOP";

export interface NotifyScripts {
  readonly master?: string | undefined;
  readonly backup?: string | undefined;
  readonly fault?: string | undefined;
  readonly stop?: string | undefined;
  readonly any?: string | undefined;
}

export interface NotifyEvent {
  readonly type: "INSTANCE" | "GROUP";
  readonly name: string;
  readonly state: NotifyState;
  readonly previous: string;
  readonly reason: string;
  readonly priority: number;
  readonly device: string;
  readonly vips: readonly string[];
}

export interface NotifyOptions {
  readonly timeoutMs: number;
  readonly identity?: Identity | undefined;
  /** Directory of hotplug scripts (/etc/hotplug.d/vrrp); undefined disables hotplug. */
  readonly hotplugDir?: string | undefined;
  /** `hotplug-call` binary; when it exists it runs the directory the OpenWrt way. */
  readonly hotplugCall?: string;
  readonly userHook?: string | undefined;
}

export class NotifyDispatcher {
  /** One promise chain per instance or group: delivery in transition order. */
  private readonly queues = new Map<string, Promise<void>>();
  private pending = 0;

  constructor(
    private options: NotifyOptions,
    private readonly logger: Logger,
  ) {}

  /** A reload changes scripts and paths; notifications already queued keep their place in line. */
  setOptions(options: NotifyOptions): void {
    this.options = options;
  }

  notify(event: NotifyEvent, scripts: NotifyScripts): void {
    const jobs = this.jobsFor(event, scripts);
    if (jobs.length === 0) return;
    const key = `${event.type}:${event.name}`;
    this.pending++;
    const previous = this.queues.get(key) ?? Promise.resolve();
    const next = previous.then(() => this.runAll(event, jobs)).finally(() => this.pending--);
    this.queues.set(key, next);
  }

  /** Resolves when every queued notification has run (used on shutdown so notify_stop is not lost). */
  async drain(): Promise<void> {
    while (this.pending > 0) await Promise.all(this.queues.values());
  }

  private jobsFor(event: NotifyEvent, scripts: NotifyScripts): { label: string; command: Command; env: Record<string, string> }[] {
    const env = environment(event);
    const jobs: { label: string; command: Command; env: Record<string, string> }[] = [];
    const specific = { MASTER: scripts.master, BACKUP: scripts.backup, FAULT: scripts.fault, STOP: scripts.stop }[event.state];
    if (specific) jobs.push({ label: `notify_${event.state.toLowerCase()}`, command: parseCommand(specific), env });
    if (scripts.any) {
      const base = parseCommand(scripts.any);
      const extra = event.type === "INSTANCE" ? [event.type, event.name, event.state, String(event.priority)] : [event.type, event.name, event.state];
      const command = base.shell
        ? { ...base, args: [base.args[0] ?? "-c", `${base.args[1] ?? ""} ${extra.map(shellQuote).join(" ")}`] }
        : { ...base, args: [...base.args, ...extra] };
      jobs.push({ label: "notify", command, env });
    }
    const { hotplugDir, hotplugCall, userHook } = this.options;
    if (hotplugDir !== undefined) {
      if (hotplugCall && existsSync(hotplugCall)) {
        jobs.push({ label: "hotplug-call vrrp", command: { file: hotplugCall, args: ["vrrp"], shell: false }, env });
      } else if (existsSync(hotplugDir)) {
        for (const file of readdirSync(hotplugDir).sort()) {
          jobs.push({ label: `hotplug ${file}`, command: { file: "/bin/sh", args: [join(hotplugDir, file)], shell: true }, env });
        }
      }
    }
    if (userHook && existsSync(userHook)) jobs.push({ label: userHook, command: { file: "/bin/sh", args: [userHook], shell: true }, env });
    return jobs;
  }

  private async runAll(event: NotifyEvent, jobs: readonly { label: string; command: Command; env: Record<string, string> }[]): Promise<void> {
    for (const job of jobs) {
      const result = await runProcess(job.command, { timeoutMs: this.options.timeoutMs, identity: this.options.identity, env: job.env });
      if (!result.ok) {
        const why = result.timedOut ? `timed out after ${this.options.timeoutMs} ms` : result.spawnError ?? `exit ${result.exitCode ?? result.signal}`;
        this.logger.log("warning", `${job.label} for ${event.state} failed: ${why}${result.stderrTail ? `: ${result.stderrTail}` : ""}`, event.name);
      }
    }
  }
}

function environment(event: NotifyEvent): Record<string, string> {
  return {
    ACTION: event.state,
    TYPE: event.type,
    NAME: event.name,
    INSTANCE: event.name,
    STATE: event.state,
    PREVIOUS: event.previous,
    REASON: event.reason,
    PRIORITY: String(event.priority),
    DEVICE: event.device,
    VIPS: event.vips.join(" "),
  };
}

function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`;
}
