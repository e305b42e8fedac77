// A daemon without the kernel for API tests and benches: a real Runtime over the in-memory data plane
// (fake-data-plane.ts), the API on top, injected facts with a pinned wall clock, and a reload that can be made
// to fail.
import { VrrpApi, configFacts, type ReloadResult } from "../../src/daemon/api.ts";
import { ConfigState, type DaemonFacts } from "../../src/daemon/daemon-facts.ts";
import { createLogger } from "../../src/daemon/log.ts";
import { Runtime, type RuntimeConfig, type StateEvent } from "../../src/daemon/runtime.ts";
import type { TrackScriptSpec } from "../../src/daemon/track-scripts.ts";
import { instanceDefaults, type InstanceConfig, type SyncGroupConfig } from "../../src/vrrp/model.ts";
import { FakeDataPlane, FakeLan } from "./fake-data-plane.ts";

export const quiet = createLogger("error", () => undefined);
export const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
/** 2026-01-01T00:00:00Z at the moment the test process's monotonic clock read 0. */
export const EPOCH_BASE_MS = 1_767_225_600_000;

export async function until(what: string, check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await wait(5);
  }
}

/** `count` instances lan0, lan1, ... on eth0 with VRIDs 1.. and one VIP each; v3 at `advertIntervalMs`. */
export function lanInstances(count: number, priority: number, extra: Partial<InstanceConfig> = {}, advertIntervalMs = 20): InstanceConfig[] {
  return Array.from({ length: count }, (_, i) =>
    instanceDefaults({
      name: count === 1 ? "lan" : `lan${i}`,
      interface: "eth0",
      vrid: i + 1,
      version: 3,
      advertIntervalMs,
      priority,
      virtualAddresses: [{ address: `198.51.${100 + Math.floor(i / 250)}.${(i % 250) + 1}`, prefixLength: 24 }],
      ...extra,
    }),
  );
}

export interface TestDaemon {
  readonly runtime: Runtime;
  readonly api: VrrpApi;
  readonly config: ConfigState;
  readonly facts: DaemonFacts;
  readonly events: StateEvent[];
  /** Makes the next reloads fail with this message (undefined: succeed). */
  failReload: string | undefined;
  current: RuntimeConfig;
  stop(): Promise<void>;
}

export interface TestDaemonOptions {
  readonly instances: readonly InstanceConfig[];
  readonly syncGroups?: readonly SyncGroupConfig[];
  readonly trackScripts?: readonly TrackScriptSpec[];
  readonly lan?: FakeLan;
  readonly address?: string;
  /** OpenWrt logical network per instance. */
  readonly logical?: Readonly<Record<string, string>>;
}

export async function startTestDaemon(options: TestDaemonOptions): Promise<TestDaemon> {
  const lan = options.lan ?? new FakeLan();
  const current: RuntimeConfig = {
    core: { instances: options.instances, syncGroups: options.syncGroups ?? [] },
    trackScripts: options.trackScripts ?? [],
    notify: {},
    notifyTimeoutMs: 2000,
  };
  const runtime = new Runtime(current, new FakeDataPlane(lan, "eth0", options.address ?? "192.0.2.1"), quiet);
  const config = new ConfigState("/etc/config/vrrp", () => EPOCH_BASE_MS + performance.now());
  const facts: DaemonFacts = {
    version: "0.1.0-test",
    pid: 4242,
    wallClock: () => EPOCH_BASE_MS + performance.now(),
    monotonicClock: () => performance.now(),
    startedAt: performance.now(),
    config: () => config.facts,
  };
  // Mutable through the returned TestDaemon: the reload closure reads them at call time.
  const state = { failReload: undefined as string | undefined, current };
  const reload = async (): Promise<ReloadResult> => {
    if (state.failReload !== undefined) {
      config.reloadFailed(state.failReload);
      return { ok: false, error: state.failReload };
    }
    await runtime.reload(state.current);
    config.loaded(1);
    return { ok: true };
  };
  const logical = options.logical ?? {};
  const handoff = (): string[] => runtime.status().instances.filter((i) => i.state === "master").map((i) => i.name);
  const api = new VrrpApi({ runtime, facts, reload, handoff, describe: configFacts(() => state.current, (name) => logical[name]) });
  const daemon: TestDaemon = Object.assign(state, { runtime, api, config, facts, events: [] as StateEvent[], stop: () => runtime.stop() });
  runtime.stateListeners.push((e) => daemon.events.push(e));
  config.loaded(0);
  await runtime.start();
  return daemon;
}
