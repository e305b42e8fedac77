// FRR's vrrpd (Debian's frr) as a lab peer, the way scripts/capture-golden-vectors.sh runs it: zebra + vrrpd in the
// router's namespace with their own pid files, zserv socket and vty sockets in a private directory, dropping
// privileges to the packaged frr user. FRR never adds addresses itself: it needs a macvlan per family carrying the
// virtual MAC (00:00:5e:00:01:VRID / 00:00:5e:00:02:VRID) in bridge mode, with the VIPs on it, and holds the
// macvlan in protodown while it is not master (FRR doc/user/vrrp.rst). State comes from `vtysh -c 'show vrrp json'`.
import assert from "node:assert/strict";
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LabProcess, RouterName } from "../netns/gateway-lab.ts";
import { exited, type InteropLab } from "./interop-lab.ts";
import { VRID, type Mode } from "./modes.ts";
import { waitFor, type Peer, type PeerState } from "./peer.ts";
import { findExecutable, FRR_VRRPD, FRR_ZEBRA, systemUser } from "./prerequisites.ts";

export const FRR_USER = "frr";
/** FRR writes a crash-log directory per daemon and pid under here; it is removed again at cleanup. */
const FRR_CRASH_DIR = "/var/tmp/frr";

export function macvlanName(family: 4 | 6): string {
  return `vrrp${family}-${VRID}`;
}

export function virtualMac(family: 4 | 6): string {
  return `00:00:5e:00:0${family === 4 ? 1 : 2}:${VRID.toString(16).padStart(2, "0")}`;
}

export function vrrpdConf(mode: Mode, router: RouterName, priority: number): string {
  const addresses = mode.vips.map((v) => ` vrrp ${VRID} ${mode.family === 4 ? "ip" : "ipv6"} ${v.split("/")[0] ?? v}`);
  return [
    `hostname frr-${router}`,
    // "datagram invalid: REASON" (a refused packet) is only logged with packet debugging on, next to a hexdump of
    // every packet; protocol debugging adds discards, address-count mismatches and timer events.
    "debug vrrp packets",
    "debug vrrp protocol",
    "!",
    "interface lan0",
    ` vrrp ${VRID} version ${mode.version}`,
    ` vrrp ${VRID} priority ${priority}`,
    // Milliseconds, in steps of 10 (stored as centiseconds on the wire).
    ` vrrp ${VRID} advertisement-interval ${Math.round(mode.advertIntS * 1000)}`,
    ...addresses,
    "!",
    "",
  ].join("\n");
}

/** `/usr/lib/frr/vrrpd --version`, first line. */
export function frrVersion(): string {
  const out = spawnSync(FRR_VRRPD, ["--version"], { encoding: "utf8", timeout: 5000 });
  return `${out.stdout}${out.stderr}`.split("\n")[0]?.trim() ?? "unknown";
}

interface ShowVrrp {
  readonly vrid: number;
  readonly v4?: FamilyState;
  readonly v6?: FamilyState;
}
interface FamilyState {
  readonly status: string;
  readonly stats?: { readonly adverRx?: number };
}

// FRR 8.4's words for a refused or doubted advert (vrrpd/vrrp.c vrrp_read(), vrrp_recv_advertisement()).
const COMPLAINT = /datagram invalid|datagram has \d+ addresses|Discarding advertisement|this is a bug/i;

export class FrrPeer implements Peer {
  readonly daemon = "FRR";
  private zebra: LabProcess | undefined;
  private vrrpd: LabProcess | undefined;
  private readonly dir: string;
  private markAt = 0;
  private readonly macvlan: string;

