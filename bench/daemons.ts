// The two daemons the benchmarks compare, started the same way in a lab router: vrrpd from UCI and Debian's
// keepalived from the equivalent keepalived.conf. Both get the same instances, priorities and intervals.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { ROUTER_NODE_FLAGS, vrrpdBundle } from "./bundle.ts";
import { VIP4, type GatewayLab, type LabProcess, type RouterName } from "../test/netns/gateway-lab.ts";

export type DaemonKind = "vrrpd" | "keepalived";

export interface InstanceSpec {
  readonly vrid: number;
  readonly priority: number;
  readonly version: 2 | 3;
  readonly advertIntervalMs: number;
  readonly vip: string;
}

export function gatewayInstances(priority: number, version: 2 | 3, advertIntervalMs: number): InstanceSpec[] {
  return [{ vrid: 51, priority, version, advertIntervalMs, vip: VIP4 }];
}

/** `count` instances with one VIP each in 198.51.100.0/24 and 203.0.113.0/24 (documentation ranges). */
export function manyInstances(count: number, priority: number, version: 2 | 3, advertIntervalMs: number): InstanceSpec[] {
  return Array.from({ length: count }, (_, i) => ({
    vrid: i + 1,
    priority,
    version,
    advertIntervalMs,
    vip: i < 250 ? `198.51.100.${i + 1}` : `203.0.113.${i - 249}`,
  }));
}

function vrrpdUci(instances: readonly InstanceSpec[], globals: Readonly<Record<string, string>> = {}): string {
  const sections = instances.map(
    (i) => `config instance 'vr${i.vrid}'
	option interface 'lan0'
	option virtual_router_id '${i.vrid}'
	option priority '${i.priority}'
	option version '${i.version}'
	option advert_int '${i.advertIntervalMs / 1000}'
	list virtual_ipaddress '${i.vip}/24'
`,
  );
  const extra = Object.entries(globals).map(([name, value]) => `\toption ${name} '${value}'\n`).join("");
  return `config globals 'globals'\n\toption enabled '1'\n\toption hotplug '0'\n${extra}\n${sections.join("\n")}`;
}

function keepalivedConf(instances: readonly InstanceSpec[], router: RouterName, globals: Readonly<Record<string, string>> = {}): string {
  const blocks = instances.map(
    (i) => `vrrp_instance vr${i.vrid} {
  state BACKUP
  interface lan0
  virtual_router_id ${i.vrid}
  priority ${i.priority}
  version ${i.version}
  advert_int ${i.advertIntervalMs / 1000}
  virtual_ipaddress {
    ${i.vip}/24
  }
}`,
  );
  const extra = Object.entries(globals).map(([name, value]) => `  ${name} ${value}\n`).join("");
  return `global_defs {\n  router_id bench_${router}\n  vrrp_garp_master_repeat 5\n${extra}}\n${blocks.join("\n")}\n`;
}

export interface RunningDaemon {
  readonly kind: DaemonKind;
  readonly router: RouterName;
  readonly process: LabProcess;
  /** The pids whose CPU and memory count (keepalived forks a VRRP child). */
  pids(): number[];
}

/** `globals`: extra `config globals` options for vrrpd, or `global_defs` lines for keepalived (same names). */
export function startDaemon(
  lab: GatewayLab,
  kind: DaemonKind,
  router: RouterName,
  instances: readonly InstanceSpec[],
  globals: Readonly<Record<string, string>> = {},
): RunningDaemon {
  if (kind === "vrrpd") {
    const conf = lab.writeFile(`${router}.vrrp`, vrrpdUci(instances, globals));
    const argv = [process.execPath, ...ROUTER_NODE_FLAGS, vrrpdBundle(), "run", "-c", conf, "--control-socket", join(lab.dir, `${router}.sock`)];
    const proc = lab.spawn(`vrrpd-${router}`, lab.ns[router], argv);
    return { kind, router, process: proc, pids: () => [proc.pid] };
  }
  const conf = lab.writeFile(`${router}-keepalived.conf`, keepalivedConf(instances, router, globals));
  const pid = join(lab.dir, `${router}-keepalived.pid`);
  const vrrpPid = join(lab.dir, `${router}-keepalived-vrrp.pid`);
  // No -D (detailed log): at 255 instances its per-GARP console lines stall keepalived for seconds and it flaps,
  // which would measure the logging, not VRRP. State changes (INFO) are logged without it.
  const proc = lab.spawn(`keepalived-${router}`, lab.ns[router], ["keepalived", "-n", "-l", "-P", "-f", conf, "-p", pid, "-r", vrrpPid]);
  return { kind, router, process: proc, pids: () => [proc.pid, ...children(proc.pid)] };
}

function children(pid: number): number[] {
  const out = spawnSync("pgrep", ["-P", String(pid)], { encoding: "utf8" }).stdout;
  return out.split("\n").filter(Boolean).map(Number);
}

/** Whether this machine can run the comparison at all. */
export function keepalivedVersion(): string | undefined {
  const result = spawnSync("keepalived", ["--version"], { encoding: "utf8" });
  if (result.error) return undefined;
  return `${result.stdout}${result.stderr}`.split("\n")[0]?.trim();
}
