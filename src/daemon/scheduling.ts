// The daemon's real-time scheduling (globals vrrp_rt_priority / vrrp_rlimit_rttime), applied once the daemon runs
// and again when a reload changes it. Start-up (reading the config, rehearsing a failover) stays at normal
// priority, so its CPU burst neither counts against RLIMIT_RTTIME nor holds the CPU from the rest of the boot.
// Refused (no CAP_SYS_NICE, systemd's RestrictRealtime=, a container): one warning, and the daemon runs as before.
import type { DataPlane, SchedulingWanted } from "./data-plane.ts";
import type { Logger } from "./log.ts";

export type { SchedulingWanted } from "./data-plane.ts";

export class DaemonScheduling {
  private applied: SchedulingWanted | undefined;

  constructor(
    private readonly set: DataPlane["setScheduling"],
    private readonly logger: Logger,
  ) {}

  /** Applies `wanted` unless it is what was last asked for (a refusal is not retried until the settings change). */
  apply(wanted: SchedulingWanted): void {
    if (this.set === undefined) return;
    if (this.applied?.rtPriority === wanted.rtPriority && this.applied.rlimitRttimeUs === wanted.rlimitRttimeUs) return;
    const first = this.applied === undefined;
    this.applied = { rtPriority: wanted.rtPriority, rlimitRttimeUs: wanted.rlimitRttimeUs };
    // At start, normal scheduling is what the daemon already has: nothing to do, nothing to say.
    if (first && wanted.rtPriority === 0) return;
    try {
      this.set(wanted);
      this.logger.log(
        "info",
        wanted.rtPriority === 0
          ? "normal scheduling (vrrp_rt_priority 0)"
          : `real-time scheduling: SCHED_RR priority ${wanted.rtPriority}, RLIMIT_RTTIME ${wanted.rlimitRttimeUs} µs`,
      );
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.logger.log("warning", `cannot set vrrp_rt_priority ${wanted.rtPriority} (${reason}); adverts may be late under CPU load (needs CAP_SYS_NICE)`);
    }
  }
}

/** What the kernel's SIGXCPU means here: half of RLIMIT_RTTIME used without blocking; at all of it, SIGKILL. */
export const SIGXCPU_WARNING =
  "SIGXCPU: the daemon ran at real-time priority for half of vrrp_rlimit_rttime without blocking; at the whole of it the kernel kills it (raise vrrp_rlimit_rttime if this repeats on a slow router)";
