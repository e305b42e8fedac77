// What a node's daemon knows of the world: links (netlink) and script results, plus the runtime priority
// overrides (ubus set_priority). The effective priority and the tracking Fault follow keepalived's weight rules
// (vrrp_track.c), written here again so the checker does not trust the core's tracking code.
import type { InstanceConfig } from "../../../src/vrrp/model.ts";
import type { TrackState } from "../../../src/vrrp/tracking.ts";
import { SIM_INTERFACE } from "../simulation.ts";
import { PRIORITY_OWNER } from "./rules.ts";

export class NodeWorld {
  readonly links = new Map<string, boolean>([[SIM_INTERFACE, true]]);
  readonly scripts = new Map<string, TrackState>();
  readonly overrides = new Map<string, number>();

  get lanUp(): boolean {
    return this.links.get(SIM_INTERFACE) ?? false;
  }

  private trackState(id: string): TrackState {
    if (id.startsWith("interface:")) {
      const up = this.links.get(id.slice("interface:".length));
      // The daemon reports every device it knows before start: one never reported does not exist, so it is down.
      return up === undefined ? "down" : up ? "up" : "down";
    }
    return this.scripts.get(id) ?? "unknown";
  }

  /** Effective priority (owner never adjusted, others clamped to 1..254) and whether a weight-0 object faults it. */
  derive(config: InstanceConfig): { priority: number; fault: boolean } {
    const base = this.overrides.get(config.name) ?? config.priority;
    let sum = base;
    let fault = false;
    for (const track of config.tracks) {
      const state = this.trackState(track.id);
      if (state === "unknown") continue;
      const good = (state === "up") !== track.reverse;
      if (track.weight === 0) fault ||= !good;
      else if (track.weight > 0 && good) sum += track.weight;
      else if (track.weight < 0 && !good) sum += track.weight;
    }
    if (base === PRIORITY_OWNER) return { priority: PRIORITY_OWNER, fault };
    return { priority: Math.min(PRIORITY_OWNER - 1, Math.max(1, sum)), fault };
  }
}
