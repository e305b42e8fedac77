// vrrpd as a lab peer: started with lab.vrrpd() from a UCI file written for the mode. Its state comes from its log
// ("(instance) backup -> master (reason)"); its counters from `vrrpd status --json` over the control socket when
// the daemon serves one, else from the log, where every dropped advert is reported as "dropped (COUNTER): ...".
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { REPO_ROOT, type LabProcess, type RouterName } from "../netns/gateway-lab.ts";
import { exited, type InteropLab } from "./interop-lab.ts";
import { unicastOf, VRID, type Mode } from "./modes.ts";
import type { Peer, PeerState } from "./peer.ts";

export const INSTANCE = "interop";

export function vrrpdUci(mode: Mode, router: RouterName, priority: number): string {
  const lines = [
    "config globals 'globals'",
    "\toption enabled '1'",
    // No /etc/hotplug.d in the lab, and nothing to notify.
    "\toption hotplug '0'",
    "",
    `config instance '${INSTANCE}'`,
    "\toption device 'lan0'",
    `\toption virtual_router_id '${VRID}'`,
    `\toption priority '${priority}'`,
    `\toption version '${mode.version}'`,
    `\toption advert_int '${mode.advertIntS}'`,
  ];
  if (mode.authPass !== undefined) lines.push("\toption auth_type 'PASS'", `\toption auth_pass '${mode.authPass}'`);
  if (mode.unicast) {
    const { src, peer } = unicastOf(router);
    lines.push(`\toption unicast_src_ip '${src}'`, `\tlist unicast_peer '${peer}'`);
  }
  if (mode.vrrpdChecksumAsV2) lines.push("\toption v3_checksum_as_v2 '1'");
  lines.push(...mode.vips.map((v) => `\tlist virtual_ipaddress '${v}'`), "");
  return lines.join("\n");
}

/** Counters that mean "the other daemon's adverts were refused" (names as in src/vrrp/counters.ts). */
export const REFUSAL_COUNTERS = [
  "chk_err",
  "auth_failure",
  "authtype_mismatch",
  "invalid_authtype",
  "vers_err",
  "ip_ttl_err",
  "packet_len_err",
  "advert_interval_err",
  "unicast_src_err",
  "invalid_type_rcvd",
] as const;

const TRANSITION = new RegExp(`\\(${INSTANCE}\\) (\\w+) -> (\\w+) \\(([^)]*)\\)`);
const DROPPED = new RegExp(`\\(${INSTANCE}\\) dropped \\((\\w+)\\)`);

export type Counters = Readonly<Record<string, number>>;

export class VrrpdPeer implements Peer {
  readonly daemon = "vrrpd";
  private proc: LabProcess | undefined;
  private markAt = 0;
  /** The last `status --json` answer: each CLI run costs half a second, and one converge phase asks thrice. */
  private cached: { at: number; counters: Counters | undefined } | undefined;
  private readonly uci: string;

  constructor(
    private readonly lab: InteropLab,
    readonly router: RouterName,
    readonly priority: number,
    private readonly mode: Mode,
  ) {
    this.uci = vrrpdUci(mode, router, priority);
  }

  start(): Promise<void> {
    this.proc = this.lab.vrrpd(this.router, this.uci);
    this.cached = undefined;
    return Promise.resolve();
  }

  state(): PeerState {
    if (this.proc === undefined || !this.proc.isRunning) return "stopped";
    const to = this.lastTransition()?.to;
    if (to === undefined || to === "initialize") return "init";
    return to === "master" || to === "backup" || to === "fault" ? to : "unknown";
  }

  holdsVip(): boolean {
    return this.lab.addresses(this.lab.ns[this.router]).includes(this.mode.vip);
  }

  async crash(): Promise<void> {
    const proc = this.proc;
    proc?.kill("SIGKILL");
    if (proc !== undefined) assert.ok(await exited(proc, 5000), "vrrpd did not die on SIGKILL");
  }

  stop(): { exited: Promise<void> } {
    const proc = this.proc;
    proc?.kill("SIGTERM");
    return {
      exited: (async () => {
        if (proc !== undefined) assert.ok(await exited(proc, 10_000), `vrrpd ignored SIGTERM for 10 s:\n${this.logTail()}`);
      })(),
    };
  }

  mark(): void {
    this.markAt = this.proc?.lines.length ?? 0;
  }

  complaints(): string[] {
    const lines = this.proc?.lines.slice(this.markAt) ?? [];
    return lines.filter((l) => {
      const counter = DROPPED.exec(l)?.[1];
      return counter !== undefined && (REFUSAL_COUNTERS as readonly string[]).includes(counter);
    });
  }

  accepted(): number | undefined {
    return this.counters()?.advert_rcvd;
  }

  tookOverOnPriorityZero(): boolean | undefined {
    const last = this.lastTransition();
    return last?.to === "master" ? last.reason === "priority-zero-received" : false;
  }

  /** Lines since mark() that match. */
  logSinceMark(pattern: RegExp): string[] {
    return (this.proc?.lines.slice(this.markAt) ?? []).filter((l) => pattern.test(l));
  }

  /** Lines of the running daemon's log that match (its warnings are rate-limited: the first may predate mark()). */
  logSinceStart(pattern: RegExp): string[] {
    return (this.proc?.lines ?? []).filter((l) => pattern.test(l));
  }

  /**
   * The instance's counters from `vrrpd status --json`, or undefined when the daemon (still) has no control
   * socket or the CLI has no `status` command: the log-based complaints() then stand in for them.
   */
  counters(maxAgeMs = 1000): Counters | undefined {
    if (this.proc === undefined || !this.proc.isRunning) return undefined;
    if (this.cached !== undefined && performance.now() - this.cached.at <= maxAgeMs) return this.cached.counters;
    const counters = this.readCounters();
    this.cached = { at: performance.now(), counters };
    return counters;
  }

  private readCounters(): Counters | undefined {
    const cli = spawnSync(
      process.execPath,
      ["--import", "tsx", join(REPO_ROOT, "src/daemon/main.ts"), "status", "--json", "--control-socket", this.lab.controlSocket(this.router)],
      { cwd: REPO_ROOT, encoding: "utf8", timeout: 15_000 },
    );
    if (cli.status !== 0) return undefined;
    try {
      const status = JSON.parse(cli.stdout) as { instances?: Record<string, { counters?: Counters }> };
      return status.instances?.[INSTANCE]?.counters;
    } catch {
      return undefined;
    }
  }

  logTail(lines = 40): string {
    return `--- vrrpd on ${this.router}:\n${(this.proc?.lines ?? []).slice(-lines).join("\n")}`;
  }

  private lastTransition(): { from: string; to: string; reason: string } | undefined {
    const lines = this.proc?.lines ?? [];
    for (let i = lines.length - 1; i >= 0; i--) {
      const m = TRANSITION.exec(lines[i] ?? "");
      if (m) return { from: m[1] ?? "", to: m[2] ?? "", reason: m[3] ?? "" };
    }
    return undefined;
  }
}
