// What a health check costs: 100 native checks (track_script `type 'http'` / `type 'ping'`, run inside the
// daemon) against forked ones (`curl` / `ping` as `script`), each at a 1 s interval, for WINDOW_S seconds.
// CPU is this process's user+system time plus its reaped children's (/proc/self/stat cutime/cstime), so a fork's
// whole cost counts. The HTTP server runs in a child process that is not counted (it is not the daemon's cost).
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createLogger } from "../src/daemon/log.ts";
import { TrackScripts, type TrackScriptSpec } from "../src/daemon/track-scripts.ts";

const WINDOW_S = 10;
const CHECKS = 100;
const TICKS_PER_S = 100; // USER_HZ on Linux

export interface CheckCostRow {
  readonly what: string;
  readonly checks: number;
  readonly cpuPercent: number;
  readonly runs: number;
  readonly failures: number;
}

/** User+system CPU seconds of this process and of its reaped children. */
function cpuSeconds(): number {
  const own = process.cpuUsage();
  const fields = readFileSync("/proc/self/stat", "utf8").split(") ")[1]?.split(" ") ?? [];
  // After "pid (comm) ": state is field 3, so cutime (16) and cstime (17) are at indices 13 and 14.
  const children = (Number(fields[13]) + Number(fields[14])) / TICKS_PER_S;
  return (own.user + own.system) / 1e6 + children;
}

async function httpServer(): Promise<{ url: string; stop: () => void }> {
  const child = spawn(process.execPath, ["-e", "require('http').createServer((q,s)=>s.end('ok')).listen(0,'127.0.0.1',function(){console.log(this.address().port)})"], { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise<string>((resolve) => child.stdout.once("data", (d: Buffer) => resolve(d.toString().trim())));
  return { url: `http://127.0.0.1:${port}/`, stop: () => child.kill("SIGKILL") };
}

async function measure(what: string, specs: readonly TrackScriptSpec[]): Promise<CheckCostRow> {
  const scripts = new TrackScripts(specs, () => undefined, createLogger("error", () => undefined));
  const before = cpuSeconds();
  scripts.start();
  await new Promise((r) => setTimeout(r, WINDOW_S * 1000));
  scripts.stop();
  await new Promise((r) => setTimeout(r, 1500)); // let the last forks exit and be reaped
  const status = scripts.status();
  return {
    what,
    checks: specs.length,
    cpuPercent: ((cpuSeconds() - before) / WINDOW_S) * 100,
    runs: status.reduce((n, s) => n + s.runs, 0),
    failures: status.reduce((n, s) => n + s.failures, 0),
  };
}

const spec = (name: string, extra: Partial<TrackScriptSpec>): TrackScriptSpec => ({ name, script: "", intervalMs: 1000, timeoutMs: 900, rise: 1, fall: 1, initFail: false, ...extra });
const many = (n: number, make: (i: number) => TrackScriptSpec): TrackScriptSpec[] => Array.from({ length: n }, (_, i) => make(i));

export async function nativeChecksBench(): Promise<CheckCostRow[]> {
  const server = await httpServer();
  const rows: CheckCostRow[] = [];
  try {
    rows.push(await measure("http, native", many(CHECKS, (i) => spec(`h${i}`, { http: { url: server.url, statusCode: 200, tlsVerify: true } }))));
    rows.push(await measure("http, forked `curl -sf`", [spec("c0", { script: `curl -sf -o /dev/null ${server.url}` })]));
    rows.push(await measure("http, forked `curl -sf`", many(CHECKS, (i) => spec(`c${i}`, { script: `curl -sf -o /dev/null ${server.url}` }))));
    if (process.getuid?.() === 0) {
      rows.push(await measure("ping, native (raw ICMP socket)", many(CHECKS, (i) => spec(`p${i}`, { ping: { hosts: ["127.0.0.1"], reliability: 1 } }))));
      rows.push(await measure("ping, forked `ping -c 1`", [spec("f0", { script: "ping -c 1 -W 1 127.0.0.1" })]));
      rows.push(await measure("ping, forked `ping -c 1`", many(CHECKS, (i) => spec(`f${i}`, { script: "ping -c 1 -W 1 127.0.0.1" }))));
    }
  } finally {
    server.stop();
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(`| check | checks at 1 s | CPU (one core) | runs in ${WINDOW_S} s | failed |\n|---|---|---|---|---|`);
  for (const r of await nativeChecksBench()) console.log(`| ${r.what} | ${r.checks} | ${r.cpuPercent.toFixed(1)} % | ${r.runs} | ${r.failures} |`);
}
