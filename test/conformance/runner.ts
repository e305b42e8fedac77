// Runs a conformance scenario: a JSON file of inputs to one engine and the exact outputs each must produce.
// Adverts are described by their fields and encoded here, so every step also crosses the real codec.
import assert from "node:assert/strict";
import { decode, encode } from "../../src/vrrp/codec.ts";
import { Engine } from "../../src/vrrp/engine.ts";
import type { Output } from "../../src/vrrp/io.ts";
import { type InstanceConfig, instanceDefaults } from "../../src/vrrp/model.ts";

export interface AdvertInput {
  readonly from: string;
  readonly priority: number;
  readonly intervalMs?: number;
  readonly addresses?: readonly string[];
  readonly ttl?: number;
  readonly authPassword?: string;
  readonly authType?: 0 | 1;
  readonly dst?: string;
}

export interface Step {
  readonly at: number;
  readonly do: "start" | "timeout" | "advert" | "link" | "track" | "shutdown" | "switchover" | "reconfigure";
  readonly advert?: AdvertInput;
  readonly up?: boolean;
  readonly track?: { readonly id: string; readonly state: "up" | "down" };
  readonly config?: Partial<InstanceConfig>;
  readonly expect: readonly Record<string, unknown>[];
  readonly expectState?: string;
  readonly expectCounters?: Readonly<Record<string, number>>;
  readonly expectPriority?: number;
}

export interface Scenario {
  readonly name: string;
  readonly rfc: string;
  readonly description: string;
  readonly local: Partial<InstanceConfig>;
  readonly address: string;
  readonly steps: readonly Step[];
}

const INTERFACE = "lan0";

function localConfig(s: Scenario, override: Partial<InstanceConfig> = {}): InstanceConfig {
  return instanceDefaults({
    name: "vr",
    interface: INTERFACE,
    vrid: 51,
    virtualAddresses: [{ address: s.local.family === 6 ? "fe80::51" : "198.51.100.51", prefixLength: 24 }],
    ...s.local,
    ...override,
  });
}

/** The observable shape of an output: sends are decoded so a scenario can say `{type: "send", priority: 0}`. */
function summarize(output: Output, config: InstanceConfig): Record<string, unknown> | undefined {
  switch (output.type) {
    case "log":
    case "priority":
      return undefined;
    case "send": {
      const decoded = decode(output.bytes, { family: output.family, src: output.src, dst: output.dst, tolerateGlobalFirstIpv6: true });
      assert.ok(decoded.ok, `the router sent an advert it cannot decode: ${decoded.ok ? "" : decoded.error.message}`);
      return { type: "send", priority: decoded.value.advert.priority, dst: output.dst, src: output.src };
    }
    case "add-addresses":
      return { type: output.type, addresses: output.addresses.map((a) => a.address), acceptPackets: output.acceptPackets };
    case "remove-addresses":
      return { type: output.type, addresses: output.addresses.map((a) => a.address) };
    case "accept-packets":
      return { type: output.type, acceptPackets: output.acceptPackets };
    case "announce":
      return { type: "announce", count: output.count };
    case "transition":
      return { type: "transition", from: output.from, to: output.to, reason: output.reason };
    case "master-rx-lower-pri":
      return { type: output.type, from: output.from };
  }
  void config;
}

function advertBytes(a: AdvertInput, config: InstanceConfig): Uint8Array {
  const interval = a.intervalMs ?? config.advertIntervalMs;
  const addresses = a.addresses ?? config.virtualAddresses.map((v) => v.address);
  const dst = a.dst ?? config.multicastGroup;
  const common = { vrid: config.vrid, priority: a.priority, addresses };
  const advert =
    config.version === 2
      ? { ...common, version: 2 as const, authType: a.authType ?? config.authType, authPassword: a.authPassword ?? config.authPassword, adverIntSec: interval / 1000 }
      : { ...common, version: 3 as const, maxAdverIntCs: interval / 10 };
  return encode(advert, { family: config.family, src: a.from, dst });
}

export function runScenario(s: Scenario): void {
  let config = localConfig(s);
  const engine = new Engine({ instances: [config], syncGroups: [] });
  const link = (up: boolean) => ({ up, ...(config.family === 4 ? { ipv4: s.address } : { ipv6LinkLocal: s.address }) });
  engine.setLink(0, INTERFACE, link(true));
  let now = 0;
  for (const [i, step] of s.steps.entries()) {
    const where = `${s.name} step ${i} (${step.do} at ${step.at})`;
    assert.ok(step.at >= now, `${where}: steps go forward in time`);
    now = step.at;
    let outputs: readonly Output[];
    switch (step.do) {
      case "start":
        outputs = engine.start(now);
        break;
      case "timeout":
        // The step's time must be exactly the engine's next deadline: this checks the timer arithmetic.
        assert.ok(Math.abs((engine.nextDeadline() ?? NaN) - now) < 1e-6, `${where}: next deadline is ${engine.nextDeadline()}, expected ${now}`);
        outputs = engine.handleTimeout(now);
        break;
      case "advert": {
        const a = step.advert;
        assert.ok(a, `${where}: advert step without advert`);
        outputs = engine.handlePacket(now, { interface: INTERFACE, family: config.family, src: a.from, dst: a.dst ?? config.multicastGroup, ttl: a.ttl ?? 255, bytes: advertBytes(a, config) });
        break;
      }
      case "link":
        outputs = engine.setLink(now, INTERFACE, link(step.up ?? true));
        break;
      case "track":
        assert.ok(step.track, `${where}: track step without track`);
        outputs = engine.setTrack(now, step.track.id, step.track.state);
        break;
      case "shutdown":
        outputs = engine.shutdown(now);
        break;
      case "switchover":
        outputs = engine.switchover(now, config.name, 10_000).outputs;
        break;
      case "reconfigure":
        config = localConfig(s, step.config);
        outputs = engine.reconfigure(now, { instances: [config], syncGroups: [] });
        break;
    }
    const seen: Record<string, unknown>[] = outputs.map((o) => summarize(o, config)).filter((o): o is Record<string, unknown> => o !== undefined);
    const comparable: Record<string, unknown>[] = seen.map((o: Record<string, unknown>, k: number) => {
      const wanted = step.expect[k];
      return wanted ? Object.fromEntries(Object.keys(wanted).map((key) => [key, o[key]])) : o;
    });
    assert.deepEqual(comparable, step.expect, `${where}: outputs differ\n${JSON.stringify(seen, null, 1)}`);
    const status = engine.status(now).instances[0];
    if (step.expectState) assert.equal(status?.state, step.expectState, `${where}: state`);
    if (step.expectPriority !== undefined) assert.equal(status?.effectivePriority, step.expectPriority, `${where}: priority`);
    for (const [counter, value] of Object.entries(step.expectCounters ?? {})) {
      assert.equal(status?.counters[counter as keyof typeof status.counters], value, `${where}: counter ${counter}`);
    }
  }
}
