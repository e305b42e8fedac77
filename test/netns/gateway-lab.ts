// A LAN in network namespaces: two routers and a client on one bridge, documentation addresses only.
// Used by the failover tests, the interop tests, the demo and the benchmarks. Every process it starts is
// tracked by pid and killed in cleanup(), which also deletes the namespaces (on failure and on exit too).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { NetnsLab } from "../platform/netns.ts";

export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const VIP4 = "192.0.2.254";
export const VIP6 = "2001:db8::fe";
export const VIP6_LINK_LOCAL = "fe80::fe";
export const ROUTER_IPV4 = { r1: "192.0.2.1", r2: "192.0.2.2" } as const;
export const ROUTER_IPV6 = { r1: "2001:db8::1", r2: "2001:db8::2" } as const;
export const CLIENT_IPV4 = "192.0.2.100";
export const CLIENT_IPV6 = "2001:db8::64";
export type RouterName = "r1" | "r2";

export class LabProcess {
  readonly lines: string[] = [];
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
        if (this.lines.length < 100_000) this.lines.push(line);
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
    if (this.running && this.child.pid !== undefined) process.kill(this.child.pid, signal);
  }
}

const processes = new Set<LabProcess>();
process.on("exit", () => {
  for (const p of processes) p.kill("SIGKILL");
});

export class GatewayLab {
  readonly lab = new NetnsLab();
  readonly sw: string;
  readonly ns: Record<RouterName | "client", string>;
  readonly dir = mkdtempSync(join(tmpdir(), "vrrpd-lab-"));
  private readonly started: LabProcess[] = [];

  constructor() {
    this.sw = this.lab.namespace("sw");
    this.lab.ipBatch(this.sw, ["link add br0 type bridge", "link set br0 type bridge mcast_snooping 0", "link set br0 up"]);
    this.ns = { r1: this.lab.namespace("r1"), r2: this.lab.namespace("r2"), client: this.lab.namespace("client") };
    const addresses: Record<RouterName | "client", [string, string]> = {
      r1: [ROUTER_IPV4.r1, ROUTER_IPV6.r1],
      r2: [ROUTER_IPV4.r2, ROUTER_IPV6.r2],
      client: [CLIENT_IPV4, CLIENT_IPV6],
    };
    for (const [name, ns] of Object.entries(this.ns) as [RouterName | "client", string][]) {
      this.lab.veth(ns, "lan0", this.sw, `p-${name}`);
      this.lab.ip(this.sw, "link", "set", `p-${name}`, "master", "br0");
      const [v4, v6] = addresses[name];
      this.lab.ipBatch(ns, [`addr add ${v4}/24 dev lan0`, `addr add ${v6}/64 dev lan0 nodad`]);
      if (name !== "client") {
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

  /** Start vrrpd in a router namespace from a UCI file written into the lab's temp directory. */
  vrrpd(router: RouterName, uci: string, extraArgs: readonly string[] = []): LabProcess {
    const file = join(this.dir, `${router}.vrrp`);
    writeFileSync(file, uci);
    const socket = join(this.dir, `${router}.sock`);
    return this.spawn(`vrrpd-${router}`, this.ns[router], [process.execPath, "--import", "tsx", join(REPO_ROOT, "src/daemon/main.ts"), "run", "-c", file, "--control-socket", socket, ...extraArgs]);
  }

  controlSocket(router: RouterName): string {
    return join(this.dir, `${router}.sock`);
  }

  writeFile(name: string, text: string): string {
    const file = join(this.dir, name);
    writeFileSync(file, text);
    return file;
  }

  /** Addresses on lan0 of a namespace, from `ip -j addr`. */
  addresses(ns: string, dev = "lan0"): string[] {
    const data = this.lab.ipJson<{ addr_info?: { local: string }[] }[]>(ns, "addr", "show", "dev", dev);
    return data.flatMap((link) => (link.addr_info ?? []).map((a) => a.local));
  }

  /** Which routers hold the address right now. */
  holders(vip: string): RouterName[] {
    return (["r1", "r2"] as const).filter((r) => this.addresses(this.ns[r]).includes(vip));
  }

  setLink(ns: string, up: boolean, dev = "lan0"): void {
    this.lab.ip(ns, "link", "set", dev, up ? "up" : "down");
  }

  /** Cut a router off the LAN at the switch (its own link stays up: the peer sees silence, not a link event). */
  cutAtSwitch(router: RouterName, cut: boolean): void {
    this.lab.ip(this.sw, "link", "set", `p-${router}`, cut ? "down" : "up");
  }

  cleanup(): void {
    for (const proc of this.started) {
      proc.kill("SIGKILL");
      processes.delete(proc);
    }
    // Give the kernel a moment to reap before the namespaces go.
    spawnSync("sleep", ["0.05"]);
    this.lab.cleanup();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export async function waitUntil(what: string, check: () => boolean, timeoutMs = 10_000, stepMs = 20): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (check()) return;
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
