// A LAN in network namespaces: two routers and a client on one bridge, documentation addresses only.
// Used by the failover tests, the interop tests, the demo and the benchmarks. Every process it starts is
// tracked by pid and killed in cleanup(), which also deletes the namespaces (on failure and on exit too).
import { execFile, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestContext } from "node:test";
import { fileURLToPath } from "node:url";
import { NetnsLab, skipWithoutNetns } from "../platform/netns.ts";

export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const VIP4 = "192.0.2.254";
export const VIP6 = "2001:db8::fe";
export const VIP6_LINK_LOCAL = "fe80::fe";
export const ROUTER_IPV4 = { r1: "192.0.2.1", r2: "192.0.2.2" } as const;
export const ROUTER_IPV6 = { r1: "2001:db8::1", r2: "2001:db8::2" } as const;
export const CLIENT_IPV4 = "192.0.2.100";
export const CLIENT_IPV6 = "2001:db8::64";
export type RouterName = "r1" | "r2";
export const ROUTERS: readonly RouterName[] = ["r1", "r2"];

/** Output lines kept per process: enough for any test, bounded so a chatty process cannot eat the memory. */
const MAX_LINES = 100_000;

export class LabProcess {
  readonly lines: string[] = [];
  /** performance.now() when each line arrived (same index as `lines`). */
  readonly lineTimes: number[] = [];
  readonly exited: Promise<number | null>;
  private partial = "";
  private running = true;

