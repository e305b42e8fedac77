// The daemon's real-time scheduling follows globals vrrp_rt_priority / vrrp_rlimit_rttime: applied once the daemon
// runs and when a reload changes them, refused with one warning (the daemon keeps running), never retried for the
// same settings.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createLogger } from "../../src/daemon/log.ts";
import { DaemonScheduling, type SchedulingWanted } from "../../src/daemon/scheduling.ts";

function setup(refuse = false): { scheduling: DaemonScheduling; calls: SchedulingWanted[]; lines: string[] } {
  const calls: SchedulingWanted[] = [];
  const lines: string[] = [];
  const set = (wanted: SchedulingWanted): void => {
    calls.push(wanted);
    if (refuse) throw new Error("pthread_setschedparam: EPERM (Operation not permitted)");
  };
  return { scheduling: new DaemonScheduling(set, createLogger("debug", (l) => lines.push(l))), calls, lines };
}

describe("DaemonScheduling", () => {
  it("applies a real-time priority and says so", () => {
    const { scheduling, calls, lines } = setup();
    scheduling.apply({ rtPriority: 10, rlimitRttimeUs: 2_000_000 });
    assert.deepEqual(calls, [{ rtPriority: 10, rlimitRttimeUs: 2_000_000 }]);
    assert.deepEqual(lines, ["info: real-time scheduling: SCHED_RR priority 10, RLIMIT_RTTIME 2000000 µs"]);
  });

  it("leaves normal scheduling alone at start, and goes back to it when a reload asks", () => {
    const { scheduling, calls } = setup();
    scheduling.apply({ rtPriority: 0, rlimitRttimeUs: 2_000_000 });
    assert.equal(calls.length, 0);
    scheduling.apply({ rtPriority: 20, rlimitRttimeUs: 2_000_000 });
    scheduling.apply({ rtPriority: 20, rlimitRttimeUs: 2_000_000 }); // a reload that changed something else
    scheduling.apply({ rtPriority: 20, rlimitRttimeUs: 500_000 });
    scheduling.apply({ rtPriority: 0, rlimitRttimeUs: 500_000 });
    assert.deepEqual(calls.map((c) => [c.rtPriority, c.rlimitRttimeUs]), [[20, 2_000_000], [20, 500_000], [0, 500_000]]);
  });

  it("a refusal is one warning naming the option, and is not retried for the same settings", () => {
    const { scheduling, calls, lines } = setup(true);
    scheduling.apply({ rtPriority: 10, rlimitRttimeUs: 2_000_000 });
    scheduling.apply({ rtPriority: 10, rlimitRttimeUs: 2_000_000 });
    assert.equal(calls.length, 1);
    assert.equal(lines.length, 1);
    assert.match(lines[0] ?? "", /^warning: cannot set vrrp_rt_priority 10 \(pthread_setschedparam: EPERM .*CAP_SYS_NICE/);
  });

  it("does nothing where the data plane has no scheduling (tests, other platforms)", () => {
    const lines: string[] = [];
    new DaemonScheduling(undefined, createLogger("debug", (l) => lines.push(l))).apply({ rtPriority: 10, rlimitRttimeUs: 2_000_000 });
    assert.deepEqual(lines, []);
  });
});
