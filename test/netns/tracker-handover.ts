// The end-to-end scenario every native tracker's namespace test runs: what r1's track_script checks goes away,
// its priority drops below r2's (weight -100: 150 → 50 < 100) and r2 takes over within one failed check plus
// Master_Down_Interval; it comes back and, after `rise` successes, r1 preempts again.
import assert from "node:assert/strict";
import { CI_SLACK_MS, CLIENT_IPV4, masterDownMs, startPair, transitionLine, vrrpConfig, type GatewayLab, type LabProcess } from "./gateway-lab.ts";

const ADVERT_MS = 100;

export interface TrackedCheck {
  /** The track_script section's name. */
  readonly name: string;
  /** The section's type-specific option lines (type, url, host, ...). */
  readonly options: readonly string[];
  readonly intervalS: number;
  readonly rise: number;
  /** The log line's reason when the check fails, after "track_script NAME is now down". */
  readonly downReason: RegExp;
}

/** Starts what the check looks for and resolves once it is there; the lab kills it at the end, by pid. */
export type StartTarget = (gw: GatewayLab) => Promise<LabProcess>;

/** The small HTTP server of http-health-server.ts in the client namespace: a TCP listener and an HTTP answer. */
export function healthServer(port: number): StartTarget {
  return async (gw) => {
    const server = gw.spawn(`health-${port}`, gw.ns.client, [process.execPath, "--import", "tsx", "test/netns/http-health-server.ts", CLIENT_IPV4, String(port)]);
    await server.waitForLine(/^listening$/, 15_000);
    return server;
  };
}

function r1Config(check: TrackedCheck): string {
  const section = [
    "",
    `config track_script '${check.name}'`,
    ...check.options,
    `\toption interval '${check.intervalS}'`,
    `\toption timeout '${check.intervalS}'`,
    "\toption fall '1'",
    `\toption rise '${check.rise}'`,
    "",
  ];
  return vrrpConfig({ priority: 150, trackScripts: [`${check.name} weight -100`] }) + section.join("\n");
}

export async function handsOverAndBack(gw: GatewayLab, check: TrackedCheck, start: StartTarget): Promise<void> {
  const tracked = await start(gw);
  const { r1, r2 } = await startPair(gw, r1Config(check), vrrpConfig({ priority: 100 }));
  const upLine = new RegExp(`track_script ${check.name} is now up`);
  await r1.waitForLine(upLine, 10_000);
  const from1 = r1.lines.length;
  const from2 = r2.lines.length;
  tracked.kill("SIGKILL");
  await tracked.waitExit(5000);
  const t0 = performance.now();
  await r1.waitForLine(new RegExp(`track_script ${check.name} is now down ${check.downReason.source}`), 5000, from1);
  const at = await r2.waitForLine(transitionLine("master", "backup"), 10_000, from2);
  const takeoverMs = (r2.lineTimes[at] ?? Infinity) - t0;
  assert.ok(takeoverMs < check.intervalS * 1000 * 2 + masterDownMs(100, ADVERT_MS) + CI_SLACK_MS, `r2 took over ${takeoverMs.toFixed(0)} ms after the target went away`);
  await r1.waitForLine(transitionLine("backup", "master"), 5000, from1);

  const back1 = r1.lines.length;
  await start(gw);
  const t1 = performance.now();
  const up = await r1.waitForLine(upLine, 10_000, back1);
  assert.ok((r1.lineTimes[up] ?? 0) - t1 >= (check.rise - 1) * check.intervalS * 1000 - 50, "up only after rise successes");
  await r1.waitForLine(transitionLine("master", "backup"), 10_000, back1);
  await r2.waitForLine(transitionLine("backup", "master"), 10_000, from2);
}
