// Debian's keepalived as a lab peer, run the way linux-platform.md §6 ran it: `keepalived -n -l -D -P -f CONF
// -p PID -r VRRP-PID` inside the router's namespace (foreground, log to the console, VRRP child only).
// keepalived forks a VRRP child that the lab did not spawn: its pid comes from the -r file and is adopted, so
// cleanup kills it too. The parent respawns a dead child, so a crash freezes the parent first.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import type { LabProcess, RouterName } from "../netns/gateway-lab.ts";
import { exited, type InteropLab } from "./interop-lab.ts";
import { unicastOf, VRID, type Mode } from "./modes.ts";
import { waitFor, type Peer, type PeerState } from "./peer.ts";
import { findExecutable } from "./prerequisites.ts";

export const INSTANCE = `VI_${VRID}`;

export function keepalivedConf(mode: Mode, router: RouterName, priority: number): string {
  const lines = [
    "global_defs {",
    `  router_id interop_${router}`,
    "}",
    `vrrp_instance ${INSTANCE} {`,
    // Not MASTER: keepalived < 255 waits for master-down either way, and BACKUP is what a real pair runs.
    "  state BACKUP",
    "  interface lan0",
    `  virtual_router_id ${VRID}`,
    `  priority ${priority}`,
    `  version ${mode.version}`,
    `  advert_int ${mode.advertIntS}`,
  ];
  if (mode.authPass !== undefined) lines.push("  authentication {", "    auth_type PASS", `    auth_pass ${mode.authPass}`, "  }");
  if (mode.unicast) {
    const { src, peer } = unicastOf(router);
    lines.push(`  unicast_src_ip ${src}`, "  unicast_peer {", `    ${peer}`, "  }");
  }
  lines.push("  virtual_ipaddress {", ...mode.vips.map((v) => `    ${v}`), "  }", "}", "");
  return lines.join("\n");
}

/** `keepalived --version`, first line. */
export function keepalivedVersion(): string {
  const out = spawnSync(findExecutable("keepalived") ?? "keepalived", ["--version"], { encoding: "utf8", timeout: 5000 });
  return `${out.stdout}${out.stderr}`.split("\n")[0]?.trim() ?? "unknown";
}

const STATE = new RegExp(`\\(${INSTANCE}\\) Entering (MASTER|BACKUP|FAULT) STATE`);
// What keepalived says when it refuses or doubts a packet: "invalid checksum", "auth mismatch", "address list
// mismatch", "Invalid ttl", "bad advert", ... (vrrp.c vrrp_check_packet()).
const COMPLAINT = /invalid|checksum|mismatch|bad |malformed|wrong|discard/i;

export class KeepalivedPeer implements Peer {
  readonly daemon = "keepalived";
  private proc: LabProcess | undefined;
  private child: number | undefined;
  private runs = 0;
  private markAt = 0;
  private readonly conf: string;
  private readonly binary: string;
  private readonly vip: string;

  constructor(
    private readonly lab: InteropLab,
    readonly router: RouterName,
    readonly priority: number,
    mode: Mode,
  ) {
    this.binary = findExecutable("keepalived") ?? "keepalived";
    this.vip = mode.vip;
    this.conf = lab.writeFile(`keepalived-${router}.conf`, keepalivedConf(mode, router, priority));
    // Freeze the parent before cleanup SIGKILLs the child, or the parent would start a new one.
    lab.onTeardown(() => this.proc?.kill("SIGSTOP"));
  }

  async start(): Promise<void> {
    const ns = this.lab.ns[this.router];
    const check = spawnSync("ip", ["netns", "exec", ns, this.binary, "-t", "-f", this.conf], { encoding: "utf8", timeout: 10_000 });
    assert.equal(check.status, 0, `keepalived -t rejected ${this.conf}:\n${check.stdout}${check.stderr}`);
    const run = ++this.runs;
    const pidFile = `${this.lab.dir}/keepalived-${this.router}-${run}.pid`;
    const vrrpPidFile = `${this.lab.dir}/keepalived-${this.router}-${run}-vrrp.pid`;
    this.proc = this.lab.spawn(`keepalived-${this.router}`, ns, [this.binary, "-n", "-l", "-D", "-P", "-f", this.conf, "-p", pidFile, "-r", vrrpPidFile]);
    const proc = this.proc;
    let child = NaN;
    await waitFor(
      "keepalived's VRRP child pid file",
      () => {
        if (!proc.isRunning) throw new Error(`keepalived exited at start:\n${this.logTail()}`);
        child = Number(readText(vrrpPidFile).trim());
        return Number.isInteger(child) && child > 0;
      },
      10_000,
      20,
    );
    this.child = child;
    this.lab.adopt(child, `keepalived-vrrp-${this.router}`);
  }

  state(): PeerState {
    if (this.proc === undefined || !this.proc.isRunning) return "stopped";
    const lines = this.proc.lines;
    for (let i = lines.length - 1; i >= 0; i--) {
      const m = STATE.exec(lines[i] ?? "");
      if (m) return (m[1]?.toLowerCase() ?? "unknown") as PeerState;
    }
    return "init";
  }

  holdsVip(): boolean {
    return this.lab.addresses(this.lab.ns[this.router]).includes(this.vip);
  }

  async crash(): Promise<void> {
    const proc = this.proc;
    if (proc === undefined) return;
    proc.kill("SIGSTOP");
    if (this.child !== undefined) this.lab.signalAdopted(this.child, "SIGKILL");
    proc.kill("SIGKILL");
    assert.ok(await exited(proc, 5000), "keepalived did not die on SIGKILL");
    const child = this.child;
    if (child !== undefined) await waitFor("keepalived's VRRP child to die", () => !this.lab.isAdoptedAlive(child), 5000, 10);
  }

  stop(): { exited: Promise<void> } {
    const proc = this.proc;
    proc?.kill("SIGTERM");
    return {
      exited: (async () => {
        if (proc !== undefined) assert.ok(await exited(proc, 10_000), `keepalived ignored SIGTERM for 10 s:\n${this.logTail()}`);
        const child = this.child;
        if (child !== undefined) await waitFor("keepalived's VRRP child to exit", () => !this.lab.isAdoptedAlive(child), 5000, 10);
      })(),
    };
  }

  mark(): void {
    this.markAt = this.proc?.lines.length ?? 0;
  }

  complaints(): string[] {
    return (this.proc?.lines.slice(this.markAt) ?? []).filter((l) => COMPLAINT.test(l));
  }

  /** keepalived keeps its counters to itself (SIGUSR2 dumps them to a file); its staying backup is the evidence. */
  accepted(): number | undefined {
    return undefined;
  }

  tookOverOnPriorityZero(): boolean | undefined {
    const lines = this.proc?.lines ?? [];
    let master = lines.length - 1;
    while (master >= 0 && STATE.exec(lines[master] ?? "")?.[1] !== "MASTER") master--;
    if (master < 0) return false;
    // keepalived 2.2.7 logs "Backup received priority 0 advertisement" before the transition it causes.
    const before = lines.slice(Math.max(0, master - 5), master);
    return before.some((l) => /priority 0 advert/i.test(l));
  }

  logTail(lines = 40): string {
    return `--- keepalived on ${this.router}:\n${(this.proc?.lines ?? []).slice(-lines).join("\n")}`;
  }
}

function readText(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}