  constructor(
    private readonly lab: InteropLab,
    readonly router: RouterName,
    readonly priority: number,
    private readonly mode: Mode,
  ) {
    const user = systemUser(FRR_USER);
    assert.ok(user, `no ${FRR_USER} user: FRR drops privileges to it`);
    // The daemons run as frr: they may traverse the parent (0711) but only their own directory is theirs.
    const parent = mkdtempSync(join(tmpdir(), "vrrpd-frr-"));
    lab.removeOnCleanup(parent);
    chmodSync(parent, 0o711);
    this.dir = join(parent, router);
    mkdirSync(this.dir);
    writeFileSync(join(this.dir, "zebra.conf"), `hostname frr-${router}\n!\n`);
    writeFileSync(join(this.dir, "vrrpd.conf"), vrrpdConf(mode, router, priority));
    for (const f of ["", "zebra.conf", "vrrpd.conf"]) chownSync(join(this.dir, f), user.uid, user.gid);
    if (!existsSync(FRR_CRASH_DIR)) lab.onCleanup(() => rmdirIfEmpty(FRR_CRASH_DIR));
    this.macvlan = macvlanName(mode.family);
    this.addMacvlan();
  }

  /**
   * The macvlan FRR expects: bridge mode so the router itself still reaches it, a random-based link-local. It stays
   * admin-down until FRR starts, so the VIP is not live on a router whose FRR has not yet put it in protodown.
   */
  private addMacvlan(): void {
    const dev = this.macvlan;
    this.lab.lab.ipBatch(this.lab.ns[this.router], [
      `link add ${dev} link lan0 type macvlan mode bridge`,
      // Not EUI-64 from the shared virtual MAC: both routers would get the same link-local (the IPv6 source).
      `link set dev ${dev} addrgenmode random`,
      `link set dev ${dev} address ${virtualMac(this.mode.family)}`,
      // FRR binds its IPv6 socket to the first address it knows on the macvlan: added before the link comes up,
      // the virtual link-local (fe80::fe) is that address, so FRR's adverts come from the VIP itself.
      // After an FRR restart it picked the random link-local instead. vrrpd must accept both.
      ...this.mode.vips.map((v) => `addr add ${v} dev ${dev}${this.mode.family === 6 ? " nodad" : ""}`),
    ]);
  }

  async start(): Promise<void> {
    const ns = this.lab.ns[this.router];
    const common = ["-P", "0", "-z", join(this.dir, "zserv.api"), "--vty_socket", this.dir, "--log", "stdout", "--log-level", "debug"];
    for (const file of ["zserv.api", "zebra.pid", "vrrpd.pid"]) rmSync(join(this.dir, file), { force: true });
    this.zebra = this.lab.spawn(`zebra-${this.router}`, ns, [FRR_ZEBRA, ...common, "-f", join(this.dir, "zebra.conf"), "-i", join(this.dir, "zebra.pid")]);
    this.removeCrashLogOf("zebra", this.zebra);
    const zebra = this.zebra;
    await waitFor("zebra's zserv socket", () => isSocket(join(this.dir, "zserv.api")) || !zebra.isRunning, 10_000, 20);
    assert.ok(zebra.isRunning, `zebra exited at start:\n${this.logTail()}`);
    this.lab.lab.ip(ns, "link", "set", "dev", this.macvlan, "up");
    this.vrrpd = this.lab.spawn(`frr-vrrpd-${this.router}`, ns, [FRR_VRRPD, ...common, "-f", join(this.dir, "vrrpd.conf"), "-i", join(this.dir, "vrrpd.pid")]);
    this.removeCrashLogOf("vrrpd", this.vrrpd);
    const vrrpd = this.vrrpd;
    await waitFor("FRR vrrpd to answer vtysh", () => this.show() !== undefined || !vrrpd.isRunning, 10_000, 50);
    assert.ok(vrrpd.isRunning, `FRR vrrpd exited at start:\n${this.logTail()}`);
    this.checkUnprivileged();
  }

  /** FRR refuses to run as root (not in frrvty); make sure both daemons really dropped to the frr user. */
  private checkUnprivileged(): void {
    const uid = systemUser(FRR_USER)?.uid;
    for (const [name, p] of [["zebra", this.zebra], ["vrrpd", this.vrrpd]] as const) {
      const status = readFileSync(`/proc/${p?.pid ?? 0}/status`, "utf8");
      const effective = /^Uid:\s+\d+\s+(\d+)/m.exec(status)?.[1];
      assert.equal(Number(effective), uid, `FRR ${name} runs as uid ${effective ?? "?"}, expected ${FRR_USER} (${uid ?? "?"})`);
    }
  }

