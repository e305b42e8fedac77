// Real-time scheduling for the daemon's thread (keepalived's vrrp_rt_priority and vrrp_rlimit_rttime). Under CPU
// load a normal-priority daemon can be starved past Master_Down_Interval and the backup takes over for nothing;
// SCHED_RR runs it ahead of every normal process the moment its timer or socket is ready.
//
// The safety net is RLIMIT_RTTIME: CPU time the thread may use at real-time priority without blocking in a system
// call. At the soft limit (half, as keepalived sets it) the kernel sends SIGXCPU, which the daemon logs; at the hard
// limit it sends SIGKILL, so a runaway loop at real-time priority ends in a respawn instead of a frozen router.
// The limit is set before the policy, so the thread never runs real-time without it.
import { RLIMIT_RTTIME, SCHED_OTHER, SCHED_RESET_ON_FORK, SCHED_RR } from "./constants.ts";
import { ownScheduling, setOwnScheduling, setrlimit } from "./libc.ts";

export interface Scheduling {
  /** 0: normal (SCHED_OTHER); 1..99: SCHED_RR at that priority. */
  readonly rtPriority: number;
  /** The hard RLIMIT_RTTIME while real-time, in microseconds; the soft limit (SIGXCPU) is half of it. */
  readonly rlimitRttimeUs: number;
}

export function setScheduling(wanted: Scheduling): void {
  if (wanted.rtPriority === 0) {
    setOwnScheduling(SCHED_OTHER, 0);
    return;
  }
  const hard = BigInt(Math.max(2, Math.round(wanted.rlimitRttimeUs)));
  setrlimit(RLIMIT_RTTIME, hard / 2n, hard);
  setOwnScheduling(SCHED_RR | SCHED_RESET_ON_FORK, wanted.rtPriority);
}

/** The thread's policy now, as the kernel reports it (test/platform/realtime.test.ts checks setScheduling with it). */
export function currentScheduling(): { readonly realtime: boolean; readonly priority: number } {
  const { policy, priority } = ownScheduling();
  return { realtime: (policy & ~SCHED_RESET_ON_FORK) === SCHED_RR, priority };
}
