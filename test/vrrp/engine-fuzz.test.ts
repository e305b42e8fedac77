// The engine's inputs come from the network and the operator: random and mutated packets, link and track
// events, stops, switchovers and reloads, in any order, must never throw, and the timer contract must hold:
// after handleTimeout(now) nothing is due at or before `now`, and a spurious handleTimeout does nothing.
// Valid adverts of both versions reach the instances (v2 with its password and interval, or a wrong one), so the
// state machine itself is exercised, not only the receive checks. FUZZ_RUNS / FUZZ_SEED allow a longer search.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import fc from "fast-check";
import { encode } from "../../src/vrrp/codec.ts";
import { Engine } from "../../src/vrrp/engine.ts";
import type { CoreConfig } from "../../src/vrrp/model.ts";
import { simInstance } from "../sim/topology.ts";
import { fuzzParameters } from "../fuzz-settings.ts";

const config: CoreConfig = {
  instances: [
    simInstance({ vrid: 1, version: 2, priority: 150, authType: 1, authPassword: "pw" }),
    simInstance({ vrid: 2, version: 3, advertIntervalMs: 20, priority: 255 }),
    simInstance({ vrid: 3, version: 3, family: 6, advertIntervalMs: 100 }),
    simInstance({ vrid: 4, version: 3, unicastPeers: ["192.0.2.2"], tracks: [{ id: "script:a", weight: 0, reverse: false }] }),
  ],
  syncGroups: [{ name: "g", members: ["vr1-v4", "vr2-v4"] }],
};


/** A valid v3 advert, or for IPv4 a v2 one (vr1-v4 is v2 with password "pw" at 1 s; `v2Fault` breaks one check). */
function validAdvert(vrid: number, priority: number, family: 4 | 6, version: 2 | 3, v2Fault: "none" | "password" | "interval"): Uint8Array {
  if (family === 6) return encode({ version: 3, vrid, priority, maxAdverIntCs: 10, addresses: ["fe80::1003"] }, { family, src: "fe80::2", dst: "ff02::12" });
  const ip = { family, src: "192.0.2.2", dst: "224.0.0.18" } as const;
  if (version === 3) return encode({ version: 3, vrid, priority, maxAdverIntCs: 2, addresses: ["198.51.100.2"] }, ip);
  const authPassword = v2Fault === "password" ? "wrong" : "pw";
  const adverIntSec = v2Fault === "interval" ? 2 : 1;
  return encode({ version: 2, vrid, priority, addresses: ["198.51.100.1"], authType: 1, authPassword, adverIntSec }, ip);
}

const packetInput = fc.record({
  kind: fc.constant("packet" as const),
  family: fc.constantFrom(4 as const, 6 as const),
  vrid: fc.integer({ min: 0, max: 5 }),
  version: fc.constantFrom(2 as const, 3 as const),
  v2Fault: fc.constantFrom("none" as const, "none" as const, "none" as const, "password" as const, "interval" as const),
  priority: fc.integer({ min: 0, max: 255 }),
  mutate: fc.array(fc.tuple(fc.nat(40), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
  random: fc.option(fc.uint8Array({ maxLength: 64 }), { nil: undefined }),
  ttl: fc.constantFrom(255, 255, 1, 254),
  src: fc.constantFrom("192.0.2.2", "192.0.2.10", "fe80::2", "not-an-ip", "999.1.1.1", "fe80::zz"),
});

const input = fc.oneof(
  packetInput,
  fc.record({ kind: fc.constant("link" as const), up: fc.boolean(), address: fc.boolean() }),
  fc.record({ kind: fc.constant("track" as const), state: fc.constantFrom("up" as const, "down" as const, "unknown" as const) }),
  fc.record({ kind: fc.constantFrom("timeout" as const, "shutdown" as const, "switchover" as const, "reload" as const, "override" as const) }),
);

type Input = typeof input extends fc.Arbitrary<infer T> ? T : never;

function drive(steps: readonly [number, Input][]): void {
  const engine = new Engine(config);
  engine.setLink(0, "lan0", { up: true, ipv4: "192.0.2.1", ipv6LinkLocal: "fe80::1" });
  engine.start(0);
  let now = 0;
  for (const [advance, step] of steps) {
    now += advance;
    switch (step.kind) {
      case "packet": {
        const bytes = step.random ?? validAdvert(step.vrid, step.priority, step.family, step.version ?? 3, step.v2Fault ?? "none");
        const copy = Uint8Array.from(bytes);
        for (const [at, value] of step.mutate) if (at < copy.length) copy[at] = value;
        engine.handlePacket(now, { interface: "lan0", family: step.family, src: step.src, dst: step.family === 4 ? "224.0.0.18" : "ff02::12", ttl: step.ttl, bytes: copy });
        break;
      }
      case "link":
        engine.setLink(now, "lan0", step.address ? { up: step.up, ipv4: "192.0.2.1", ipv6LinkLocal: "fe80::1" } : { up: step.up });
        break;
      case "track":
        engine.setTrack(now, "script:a", step.state);
        break;
      case "timeout": {
        engine.handleTimeout(now);
        const next = engine.nextDeadline();
        assert.ok(next === undefined || next > now, `after handleTimeout(${now}) the next deadline ${next} is not in the future`);
        assert.deepEqual(engine.handleTimeout(now), [], "a spurious handleTimeout does nothing");
        break;
      }
      case "shutdown":
        engine.shutdown(now);
        break;
      case "switchover":
        engine.switchover(now, "vr2-v4", 1000);
        break;
      case "reload":
        engine.reconfigure(now, { ...config, instances: config.instances.slice(0, 1 + (now % 4)) });
        break;
      case "override":
        engine.setPriorityOverride(now, "vr1-v4", now % 2 === 0 ? null : 200);
        break;
    }
    const wakeup = engine.nextWakeup();
    const deadline = engine.nextDeadline();
    // May be early (even with no deadline at all), never late.
    assert.ok(deadline === undefined || (wakeup !== undefined && wakeup <= deadline), `wakeup ${wakeup} after deadline ${deadline}`);
    engine.status(now);
  }
}

test("the engine never throws on random input sequences", () => {
  fc.assert(fc.property(fc.array(fc.tuple(fc.double({ min: 0, max: 500, noNaN: true }), input), { maxLength: 60 }), (steps) => drive(steps)), fuzzParameters(0xf00d, 1500));
});

test("committed regression inputs still run", () => {
  const dir = join(import.meta.dirname, "../vectors/engine-regressions");
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".json"))) {
    drive(JSON.parse(readFileSync(join(dir, file), "utf8")) as [number, Input][]);
  }
});