  state(): PeerState {
    if (this.vrrpd === undefined || !this.vrrpd.isRunning) return "stopped";
    const status = this.familyState()?.status.toLowerCase();
    if (status === "master" || status === "backup") return status;
    if (status === "initialize") return "init";
    return "unknown";
  }

  /** The VIP answers only while the macvlan is up and not protodown. */
  holdsVip(): boolean {
    const [link] = this.lab.lab.ipJson<{ operstate?: string; proto_down?: boolean }[]>(this.lab.ns[this.router], "-d", "link", "show", "dev", this.macvlan);
    return link?.operstate === "UP" && link.proto_down !== true;
  }

  async crash(): Promise<void> {
    for (const p of [this.vrrpd, this.zebra]) p?.kill("SIGKILL");
    for (const p of [this.vrrpd, this.zebra]) if (p !== undefined) assert.ok(await exited(p, 5000), "FRR did not die on SIGKILL");
  }

  stop(): { exited: Promise<void> } {
    const { vrrpd, zebra } = this;
    // vrrpd first: it sends priority 0 and asks zebra to protodown the macvlan on its way out.
    vrrpd?.kill("SIGTERM");
    return {
      exited: (async () => {
        if (vrrpd !== undefined) assert.ok(await exited(vrrpd, 10_000), `FRR vrrpd ignored SIGTERM:\n${this.logTail()}`);
        zebra?.kill("SIGTERM");
        if (zebra !== undefined) assert.ok(await exited(zebra, 10_000), `zebra ignored SIGTERM:\n${this.logTail()}`);
      })(),
    };
  }

  mark(): void {
    this.markAt = this.vrrpd?.lines.length ?? 0;
  }

  complaints(): string[] {
    return (this.vrrpd?.lines.slice(this.markAt) ?? []).filter((l) => COMPLAINT.test(l));
  }

  /** `adverRx` counts adverts that passed FRR's checks (vrrp_recv_advertisement). */
  accepted(): number | undefined {
    return this.familyState()?.stats?.adverRx;
  }

  tookOverOnPriorityZero(): boolean | undefined {
    // FRR logs the resulting Master_Down_Timer expiry, not its cause: the scenario's timing bound decides.
    return undefined;
  }

  logTail(lines = 40): string {
    const tail = (p: LabProcess | undefined): string => (p?.lines ?? []).slice(-lines).join("\n");
    return `--- FRR vrrpd on ${this.router}:\n${tail(this.vrrpd)}\n--- zebra on ${this.router}:\n${tail(this.zebra)}`;
  }

  private familyState(): FamilyState | undefined {
    const entry = this.show()?.find((r) => r.vrid === VRID);
    return this.mode.family === 4 ? entry?.v4 : entry?.v6;
  }

  private show(): ShowVrrp[] | undefined {
    const out = spawnSync(findExecutable("vtysh") ?? "vtysh", ["--vty_socket", this.dir, "-c", "show vrrp json"], { encoding: "utf8", timeout: 5000 });
    if (out.status !== 0) return undefined;
    try {
      return JSON.parse(out.stdout) as ShowVrrp[];
    } catch {
      return undefined;
    }
  }

  private removeCrashLogOf(daemon: string, proc: LabProcess): void {
    const dir = join(FRR_CRASH_DIR, `${daemon}.${proc.pid}`);
    this.lab.onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  }
}

function isSocket(path: string): boolean {
  try {
    return statSync(path).isSocket();
  } catch {
    return false;
  }
}

function rmdirIfEmpty(path: string): void {
  try {
    rmdirSync(path);
  } catch {
    // not empty (someone else's crash logs) or already gone
  }
}