  constructor(
    readonly label: string,
    private readonly child: ChildProcess,
    private readonly onLine?: (line: string) => void,
  ) {
    const take = (chunk: Buffer): void => {
      const text = this.partial + chunk.toString("utf8");
      const parts = text.split("\n");
      this.partial = parts.pop() ?? "";
      for (const line of parts) {
        if (this.lines.length < MAX_LINES) {
          this.lines.push(line);
          this.lineTimes.push(performance.now());
        }
        this.onLine?.(line);
      }
    };
    child.stdout?.on("data", take);
    child.stderr?.on("data", take);
    this.exited = new Promise((resolve) => child.on("exit", (code) => ((this.running = false), resolve(code))));
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get isRunning(): boolean {
    return this.running;
  }

  kill(signal: NodeJS.Signals = "SIGTERM"): void {
    if (!this.running || this.child.pid === undefined) return;
    try {
      process.kill(this.child.pid, signal);
    } catch {
      // Exited between our check and the signal (its exit event not yet delivered): nothing to kill.
    }
  }

  /** Index of the first line at or after `from` that matches, or -1. */
  findLine(pattern: RegExp, from = 0): number {
    for (let i = from; i < this.lines.length; i++) if (pattern.test(this.lines[i] ?? "")) return i;
    return -1;
  }

  /** Lines at or after `from` that match. */
  linesMatching(pattern: RegExp, from = 0): string[] {
    return this.lines.slice(from).filter((line) => pattern.test(line));
  }

  /** Waits (bounded) for a matching line at or after `from`; returns its index. Fails early if the process exits. */
  async waitForLine(pattern: RegExp, timeoutMs = 10_000, from = 0): Promise<number> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const index = this.findLine(pattern, from);
      if (index >= 0) return index;
      if (!this.running) {
        await new Promise((r) => setTimeout(r, 50)); // the last lines may still be in the pipe
        const late = this.findLine(pattern, from);
        if (late >= 0) return late;
        throw new Error(`${this.label} exited before printing ${pattern}`);
      }
      if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${this.label} to print ${pattern}`);
      await sleep(10);
    }
  }

  /** Waits (bounded) for the process to exit; returns its exit code. */
  async waitExit(timeoutMs = 10_000): Promise<number | null> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${this.label} did not exit within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

const processes = new Set<LabProcess>();
process.on("exit", () => {
  for (const p of processes) p.kill("SIGKILL");
});

const liveLabs = new Set<GatewayLab>();

export class GatewayLab {
  readonly lab = new NetnsLab();
  readonly sw: string;
  readonly ns: Record<RouterName | "client", string>;
  readonly dir = mkdtempSync(join(tmpdir(), "vrrpd-lab-"));
  private readonly started: LabProcess[] = [];
  private readonly watches = new Set<HolderWatch>();
  private cleaned = false;

  constructor() {
    liveLabs.add(this);
    this.sw = this.lab.namespace("sw");
    this.lab.ipBatch(this.sw, ["link add br0 type bridge", "link set br0 type bridge mcast_snooping 0", "link set br0 up"]);
    this.ns = { r1: this.lab.namespace("r1"), r2: this.lab.namespace("r2"), client: this.lab.namespace("client") };
    for (const name of Object.keys(this.ns) as (RouterName | "client")[]) {
      this.plugIn(name);
      if (name !== "client") {
        const ns = this.ns[name];
        for (const key of ["net.ipv4.ip_forward", "net.ipv6.conf.all.forwarding"]) this.lab.sysctl(ns, key, "1");
        // A VIP in the router's own subnet must be answered by the master only: no ARP from the wrong interface.
        this.lab.sysctl(ns, "net.ipv4.conf.all.arp_ignore", "1");
      }
    }
  }

  /** Run a command inside a namespace; tracked until cleanup. */
  spawn(label: string, ns: string, argv: readonly string[], options: { env?: Record<string, string>; onLine?: (line: string) => void } = {}): LabProcess {
    const child = spawn("ip", ["netns", "exec", ns, ...argv], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const proc = new LabProcess(label, child, options.onLine);
    this.started.push(proc);
    processes.add(proc);
    return proc;
  }

  /**
   * Start vrrpd in a router namespace from a UCI file written into the lab's temp directory: from the sources
   * through tsx, or `bundle` (daemon-bundle.ts) as it ships.
   */
  vrrpd(router: RouterName, uci: string, extraArgs: readonly string[] = [], bundle?: string): LabProcess {
    const file = this.rewriteConfig(router, uci);
    const socket = join(this.dir, `${router}.sock`);
    const entry = bundle !== undefined ? [bundle] : ["--import", "tsx", join(REPO_ROOT, "src/daemon/main.ts")];
    return this.spawn(`vrrpd-${router}`, this.ns[router], [process.execPath, ...entry, "run", "-c", file, "--control-socket", socket, ...extraArgs]);
  }

  /** The UCI file vrrpd(router) reads (SIGHUP re-reads it). */
  configFile(router: RouterName): string {
    return join(this.dir, `${router}.vrrp`);
  }

  /** Replace a router's UCI file without touching the daemon (follow with SIGHUP to reload it). */
  rewriteConfig(router: RouterName, uci: string): string {
    const file = this.configFile(router);
    writeFileSync(file, uci);
    return file;
  }

  controlSocket(router: RouterName): string {
    return join(this.dir, `${router}.sock`);
  }

  writeFile(name: string, text: string, mode?: number): string {
    const file = join(this.dir, name);
    writeFileSync(file, text);
    if (mode !== undefined) chmodSync(file, mode);
    return file;
  }

  /** Addresses on lan0 of a namespace, from `ip -j addr`. */
  addresses(ns: string, dev = "lan0"): string[] {
    const data = this.lab.ipJson<{ addr_info?: { local: string }[] }[]>(ns, "addr", "show", "dev", dev);
    return data.flatMap((link) => (link.addr_info ?? []).map((a) => a.local));
  }

  /** Which routers hold the address right now. */
  holders(vip: string): RouterName[] {
    return ROUTERS.filter((r) => this.lanAddresses(r).includes(vip));
  }

  /** A host's lan0 addresses; none while lan0 is deleted (see deleteLan). */
  lanAddresses(host: RouterName | "client"): string[] {
    try {
      return this.addresses(this.ns[host]);
    } catch (error) {
      if (/does not exist/.test(String(error))) return [];
      throw error;
    }
  }

  /** False while a host's lan0 is deleted (see deleteLan). */
  hasLan(host: RouterName | "client"): boolean {
    return this.lab.ipJson<{ ifname: string }[]>(this.ns[host], "link", "show").some((l) => l.ifname === "lan0");
  }

  /** The same without blocking the event loop (for samplers running beside a capture); a missing lan0 holds nothing. */
  async holdersAsync(vip: string): Promise<RouterName[]> {
    const held = await Promise.all(ROUTERS.map((r) => addressesAsync(this.ns[r]).then((list) => list.includes(vip))));
    return ROUTERS.filter((_, i) => held[i]);
  }

  /** MAC address of a namespace's lan0 (a router's GARPs and NAs carry it: no virtual MAC without use_vmac). */
  mac(ns: string, dev = "lan0"): string {
    const [link] = this.lab.ipJson<{ address?: string }[]>(ns, "link", "show", "dev", dev);
    if (link?.address === undefined) throw new Error(`no MAC on ${dev} in ${ns}`);
    return link.address;
  }

  /** The client's neighbour entry for an address: the MAC it would send to, or undefined. */
  clientNeighbor(address: string): string | undefined {
    const entries = this.lab.ipJson<{ lladdr?: string; state?: string[] }[]>(this.ns.client, "neigh", "show", "to", address, "dev", "lan0");
    return entries.find((e) => e.lladdr !== undefined && !(e.state ?? []).includes("FAILED"))?.lladdr;
  }

  setLink(ns: string, up: boolean, dev = "lan0"): void {
    this.lab.ip(ns, "link", "set", dev, up ? "up" : "down");
  }

  /**
   * Cut a router off the LAN at the switch: its port leaves the bridge. Both ends keep carrier, so the router's own
   * link stays up: the peer sees silence, not a link event (a veth whose peer goes down would lose carrier instead).
   */
  cutAtSwitch(router: RouterName, cut: boolean): void {
    if (cut) this.lab.ip(this.sw, "link", "set", `p-${router}`, "nomaster");
    else this.lab.ip(this.sw, "link", "set", `p-${router}`, "master", "br0");
  }

  /**
   * Delete a host's lan0 and create it again with the same name and addresses, as netifd does on a reload:
   * same name, new ifindex (returned), so a daemon must re-resolve the device and re-join its multicast groups.
   */
  recreateLan(host: RouterName | "client"): number {
    const before = this.deleteLan(host);
    const after = this.addLan(host);
    if (after === before) throw new Error(`lan0 in ${host} kept ifindex ${before}: the test would prove nothing`);
    return after;
  }

  /** First half of recreateLan: lan0 (and its switch port) gone; returns the old ifindex. */
  deleteLan(host: RouterName | "client"): number {
    const ifindex = this.lab.ifindex(this.ns[host], "lan0");
    this.lab.ip(this.ns[host], "link", "del", "lan0"); // takes its peer p-<host> in the switch with it
    return ifindex;
  }

  /** Second half: a new lan0 with the host's addresses, plugged into the switch; returns its ifindex. */
  addLan(host: RouterName | "client"): number {
    this.plugIn(host);
    return this.lab.ifindex(this.ns[host], "lan0");
  }

  /** Samplers started on this lab are halted by cleanup(), so a failed test leaves no loop running. */
  track(watch: HolderWatch): void {
    this.watches.add(watch);
  }

  get isCleanedUp(): boolean {
    return this.cleaned;
  }

  /** Everything every process of this lab printed, for a failing test's report. */
  transcript(): string {
    return this.started
      .map((p) => {
        // The daemons' logs in full (bounded); of probes and captures only the end.
        const keep = p.label.startsWith("vrrpd") ? 400 : 30;
        const lines = p.lines.length > keep ? ["...", ...p.lines.slice(-keep)] : p.lines;
        return `--- ${p.label} (pid ${p.pid}${p.isRunning ? ", running" : ", exited"}):\n${lines.join("\n")}`;
      })
      .join("\n");
  }

  cleanup(): void {
    if (this.cleaned) return;
    this.cleaned = true;
    liveLabs.delete(this);
    for (const watch of this.watches) watch.halt();
    for (const proc of this.started) {
      proc.kill("SIGKILL");
      processes.delete(proc);
    }
    // Give the kernel a moment to reap before the namespaces go.
    spawnSync("sleep", ["0.05"]);
    this.lab.cleanup();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private plugIn(host: RouterName | "client"): void {
    const ns = this.ns[host];
    this.lab.veth(ns, "lan0", this.sw, `p-${host}`);
    this.lab.ip(this.sw, "link", "set", `p-${host}`, "master", "br0");
    const [v4, v6] = host === "client" ? [CLIENT_IPV4, CLIENT_IPV6] : [ROUTER_IPV4[host], ROUTER_IPV6[host]];
    this.lab.ipBatch(ns, [`addr add ${v4}/24 dev lan0`, `addr add ${v6}/64 dev lan0 nodad`]);
  }
}

/** For `after` hooks: clean every lab still alive (a test that timed out never reached its own finally). */
export function cleanupAllLabs(): void {
  for (const lab of [...liveLabs]) lab.cleanup();
}

/**
 * Run a test body in a fresh lab: skip (loudly; fail under CI=true) without root, print every process's output
 * when the body fails, and always clean up.
 */
export async function withLab(t: TestContext, body: (lab: GatewayLab) => Promise<void>): Promise<void> {
  if (skipWithoutNetns(t)) return;
  const lab = new GatewayLab();
  try {
    await body(lab);
  } catch (error) {
    t.diagnostic(`lab transcript:\n${lab.transcript()}`);
    throw error;
  } finally {
    lab.cleanup();
  }
}

function addressesAsync(ns: string): Promise<string[]> {
  return new Promise((resolve) => {
    execFile("ip", ["-n", ns, "-j", "addr", "show", "dev", "lan0"], { timeout: 5000 }, (error, stdout) => {
      if (error) return resolve([]);
      try {
        const data = JSON.parse(stdout) as { addr_info?: { local: string }[] }[];
        resolve(data.flatMap((link) => (link.addr_info ?? []).map((a) => a.local)));
      } catch {
        resolve([]);
      }
    });
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export async function waitUntil(what: string, check: () => boolean, timeoutMs = 10_000, stepMs = 20): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (check()) return;
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

// ---- who holds the VIP, over time ----------------------------------------------------------------------------

export interface HolderSample {
  /** performance.now() when both routers' answers were in. */
  readonly at: number;
  readonly holders: readonly RouterName[];
}

/**
 * Samples which routers hold a VIP every `everyMs` in the background (without blocking the event loop), so a test
 * can ask afterwards whether the VIP ever was on both, or ever left a router, in some window. Bounded in count.
 */
export class HolderWatch {
  readonly samples: HolderSample[] = [];
  private running = true;
  private readonly loop: Promise<void>;

  constructor(
    private readonly gw: GatewayLab,
    readonly vip: string,
    readonly everyMs = 20,
    readonly maxSamples = 5000,
  ) {
    gw.track(this);
    this.loop = this.run();
  }

  async stop(): Promise<HolderSample[]> {
    this.halt();
    await this.loop;
    return this.samples;
  }

  halt(): void {
    this.running = false;
  }

  /** Samples taken at or after `from` (performance.now()). */
  since(from: number): HolderSample[] {
    return this.samples.filter((s) => s.at >= from);
  }

  /** First sample at or after `from` where the check holds. */
  firstWhere(check: (holders: readonly RouterName[]) => boolean, from = 0): HolderSample | undefined {
    return this.samples.find((s) => s.at >= from && check(s.holders));
  }

  private async run(): Promise<void> {
    while (this.running && !this.gw.isCleanedUp && this.samples.length < this.maxSamples) {
      const started = performance.now();
      const holders = await this.gw.holdersAsync(this.vip);
      this.samples.push({ at: performance.now(), holders });
      await sleep(Math.max(0, this.everyMs - (performance.now() - started)));
    }
  }
}

/**
 * The stretches of samples whose holders were not `expected`, for a failure message: e.g. "r1+r2 from 3610 ms to
 * 4980 ms", times relative to `t0` (performance.now()). Empty when every sample had `expected`.
 */
export function describeHolderStretches(samples: readonly HolderSample[], expected: readonly RouterName[], t0: number): string {
  const want = expected.join("+");
  const stretches: string[] = [];
  let open: { holders: string; from: number; to: number } | undefined;
  for (const s of samples) {
    const holders = s.holders.join("+");
    if (open && holders !== open.holders) {
      stretches.push(`${open.holders || "nobody"} from ${(open.from - t0).toFixed(0)} ms to ${(open.to - t0).toFixed(0)} ms`);
      open = undefined;
    }
    if (holders === want) continue;
    if (open) open.to = s.at;
    else open = { holders, from: s.at, to: s.at };
  }
  if (open) stretches.push(`${open.holders || "nobody"} from ${(open.from - t0).toFixed(0)} ms to ${(open.to - t0).toFixed(0)} ms`);
  return stretches.join("; ");
}

// ---- configuration -------------------------------------------------------------------------------------------

export interface InstanceOptions {
  readonly priority: number;
  /** Section name (default 'lan'). */
  readonly name?: string;
  readonly vrid?: number;
  readonly version?: 2 | 3;
  /** Seconds (default 0.1: v3 at 100 ms keeps the suite fast). */
  readonly advertInt?: number;
  /** `list virtual_ipaddress` values (default the IPv4 VIP /24). */
  readonly vips?: readonly string[];
  readonly nopreempt?: boolean;
  /** `option state` (keepalived's `state`): MASTER shortens the first wait for a master to one advert interval. */
  readonly state?: "MASTER" | "BACKUP";
  /** Seconds. */
  readonly preemptDelay?: number;
  readonly unicastSrcIp?: string;
  readonly unicastPeers?: readonly string[];
  /** `list track_script` values, e.g. "flag weight -100". */
  readonly trackScripts?: readonly string[];
}

export interface TrackScriptOptions {
  readonly name: string;
  readonly script: string;
  /** Seconds. */
  readonly interval: number;
  /** Seconds. */
  readonly timeout?: number;
  readonly weight?: number;
  readonly rise?: number;
  readonly fall?: number;
}

/** A complete /etc/config/vrrp for one router: globals, one instance on lan0, and any track_script sections. */
export function vrrpConfig(instance: InstanceOptions, trackScripts: readonly TrackScriptOptions[] = []): string {
  const lines = ["config globals 'globals'", "\toption enabled '1'", ""];
  const option = (name: string, value: string | number): string => `\toption ${name} '${value}'`;
  lines.push(
    `config instance '${instance.name ?? "lan"}'`,
    option("interface", "lan0"),
    option("virtual_router_id", instance.vrid ?? 51),
    option("priority", instance.priority),
    option("version", instance.version ?? 3),
    option("advert_int", instance.advertInt ?? 0.1),
  );
  if (instance.nopreempt !== undefined) lines.push(option("nopreempt", instance.nopreempt ? 1 : 0));
  if (instance.state !== undefined) lines.push(option("state", instance.state));
  if (instance.preemptDelay !== undefined) lines.push(option("preempt_delay", instance.preemptDelay));
  if (instance.unicastSrcIp !== undefined) lines.push(option("unicast_src_ip", instance.unicastSrcIp));
  for (const peer of instance.unicastPeers ?? []) lines.push(`\tlist unicast_peer '${peer}'`);
  for (const vip of instance.vips ?? [`${VIP4}/24`]) lines.push(`\tlist virtual_ipaddress '${vip}'`);
  for (const track of instance.trackScripts ?? []) lines.push(`\tlist track_script '${track}'`);
  for (const s of trackScripts) {
    lines.push("", `config track_script '${s.name}'`, option("script", s.script), option("interval", s.interval));
    if (s.timeout !== undefined) lines.push(option("timeout", s.timeout));
    if (s.weight !== undefined) lines.push(option("weight", s.weight));
    if (s.rise !== undefined) lines.push(option("rise", s.rise));
    if (s.fall !== undefined) lines.push(option("fall", s.fall));
  }
  return `${lines.join("\n")}\n`;
}

// ---- protocol bounds (RFC 5798 §6.1), to bound waits; never to assert speed ---------------------------------

/** VRRPv3 Skew_Time in ms: ((256 - priority) × Master_Adver_Interval) / 256. */
export function skewTimeMs(priority: number, advertMs: number): number {
  return ((256 - priority) * advertMs) / 256;
}

/** VRRPv3 Master_Down_Interval in ms: 3 × Master_Adver_Interval + Skew_Time. */
export function masterDownMs(priority: number, advertMs: number): number {
  return 3 * advertMs + skewTimeMs(priority, advertMs);
}

/** Slack for CI jitter on top of the protocol bounds (process scheduling on a loaded 2-core runner). */
export const CI_SLACK_MS = 1000;

// ---- log lines ----------------------------------------------------------------------------------------------

/** The log line of a transition, e.g. `info: (lan) backup -> master (master-down-timer)`. */
export function transitionLine(to: string, from = "\\w+", reason = "[\\w-]+", instance = "lan"): RegExp {
  return new RegExp(`\\(${instance}\\) ${from} -> ${to} \\(${reason}\\)`);
}

/** Any transition line (to check that none was logged in some window). */
export const ANY_TRANSITION = /\(\w+\) \w+ -> \w+ \([\w-]+\)/;

/**
 * Start the designated master (r1 unless told otherwise) alone and wait until it holds the VIP, then start the
 * other router and wait until it is a steady backup. Starting them apart keeps the outcome deterministic.
 */
export async function startPair(
  gw: GatewayLab,
  r1Config: string,
  r2Config: string,
  options: { readonly vip?: string; readonly master?: RouterName } = {},
): Promise<{ r1: LabProcess; r2: LabProcess }> {
  const vip = options.vip ?? VIP4;
  const master = options.master ?? "r1";
  const backup: RouterName = master === "r1" ? "r2" : "r1";
  const configs = { r1: r1Config, r2: r2Config };
  const first = gw.vrrpd(master, configs[master]);
  await first.waitForLine(transitionLine("master"), 15_000);
  await waitUntil(`${master} to hold ${vip}`, () => gw.holders(vip).join() === master, 5000);
  const second = gw.vrrpd(backup, configs[backup]);
  await second.waitForLine(transitionLine("backup", "initialize"), 15_000);
  // A few adverts later the backup has heard the master and settled (and has not become master itself).
  await sleep(500);
  if (second.findLine(transitionLine("master")) >= 0) throw new Error(`${backup} became master next to ${master}:\n${second.lines.join("\n")}`);
  return master === "r1" ? { r1: first, r2: second } : { r1: second, r2: first };
}
