// Routers that break one rule without telling the checker: each must be caught on a clear majority of the seeds
// where its rule matters (sabotage.test.ts). The checker always expects the plan's configuration; a sabotage changes
// what the nodes really run (quirks), and may first adjust the plan so the broken rule comes into play.
import type { CoreConfig, InstanceConfig } from "../../src/vrrp/model.ts";
import { Prng } from "./prng.ts";
import type { ScenarioResult } from "./scenario.ts";
import type { NodeQuirks } from "./simulation.ts";

export interface Sabotage {
  /** For `npm run sim -- --sabotage <id>`. */
  readonly id: string;
  /** What the router does wrong, completing "a router that ...". */
  readonly name: string;
  /** Applied to the plan before anything runs: what the checker expects and (before quirks) what nodes run. */
  readonly plan?: (config: CoreConfig) => CoreConfig;
  readonly quirks: (planned: CoreConfig, seed: number) => NodeQuirks | undefined;
  /** Whether a faithful run of the seed exercises the rule this sabotage breaks. */
  readonly relevant: (faithful: ScenarioResult) => boolean;
}

const eachInstance = (change: (i: InstanceConfig) => InstanceConfig) => (config: CoreConfig): CoreConfig => ({
  ...config,
  instances: config.instances.map(change),
});

const tookOverByTimer = (r: ScenarioResult): boolean => /backup>master (master-down-timer|priority-zero-received)/.test(r.trace);

/** A node left Fault on link-up and then took over by its own timer: where the length of that first wait shows. */
function tookOverAfterLinkUp(r: ScenarioResult): boolean {
  const recovered = new Set<string>();
  for (const line of r.trace.split("\n")) {
    const [, node, instance, move, reason] = line.split(" ");
    const key = `${node} ${instance}`;
    if (move === "fault>backup" && reason === "link-up") recovered.add(key);
    else if (recovered.has(key) && move === "backup>master" && reason === "master-down-timer") return true;
    else recovered.delete(key);
  }
  return false;
}

/** Waits `adverts` intervals (keepalived's down_timer_adverts) while the checker expects the RFCs' 3. */
function waitsAdverts(id: string, adverts: number): Sabotage {
  return {
    id,
    name: `waits ${adverts} intervals instead of 3`,
    quirks: () => ({ runningConfig: eachInstance((i) => ({ ...i, downTimerAdverts: adverts })) }),
    relevant: (r) => (adverts < 3 ? r.trace.includes(">backup") : tookOverByTimer(r)),
  };
}

export const SABOTAGES: readonly Sabotage[] = [
  waitsAdverts("slow", 4),
  waitsAdverts("early", 2.9),
  waitsAdverts("hasty", 0.3),
  {
    // Defect 2 reproduced from outside: a node that restarts on link-up re-applies `state MASTER`'s short first
    // wait after every Fault, while the checker expects the full Master_Down_Interval from the moment Fault ends.
    id: "start-timer",
    name: "re-applies the `state MASTER` start timer after Fault",
    plan: eachInstance((i) => ({ ...i, initialState: "master" })),
    quirks: () => ({ rebootOnLinkUp: true }),
    relevant: tookOverAfterLinkUp,
  },
  {
    // Defect 1 reproduced from outside: the node keeps the interval (and down_timer_adverts) it started with.
    id: "reload-interval",
    name: "ignores a reload's interval",
    quirks: (planned) => ({
      runningConfig: (config) => ({
        ...config,
        instances: config.instances.map((i) => {
          const first = planned.instances.find((p) => p.name === i.name);
          return first ? { ...i, advertIntervalMs: first.advertIntervalMs, downTimerAdverts: first.downTimerAdverts } : i;
        }),
      }),
    }),
    relevant: (r) => r.journal.some((line) => /reload .*advertIntervalMs/.test(line) && !line.endsWith("(not running)")),
  },
  {
    // A router that drops half of what it receives (a full socket buffer, a filter): it flaps between states.
    id: "flapping",
    name: "flaps (loses half the adverts it receives)",
    quirks: (_planned, seed) => ({ loseReceived: { probability: 0.5, prng: new Prng(seed ^ 0x5ab0) } }),
    relevant: (r) => r.trace.includes(">backup"),
  },
];
