// Memory and CPU of vrrpd and keepalived running the same instances (1, 100, 255 at 1 s and 100 ms), a master
// and a backup on the namespace LAN, in steady state (after SETTLE_MS); plus start-up time to Backup and to Master
// when alone, and the CPU floor of node itself for comparison.
import { readdirSync, readFileSync } from "node:fs";
import { ROUTER_NODE_FLAGS, vrrpdBundle } from "./bundle.ts";
import { ANY_TRANSITION, CLIENT_IPV4, GatewayLab, ROUTER_IPV4, VIP4, waitUntil } from "../test/netns/gateway-lab.ts";
import { gatewayInstances, manyInstances, startDaemon, type DaemonKind, type RunningDaemon } from "./daemons.ts";

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Past every start-up burst: keepalived's garp_master_delay (5 s) repeat, vrrpd's GARP repeats and first GCs. */
export const SETTLE_MS = 8000;
export const WINDOW_MS = 5000;
export const WINDOWS = 3;

/**
 * CPU time of a process in ns, all its threads (/proc/PID/task/TID/schedstat, first field: time on CPU). Precise
 * to the ns, where utime/stime count 10 ms ticks, which cannot tell 0.05 % from 0 in a few seconds.
 */
function cpuNs(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/task`).reduce((sum, tid) => {
      try {
        return sum + Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[0]);
      } catch {
        return sum; // the thread ended meanwhile
      }
    }, 0);
  } catch {
    return 0;
  }
}

function rssKiB(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

export interface ResourceSample {
  readonly daemon: DaemonKind;
  readonly instances: number;
  readonly advertIntervalMs: number;
  readonly role: "master" | "backup";
  /** Median and maximum of the RSS samples taken through the windows. */
  readonly rssMiB: number;
  readonly rssMaxMiB: number;
  /** Median of WINDOWS windows of WINDOW_MS, one core = 100. */
  readonly cpuPercent: number;
  /** State changes logged during the windows: anything but 0 means the daemon flapped and the row is not steady. */
  readonly transitions: number;
}

const TRANSITION_LINE: Record<DaemonKind, RegExp> = { vrrpd: ANY_TRANSITION, keepalived: /Entering (MASTER|BACKUP|FAULT) STATE/ };

const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[values.length >> 1] ?? NaN;

/** How often RSS is sampled inside the windows: a node heap grows and shrinks, so one sample can miss the peak. */
const RSS_SAMPLE_MS = 1000;

interface Steady {
  /** CPU % per window, one core = 100. */
  readonly cpuPercent: number[];
  /** RSS of all the daemon's processes, sampled every RSS_SAMPLE_MS through the windows. */
  readonly rssMiB: number[];
}

/** CPU % per window and RSS samples of each set of pids, measured over the same windows. */
async function steadyWindows(pidSets: readonly (() => number[])[]): Promise<Steady[]> {
  const perSet = pidSets.map((): Steady => ({ cpuPercent: [], rssMiB: [] }));
  const sampleRss = (): void => pidSets.forEach((pids, i) => perSet[i]?.rssMiB.push(pids().reduce((sum, pid) => sum + rssKiB(pid), 0) / 1024));
  for (let w = 0; w < WINDOWS; w++) {
    const before = pidSets.map((pids) => pids().reduce((sum, pid) => sum + cpuNs(pid), 0));
    const started = performance.now();
    for (let slept = 0; slept < WINDOW_MS; slept += RSS_SAMPLE_MS) {
      await sleep(RSS_SAMPLE_MS);
      sampleRss();
    }
    const seconds = (performance.now() - started) / 1000;
    pidSets.forEach((pids, i) => {
      const used = pids().reduce((sum, pid) => sum + cpuNs(pid), 0) - (before[i] ?? 0);
      perSet[i]?.cpuPercent.push((100 * used) / 1e9 / seconds);
    });
  }
  return perSet;
}

export async function resourcesOnce(kind: DaemonKind, count: number, advertIntervalMs: number): Promise<ResourceSample[]> {
  const lab = new GatewayLab();
  try {
    const master = startDaemon(lab, kind, "r1", manyInstances(count, 200, 3, advertIntervalMs));
    const backup = startDaemon(lab, kind, "r2", manyInstances(count, 100, 3, advertIntervalMs));
    const lastVip = manyInstances(count, 200, 3, advertIntervalMs).at(-1)?.vip ?? "";
    await waitUntil(`${count} instances to converge`, () => lab.addresses(lab.ns.r1).includes(lastVip), 60_000, 100);
    await sleep(SETTLE_MS);
    const linesBefore = [master.process.lines.length, backup.process.lines.length];
    const steady = await steadyWindows([() => master.pids(), () => backup.pids()]);
    const transitions = (d: RunningDaemon, from: number): number =>
      d.process.lines.slice(from).filter((line) => TRANSITION_LINE[kind].test(line)).length;
    return (["master", "backup"] as const).map((role, i) => ({
      daemon: kind,
      instances: count,
      advertIntervalMs,
      role,
      rssMiB: median(steady[i]?.rssMiB ?? []),
      rssMaxMiB: Math.max(...(steady[i]?.rssMiB ?? [])),
      cpuPercent: median(steady[i]?.cpuPercent ?? []),
      transitions: transitions(i === 0 ? master : backup, linesBefore[i] ?? 0),
    }));
  } finally {
    lab.cleanup();
  }
}

export interface NodeFloor {
  /** CPU % of the node that sends the datagrams (as a master sends adverts). */
  readonly sendPercent: number;
  /** CPU % of the node that receives them into an empty handler (as a backup hears adverts). */
  readonly receivePercent: number;
}

/**
 * The floor under any node daemon: two nodes with the router's flags on the lab LAN, one sending `packetsPerSecond`
 * UDP datagrams, the other receiving them into an empty handler. What a daemon spends per wake-up beyond this is
 * its own.
 */
export async function nodeFloor(packetsPerSecond: number): Promise<NodeFloor> {
  const lab = new GatewayLab();
  try {
    const receiver = `require("node:dgram").createSocket("udp4").on("message", () => {}).bind(40000, "${ROUTER_IPV4.r2}"); setInterval(() => {}, 1 << 30);`;
    const sender = `const s = require("node:dgram").createSocket("udp4"); const b = Buffer.alloc(40); setInterval(() => s.send(b, 40000, "${ROUTER_IPV4.r2}"), ${1000 / packetsPerSecond});`;
    const rx = lab.spawn("floor-rx", lab.ns.r2, [process.execPath, ...ROUTER_NODE_FLAGS, "-e", receiver]);
    const tx = lab.spawn("floor-tx", lab.ns.r1, [process.execPath, ...ROUTER_NODE_FLAGS, "-e", sender]);
    await sleep(SETTLE_MS);
    const [sent, received] = await steadyWindows([() => [tx.pid], () => [rx.pid]]);
    return { sendPercent: median(sent?.cpuPercent ?? []), receivePercent: median(received?.cpuPercent ?? []) };
  } finally {
    lab.cleanup();
  }
}

export interface StartupSample {
  readonly daemon: DaemonKind;
  readonly toBackupMs: number;
  readonly toMasterAloneMs: number;
}

/** Time to Backup (a master is already there) and to Master when alone (includes the protocol's wait). */
export async function startupOnce(kind: DaemonKind, advertIntervalMs = 100): Promise<StartupSample> {
  const lab = new GatewayLab();
  try {
    const startedAlone = performance.now();
    startDaemon(lab, kind, "r1", gatewayInstances(200, 3, advertIntervalMs));
    await waitUntil("master alone", () => lab.holders(VIP4).includes("r1"), 20_000, 5);
    const toMasterAloneMs = performance.now() - startedAlone;
    const startedBackup = performance.now();
    const backup = startDaemon(lab, kind, "r2", gatewayInstances(100, 3, advertIntervalMs));
    const backupLine = kind === "vrrpd" ? /-> backup/ : /Entering BACKUP STATE/;
    await waitUntil("backup", () => backup.process.lines.some((l) => backupLine.test(l)), 20_000, 5);
    return { daemon: kind, toBackupMs: performance.now() - startedBackup, toMasterAloneMs };
  } finally {
    lab.cleanup();
  }
}

export interface MailRssSample {
  readonly mail: boolean;
  /** Median and maximum of the RSS samples. */
  readonly rssMiB: number;
  readonly rssMaxMiB: number;
  /** Alerts the daemon reported sent (its log): with mail on, the client was loaded and used, not just configured. */
  readonly mailsSent: number;
}

const SMTP_PORT = 2525;

/**
 * RSS of one vrrpd (one instance at 1 s, master alone), with e-mail alerts off, or on: configured, with a sink
 * in the client namespace that accepts its start-up alerts. The difference is what loading vrrpd-mail.js
 * (nodemailer) costs.
 */
export async function mailRssOnce(mail: boolean): Promise<MailRssSample> {
  const lab = new GatewayLab();
  try {
    if (mail) {
      const sink = lab.spawn("smtp-sink", lab.ns.client, [process.execPath, "--import", "tsx", "test/netns/smtp-sink.ts", CLIENT_IPV4, String(SMTP_PORT)]);
      await sink.waitForLine(/^listening$/, 15_000);
    }
    const globals = ["config globals 'globals'", "\toption enabled '1'", "\toption hotplug '0'"];
    if (mail) globals.push("\toption router_id 'r1'", "\tlist notification_email 'ops@example.com'", `\toption smtp_server '${CLIENT_IPV4} ${SMTP_PORT}'`);
    const instance = ["config instance 'lan'", "\toption interface 'lan0'", "\toption virtual_router_id '51'", "\toption priority '200'", "\toption version '3'", `\tlist virtual_ipaddress '${VIP4}/24'`];
    if (mail) instance.push("\toption smtp_alert '1'");
    const conf = lab.writeFile("r1.vrrp", `${globals.join("\n")}\n\n${instance.join("\n")}\n`);
    const daemon = lab.spawn("vrrpd-r1", lab.ns.r1, [process.execPath, ...ROUTER_NODE_FLAGS, vrrpdBundle(), "run", "-c", conf, "--control-socket", `${lab.dir}/r1.sock`]);
    await waitUntil("master", () => lab.addresses(lab.ns.r1).includes(VIP4), 20_000, 100);
    await sleep(SETTLE_MS);
    const [steady] = await steadyWindows([() => [daemon.pid]]);
    const rss = steady?.rssMiB ?? [];
    return { mail, rssMiB: median(rss), rssMaxMiB: Math.max(...rss), mailsSent: daemon.lines.filter((l) => /mail sent:/.test(l)).length };
  } finally {
    lab.cleanup();
  }
}
