// The convergence check, after the network healed and settled: among the nodes that can run a virtual router,
// exactly one master, and it holds the addresses while no backup does; the owner is master; with preemption on
// every node (and no switchover window or sync group in the way) the master has the highest effective priority;
// a sync group's members on one node are in the same state.
import type { Simulation } from "../simulation.ts";
import type { NodeModel } from "./node-model.ts";
import { PRIORITY_OWNER } from "./rules.ts";
import { instanceNames } from "./step-summary.ts";

export function checkConverged(sim: Simulation, running: ReadonlyArray<readonly [string, NodeModel]>, label: string, report: (message: string) => void): void {
  const now = sim.now;
  for (const instance of instanceNames(running.map(([, m]) => m.config))) {
    const eligible = running.flatMap(([name, model]) => {
      const router = model.routers.get(instance);
      return router && (router.state === "backup" || router.state === "master") ? [{ name, model, router }] : [];
    });
    if (eligible.length === 0) continue;
    const masters = eligible.filter((e) => sim.stateOf(e.name, instance) === "master");
    if (masters.length !== 1) {
      report(`${label} at ${now.toFixed(4)}: ${instance} has ${masters.length} masters (${masters.map((m) => m.name).join(", ")})`);
      continue;
    }
    const master = masters[0];
    if (master === undefined) continue;
    for (const e of eligible) {
      if (e !== master && sim.holds(e.name, instance).size > 0) report(`${label}: backup ${e.name} still holds ${instance}'s addresses`);
    }
    const owner = eligible.find((e) => e.router.priority === PRIORITY_OWNER);
    if (owner && owner !== master) report(`${label}: ${instance}'s owner ${owner.name} is not master (${master.name} is)`);
    const grouped = eligible.some((e) => e.model.config.syncGroups.some((g) => g.members.includes(instance)));
    const windows = eligible.some((e) => (e.router.noPreemptUntil ?? -Infinity) > now);
    if (!owner && !grouped && !windows && eligible.every((e) => e.router.config.preempt)) {
      const best = Math.max(...eligible.map((e) => e.router.priority));
      if (master.router.priority !== best) {
        report(`${label}: ${instance} master ${master.name} has priority ${master.router.priority}, but ${best} is available with preemption everywhere`);
      }
    }
  }
  for (const [name, model] of running) {
    for (const group of model.config.syncGroups) {
      const states = new Set(group.members.map((m) => sim.stateOf(name, m)));
      if (states.size > 1) report(`${label}: ${name}'s sync group ${group.name} is split (${[...states].join(", ")})`);
    }
  }
}
