// The management plane under load, for 255 instances (the most VRIDs one interface can carry). The daemon (a
// real Runtime over the in-memory data plane, the API, the ubus object, the control socket) runs on this thread;
// ubusd, the `ubus` CLI, procd and the control-socket client run in a worker (ubus-peer.ts), so the event-loop
// figures are the daemon's own.
// - ubusStatusBench: `status` latency end to end through ubus (the in-test broker) and through the control
//   socket (one connection per call, as `vrrpd status` does), and what each call costs the daemon's loop.
// - ubusEventBurstBench: a burst of 255 transitions in one protocol step (the link under every instance goes
//   down) with the ubus object publishing them: synchronous handling time, then the loop's delay while the
//   255 vrrp.state events, notifications and procd service events drain to ubusd.
// Measured, never asserted. Both are async: `await` them from bench/run.ts.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PerformanceObserver, monitorEventLoopDelay, type IntervalHistogram } from "node:perf_hooks";
import { Worker } from "node:worker_threads";
import { configFacts } from "../src/daemon/api.ts";
import { StatusBuilder } from "../src/daemon/api-status.ts";
import { startControlSocket, type ControlSocket } from "../src/daemon/control-socket.ts";
import { VrrpUbusObject } from "../src/daemon/ubus-object.ts";
import { UbusConnection } from "../src/ubus/connection.ts";
import { encodeJsonMessage } from "../src/ubus/json-message.ts";
import { UbusMsgType } from "../src/ubus/message.ts";
import { FakeLan, type FakeDataPlane } from "../test/daemon/fake-data-plane.ts";
import { lanInstances, quiet, startTestDaemon, until, type TestDaemon } from "../test/daemon/api-fixture.ts";
import type { BenchRow } from "./core.ts";
import type { PeerReply, PeerRequest } from "./ubus-peer.ts";

