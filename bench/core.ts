// Protocol-core throughput: how many adverts per second this CPU can encode, decode and handle, and how much
// CPU one simulated hour of 255 instances at 1 s costs. Divide by a router CPU's speed ratio for headroom.
import { decode, encode } from "../src/vrrp/codec.ts";
import { Engine } from "../src/vrrp/engine.ts";
import type { Advertisement } from "../src/vrrp/advertisement.ts";
import type { CoreConfig } from "../src/vrrp/model.ts";
import { Prng } from "../test/sim/prng.ts";
import { Simulation } from "../test/sim/simulation.ts";
import { simInstance, simNode } from "../test/sim/topology.ts";

export interface BenchRow {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
}

function perSecond(iterations: number, run: (i: number) => void): number {
  for (let i = 0; i < Math.min(iterations, 10_000); i++) run(i); // warm up the JIT
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) run(i);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return iterations / seconds;
}

const advert: Advertisement = { version: 3, vrid: 51, priority: 100, maxAdverIntCs: 100, addresses: ["198.51.100.1", "198.51.100.2"] };
const ctx = { family: 4 as const, src: "192.0.2.2", dst: "224.0.0.18" };

export function codecBench(iterations = 300_000): BenchRow[] {
  const bytes = encode(advert, ctx);
  const encodeRate = perSecond(iterations, () => encode(advert, ctx));
  const decodeRate = perSecond(iterations, () => decode(bytes, ctx));
  const engine = new Engine({ instances: [simInstance({ vrid: 51, version: 3, priority: 50 })], syncGroups: [] });
  engine.setLink(0, "lan0", { up: true, ipv4: "192.0.2.1" });
  engine.start(0);
  const packet = { interface: "lan0", family: 4 as const, src: "192.0.2.2", dst: "224.0.0.18", ttl: 255, bytes };
  const handleRate = perSecond(iterations, (i) => engine.handlePacket(i, packet));
  return [
    { name: "adverts encoded", value: encodeRate, unit: "/s" },
    { name: "adverts decoded", value: decodeRate, unit: "/s" },
    { name: "adverts handled by a backup (decode + state machine)", value: handleRate, unit: "/s" },
  ];
}

export function simulatedHourBench(instances = 255, simulatedSeconds = 3600): BenchRow[] {
  const lan = (priority: number): CoreConfig => ({
    instances: Array.from({ length: instances }, (_, i) => simInstance({ vrid: i + 1, version: 2, priority })),
    syncGroups: [],
  });
  const sim = new Simulation([simNode(1, lan(200)), simNode(2, lan(100))], { minDelayMs: 0.1, maxDelayMs: 0.1, lossProbability: 0 }, new Prng(1));
  sim.at(0, () => (sim.boot("r1"), sim.boot("r2")));
  const cpuBefore = process.cpuUsage();
  sim.runUntil(simulatedSeconds * 1000);
  const cpu = process.cpuUsage(cpuBefore);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  return [
    { name: `CPU for ${simulatedSeconds / 3600} h of ${instances} instances at 1 s (2 routers, simulated)`, value: cpuSeconds, unit: "s" },
    { name: "adverts simulated", value: sim.adverts.length, unit: "" },
    { name: "CPU share of one core per router", value: (100 * cpuSeconds) / 2 / simulatedSeconds, unit: "%" },
  ];
}
