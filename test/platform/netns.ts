// Throw-away network namespaces for the platform tests. Rules, so a failing or killed test leaves nothing behind:
// - every namespace is named `vrrpd-t-<pid>-<n>-<label>` and deleted by cleanup(), which runs in a finally, in a
//   process 'exit' hook and on SIGINT/SIGTERM; namespaces of dead earlier runs (their pid gone) are swept at start;
// - only documentation addresses (192.0.2.0/24, 198.51.100.0/24, 2001:db8::/32) and link-local are used;
// - code that needs a socket in a namespace runs in a child `ip netns exec NS node --import tsx agent.ts`
//   (`ip netns exec` setns()es and then execs node, so the child pid is the one we spawned and kill);
//   the child also exits by itself when its stdin closes, i.e. when this process dies;
// - every wait is bounded in time (and event buffers in count).
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { TestContext } from "node:test";

const PREFIX = "vrrpd-t-";
const OUR_PREFIX = `${PREFIX}${process.pid}-`;
const AGENT = fileURLToPath(new URL("./fixtures/agent.ts", import.meta.url));
const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const MAX_EVENTS = 10_000;

/** Why namespace tests cannot run here, or undefined when they can. */
export function netnsUnavailableReason(): string | undefined {
  if (process.getuid?.() !== 0) return "not running as root (network namespaces and raw sockets need it)";
  const probe = spawnSync("ip", ["netns", "list"], { encoding: "utf8", timeout: 5000 });
  if (probe.error !== undefined || probe.status !== 0) {
    return `\`ip netns\` is unavailable: ${probe.error?.message ?? probe.stderr.trim()}`;
  }
  return undefined;
}

/**
 * True when the test must not run: it is then skipped with a loud message, except under CI=true, where a missing
 * prerequisite is a failure (a CI that silently skips the kernel tests would prove nothing).
 */
export function skipWithoutNetns(t: TestContext): boolean {
  const reason = netnsUnavailableReason();
  if (reason === undefined) return false;
  if (process.env.CI === "true") assert.fail(`platform tests cannot run under CI=true: ${reason}`);
  console.error(`\n!!! SKIPPING ${t.name}: ${reason}. Run as root with iproute2 to test the Linux platform. !!!\n`);
  t.skip(reason);
  return true;
}

function run(args: readonly string[], timeoutMs = 10_000): string {
  const result = spawnSync("ip", args, { encoding: "utf8", timeout: timeoutMs });
  if (result.error !== undefined || result.status !== 0) {
    throw new Error(`ip ${args.join(" ")} failed: ${result.error?.message ?? result.stderr.trim()}`);
  }
  return result.stdout;
}

const labs = new Set<NetnsLab>();
let hooksInstalled = false;

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on("exit", () => {
    for (const lab of labs) lab.cleanup();
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      for (const lab of labs) lab.cleanup();
      process.exit(128 + (signal === "SIGINT" ? 2 : 15));
    });
  }
  sweepStale();
}