function quantile(samples: readonly number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

interface Setup {
  readonly daemon: TestDaemon;
  readonly plane: FakeDataPlane;
  readonly vrrp: VrrpUbusObject;
  readonly control: ControlSocket;
  request(m: PeerRequest): void;
  next<T extends PeerReply["type"]>(type: T): Promise<Extract<PeerReply, { type: T }>>;
  close(): Promise<void>;
}

/** A daemon with `instances` masters, registered on the worker's ubusd, and its control socket. */
async function setup(instances: number): Promise<Setup> {
  const dir = mkdtempSync(join(tmpdir(), "vrrpd-bench-ubus-"));
  const ubusPath = join(dir, "ubus.sock");
  // Node 20 workers do not inherit tsx's loader hooks: register them in the worker before importing the peer.
  const boot = `import { register } from ${JSON.stringify(import.meta.resolve("tsx/esm/api"))}; register(); await import(${JSON.stringify(new URL("./ubus-peer.ts", import.meta.url).href)});`;
  const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(boot)}`), { workerData: { ubusPath } });
  const waiting = new Map<string, (m: PeerReply) => void>();
  worker.on("message", (m: PeerReply) => waiting.get(m.type)?.(m));
  const next = <T extends PeerReply["type"]>(type: T): Promise<Extract<PeerReply, { type: T }>> =>
    new Promise((resolve, reject) => {
      worker.once("error", reject);
      waiting.set(type, (m) => resolve(m as Extract<PeerReply, { type: T }>));
    });
  // Undone in reverse if setting up fails half way, so a failed run leaves no socket, directory or thread.
  const undo: (() => unknown)[] = [() => rmSync(dir, { recursive: true, force: true }), () => worker.terminate()];
  const step = <T>(value: T, teardown: (v: T) => unknown): T => (undo.push(() => teardown(value)), value);
  try {
    await next("ready");
    const lan = new FakeLan();
    const daemon = step(await startTestDaemon({ lan, instances: lanInstances(instances, 200, { initialState: "master" }, 1000) }), (d) => d.stop());
    const bus = step(new UbusConnection({ socketPaths: [ubusPath], requestTimeoutMs: 60_000 }), (b) => b.stop());
    const vrrp = new VrrpUbusObject(bus, daemon.api, quiet);
    daemon.runtime.stateListeners.push(vrrp.onStateEvent);
    const control = step(await startControlSocket(daemon.api, quiet, { path: join(dir, "control.sock") }), (c) => c.close());
    bus.start();
    if ((await bus.whenReady(10_000)) === undefined) throw new Error("the daemon did not register on ubus");
    await until("all master", () => daemon.runtime.status().instances.every((i) => i.state === "master"), 20_000);
    await vrrp.idle();
    return {
      daemon,
      plane: lan.planes[0] as FakeDataPlane,
      vrrp,
      control,
      request: (m) => worker.postMessage(m),
      next,
      close: async () => {
        worker.postMessage({ type: "close" } satisfies PeerRequest);
        await next("closed");
        for (const u of undo.reverse()) await u();
      },
    };
  } catch (e) {
    for (const u of undo.reverse()) await u();
    throw e;
  }
}

const ms = (h: IntervalHistogram, f: (h: IntervalHistogram) => number): number => f(h) / 1e6;

interface LoopWatch {
  readonly delay: IntervalHistogram;
  /** Longest garbage-collection pause on this thread (part of any loop delay, and not the codec's doing). */
  readonly gcMaxMs: () => number;
  stop(): void;
}

/** Starts watching this thread's event loop: delay histogram (1 ms resolution) and GC pauses. */
function watchLoop(): LoopWatch {
  const delay = monitorEventLoopDelay({ resolution: 1 });
  let gcMaxMs = 0;
  const gc = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcMaxMs = Math.max(gcMaxMs, e.duration);
  });
  gc.observe({ entryTypes: ["gc"] });
  delay.enable();
  return {
    delay,
    gcMaxMs: () => gcMaxMs,
    stop: () => {
      delay.disable();
      gc.disconnect();
    },
  };
}

/** `status` with `instances` instances: median/p95 latency over `calls` calls on each transport. */
export async function ubusStatusBench(instances = 255, calls = 200): Promise<BenchRow[]> {
  const s = await setup(instances);
  try {
    const run = async (transport: "ubus" | "control"): Promise<{ samplesMs: number[]; replyBytes: number; loop: LoopWatch }> => {
      const loop = watchLoop();
      s.request({ type: "status", transport, calls, controlPath: s.control.path });
      const r = await s.next("status");
      loop.stop();
      return { ...r, loop };
    };
    const ubus = await run("ubus");
    const control = await run("control");
    // The daemon's own work per call, measured here without any socket: API build (snapshot and reply, as
    // api.call builds it but without the time slices, whose pauses would be counted), then blobmsg encoding.
    const apiMs: number[] = [];
    const ubusEncodeMs: number[] = [];
    const describe = configFacts(() => s.daemon.current);
    for (let i = 0; i < 50; i++) {
      const t0 = performance.now();
      const data = await new StatusBuilder(s.daemon.facts).build(s.daemon.runtime.status(), { describe });
      const t1 = performance.now();
      encodeJsonMessage({ type: UbusMsgType.data, seq: 1, peer: 1, attrs: [{ attr: "objid", value: 1 }] }, data); // what the client sends
      ubusEncodeMs.push(performance.now() - t1);
      apiMs.push(t1 - t0);
    }
    const n = `status, ${instances} instances`;
    const loopRows = (what: string, l: LoopWatch): BenchRow[] => [
      { name: `${n}: daemon event-loop delay during the ${calls} calls ${what}, max`, value: ms(l.delay, (h) => h.max), unit: "ms" },
      { name: `${n}: daemon event-loop delay during the ${calls} calls ${what}, p99`, value: ms(l.delay, (h) => h.percentile(99)), unit: "ms" },
      { name: `${n}: daemon's longest GC pause during the calls ${what}`, value: l.gcMaxMs(), unit: "ms" },
    ];
    return [
      { name: `${n}: through ubus (INVOKE via the in-test ubusd), median`, value: quantile(ubus.samplesMs, 0.5), unit: "ms" },
      { name: `${n}: through ubus, p95`, value: quantile(ubus.samplesMs, 0.95), unit: "ms" },
      { name: `${n}: through the control socket (connect per call), median`, value: quantile(control.samplesMs, 0.5), unit: "ms" },
      { name: `${n}: through the control socket, p95`, value: quantile(control.samplesMs, 0.95), unit: "ms" },
      { name: `${n}: daemon cost, API (build the reply), median`, value: quantile(apiMs, 0.5), unit: "ms" },
      { name: `${n}: daemon cost, blobmsg encoding for ubus, median`, value: quantile(ubusEncodeMs, 0.5), unit: "ms" },
      ...loopRows("through ubus", ubus.loop),
      ...loopRows("through the control socket", control.loop),
      { name: `${n}: reply size (JSON)`, value: ubus.replyBytes / 1024, unit: "KiB" },
    ];
  } finally {
    await s.close();
  }
}

