// keepalived's vrrp_sync_group semantics (vrrp_sync.c): members move together.
//  - Master only when every member can (each member's master-down timer fired, or it already is Master);
//  - one member becoming Master pulls the others to Master; one falling back to Backup pulls the others back;
//  - one member in Fault puts all in Fault (applied by the engine, level-triggered, see engine.ts).
import type { Output, State } from "./io.ts";
import type { RouterHooks, VirtualRouter } from "./router.ts";

export class SyncGroup implements RouterHooks {
  private propagating = false;

  constructor(
    readonly name: string,
    readonly members: readonly VirtualRouter[],
  ) {}

  canBecomeMaster(router: VirtualRouter): boolean {
    return this.members.every((m) => m === router || m.state === "master" || m.wantMaster);
  }

  transitioned(router: VirtualRouter, now: number, from: State, to: State, out: Output[]): void {
    if (this.propagating) return; // the members we move must not move us back
    this.propagating = true;
    try {
      for (const member of this.members) {
        if (member === router) continue;
        if (to === "master") member.followGroupToMaster(now, out);
        else if (from === "master" && to === "backup") member.followGroupToBackup(now, out);
      }
    } finally {
      this.propagating = false;
    }
  }

  /** Fault is contagious: a member is held in Fault while any other member has a fault of its own. */
  faultHeldFor(member: VirtualRouter): boolean {
    return this.members.some((m) => m !== member && !m.isStopped && m.ownFaultReason !== undefined);
  }

  state(): State | "mixed" {
    const states = new Set(this.members.map((m) => m.state));
    return states.size === 1 ? (this.members[0]?.state ?? "initialize") : "mixed";
  }
}