/** Namespaces left by an earlier run whose process no longer exists (killed -9, power loss). */
function sweepStale(): void {
  for (const line of run(["netns", "list"]).split("\n")) {
    const name = line.split(" ")[0] ?? "";
    const pid = Number(/^vrrpd-t-(\d+)-/.exec(name)?.[1]);
    if (!Number.isInteger(pid) || pid === process.pid || processAlive(pid)) continue;
    spawnSync("ip", ["netns", "del", name], { timeout: 5000 });
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

let counter = 0;

export class NetnsLab {
  private readonly namespaces: string[] = [];
  private readonly agents = new Set<Agent>();

  constructor() {
    installHooks();
    labs.add(this);
  }

  /** A fresh namespace with lo up and IPv6 DAD off (so addresses are usable at once, no 1 s wait). */
  namespace(label: string): string {
    const name = `${OUR_PREFIX}${++counter}-${label}`;
    run(["netns", "add", name]);
    this.namespaces.push(name);
    this.ip(name, "link", "set", "lo", "up");
    for (const key of ["all", "default"]) this.sysctl(name, `net.ipv6.conf.${key}.accept_dad`, "0");
    return name;
  }

  /** `ip -n ns args...`; throws with ip's stderr. */
  ip(ns: string, ...args: string[]): string {
    return run(["-n", ns, ...args]);
  }

  /** Many `ip` commands in one process (`ip -batch -`): much faster than one spawn each. */
  ipBatch(ns: string, lines: readonly string[]): void {
    const result = spawnSync("ip", ["-n", ns, "-batch", "-"], { input: lines.join("\n"), encoding: "utf8", timeout: 10_000 });
    if (result.status !== 0) throw new Error(`ip -batch in ${ns} failed: ${result.error?.message ?? result.stderr.trim()}`);
  }

  ipJson<T>(ns: string, ...args: string[]): T {
    return JSON.parse(run(["-n", ns, "-j", ...args])) as T;
  }

  sysctl(ns: string, key: string, value: string): void {
    const result = spawnSync("ip", ["netns", "exec", ns, "sysctl", "-q", "-w", `${key}=${value}`], { encoding: "utf8", timeout: 5000 });
    if (result.status !== 0) throw new Error(`sysctl ${key} in ${ns}: ${result.stderr.trim()}`);
  }

  /** A veth pair created inside `nsA` (no name clash with the host) with its peer moved to `nsB`, both up. */
  veth(nsA: string, devA: string, nsB: string, devB: string): void {
    this.ip(nsA, "link", "add", devA, "type", "veth", "peer", "name", devB, "netns", nsB);
    this.ip(nsA, "link", "set", devA, "up");
    this.ip(nsB, "link", "set", devB, "up");
  }

  ifindex(ns: string, dev: string): number {
    const [link] = this.ipJson<{ ifindex: number }[]>(ns, "link", "show", "dev", dev);
    assert.ok(link !== undefined, `no ${dev} in ${ns}`);
    return link.ifindex;
  }

  /** Starts the agent in `ns` and waits (bounded) until it has loaded the platform. */
  async agent(ns: string): Promise<Agent> {
    const child = spawn("ip", ["netns", "exec", ns, process.execPath, "--expose-gc", "--import", "tsx", AGENT], {
      cwd: REPO_ROOT,
      stdio: ["pipe", "pipe", "pipe"],
    });
    const agent = new Agent(child, ns);
    this.agents.add(agent);
    await agent.waitFor((e) => e.type === "ready", 10_000);
    return agent;
  }

  /** Kills every agent by pid and deletes every namespace; synchronous so it also works in an 'exit' hook. */
  cleanup(): void {
    for (const agent of this.agents) agent.kill();
    this.agents.clear();
    for (const ns of this.namespaces.splice(0)) spawnSync("ip", ["netns", "del", ns], { timeout: 5000 });
    labs.delete(this);
  }
}

export interface AgentEvent {
  readonly type: string;
  readonly [field: string]: unknown;
}

/** A child process in a namespace, driven by JSON lines: requests on stdin, replies and events on stdout. */
export class Agent {
  readonly events: AgentEvent[] = [];
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly waiters = new Set<() => void>();
  private nextId = 0;
  private stderr = "";
  private exited = false;

  constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    readonly ns: string,
  ) {
    let buffered = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      buffered += chunk;
      let newline: number;
      while ((newline = buffered.indexOf("\n")) >= 0) {
        this.onLine(buffered.slice(0, newline));
        buffered = buffered.slice(newline + 1);
      }
    });
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-4000);
    });
    child.on("exit", (code, signal) => {
      this.exited = true;
      const error = new Error(`agent in ${ns} exited (${code ?? signal}); stderr:\n${this.stderr}`);
      for (const { reject } of this.pending.values()) reject(error);
      this.pending.clear();
      for (const wake of this.waiters) wake();
    });
    child.stdin.on("error", () => undefined); // EPIPE after the child died is reported by 'exit'
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  call<T = unknown>(command: string, args: Record<string, unknown> = {}, timeoutMs = 5000): Promise<T> {
    if (this.exited) return Promise.reject(new Error(`agent in ${this.ns} is gone; stderr:\n${this.stderr}`));
    const id = ++this.nextId;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`agent ${command} timed out after ${timeoutMs} ms; stderr:\n${this.stderr}`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (v) => (clearTimeout(timer), resolve(v as T)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
      this.child.stdin.write(`${JSON.stringify({ id, command, args })}\n`);
    });
  }

  /** The first event (already received or arriving within `timeoutMs`) that matches. */
  async waitFor(match: (event: AgentEvent) => boolean, timeoutMs = 5000): Promise<AgentEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find(match);
      if (found !== undefined) return found;
      const left = deadline - Date.now();
      if (left <= 0 || this.exited) {
        const recent = this.events.slice(-10).map((e) => JSON.stringify(e)).join("\n");
        throw new Error(`agent in ${this.ns}: no matching event within ${timeoutMs} ms; last events:\n${recent}\nstderr:\n${this.stderr}`);
      }
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          clearTimeout(timer);
          this.waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, left);
        this.waiters.add(wake);
      });
    }
  }

  /** Waits a fixed time and returns the matching events: for "this must NOT arrive" checks. */
  async collect(match: (event: AgentEvent) => boolean, forMs: number): Promise<AgentEvent[]> {
    await new Promise((resolve) => setTimeout(resolve, forMs));
    return this.events.filter(match);
  }

  kill(): void {
    if (this.exited || this.child.pid === undefined) return;
    try {
      process.kill(this.child.pid, "SIGKILL");
    } catch {
      // already gone
    }
  }

  private onLine(line: string): void {
    let message: { type?: string; id?: number; ok?: boolean; value?: unknown; error?: string };
    try {
      message = JSON.parse(line) as typeof message;
    } catch {
      this.stderr += `\n[unparsable stdout] ${line}`;
      return;
    }
    if (message.type === "reply" && message.id !== undefined) {
      const pending = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.ok === true) pending?.resolve(message.value);
      else pending?.reject(new Error(`agent: ${message.error ?? "failed"}`));
      return;
    }
    if (this.events.length < MAX_EVENTS) this.events.push(message as AgentEvent);
    for (const wake of [...this.waiters]) wake();
  }
}