/** A burst of `instances` transitions in one protocol step, with the ubus object publishing them. */
export async function ubusEventBurstBench(instances = 255): Promise<BenchRow[]> {
  const s = await setup(instances);
  try {
    s.request({ type: "expect-events", count: instances });
    await new Promise((r) => setTimeout(r, 50));
    // The same loop, same length of time, with nothing published: the noise floor the burst is compared with.
    const idle = monitorEventLoopDelay({ resolution: 1 });
    idle.enable();
    await new Promise((r) => setTimeout(r, 200));
    idle.disable();
    const delay = monitorEventLoopDelay({ resolution: 1 });
    delay.enable();
    const start = performance.now();
    s.plane.setLink(false); // every instance: master → fault, in one call into the engine
    const handled = performance.now() - start;
    await s.next("events");
    const delivered = performance.now() - start;
    await s.vrrp.idle();
    delay.disable();

    // What the ubus listener adds to a transition, on its own: converting and queueing the event.
    const probe = { instance: "x", state: "fault", previousState: "master", reason: "link-down", priority: 200, device: "eth0", virtualIpaddress: ["198.51.100.1/24"] };
    const offline = new VrrpUbusObject(new UbusConnection({ socketPaths: [] }), s.daemon.api, quiet, { maxQueuedEvents: 100_000 });
    const t0 = performance.now();
    for (let i = 0; i < 10_000; i++) offline.onStateEvent(probe);
    const perEventUs = ((performance.now() - t0) / 10_000) * 1000;

    const n = `burst of ${instances} transitions`;
    return [
      { name: `${n}: handled synchronously (engine + runtime + queueing the events)`, value: handled, unit: "ms" },
      { name: `${n}: all vrrp.state events received by a listener after`, value: delivered, unit: "ms" },
      { name: `${n}: daemon event-loop delay while publishing, max`, value: ms(delay, (h) => h.max), unit: "ms" },
      { name: `${n}: daemon event-loop delay while publishing, p99`, value: ms(delay, (h) => h.percentile(99)), unit: "ms" },
      { name: `${n}: daemon event-loop delay while publishing, mean`, value: ms(delay, (h) => h.mean), unit: "ms" },
      { name: "for comparison: event-loop delay over 200 ms with nothing published, max", value: ms(idle, (h) => h.max), unit: "ms" },
      { name: "for comparison: event-loop delay over 200 ms with nothing published, mean", value: ms(idle, (h) => h.mean), unit: "ms" },
      { name: `${n}: events dropped or failed`, value: s.vrrp.stats.dropped + s.vrrp.stats.failed, unit: "" },
      { name: "queueing one state event (onStateEvent)", value: perEventUs, unit: "µs" },
    ];
  } finally {
    await s.close();
  }
}
