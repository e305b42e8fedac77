// Real-time scheduling through the platform layer, checked against what the kernel reports in /proc: SCHED_RR at
// the asked priority, RLIMIT_RTTIME soft = half and hard = the limit, children (notify and track scripts) back at
// normal scheduling (SCHED_RESET_ON_FORK), and back to SCHED_OTHER on request. In a child process, so the test
// runner itself never runs real-time. Needs CAP_SYS_NICE (root); skipped loudly without it, never under CI=true.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import { REPO_ROOT } from "../netns/gateway-lab.ts";
import { skipWithoutNetns } from "./netns.ts";

const PROBE = `
import { readFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { currentScheduling, setScheduling } from "./src/platform/linux/index.ts";
const policy = (text) => Number(/^policy\\s*:\\s*(\\d+)/m.exec(text)?.[1]);
const own = () => policy(readFileSync("/proc/thread-self/sched", "utf8"));
const out = { before: own() };
setScheduling({ rtPriority: 7, rlimitRttimeUs: 1_000_000 });
out.rr = own();
out.reported = currentScheduling();
out.limits = /^Max realtime timeout\\s+(\\d+)\\s+(\\d+)/m.exec(readFileSync("/proc/self/limits", "utf8"))?.slice(1).map(Number);
out.child = policy(spawnSync("sh", ["-c", "cat /proc/$$/sched"], { encoding: "utf8" }).stdout);
setScheduling({ rtPriority: 0, rlimitRttimeUs: 1_000_000 });
out.after = own();
console.log(JSON.stringify(out));
`;

test("setScheduling: SCHED_RR with RLIMIT_RTTIME, children at normal priority, and back", (t) => {
  if (skipWithoutNetns(t)) return; // the same prerequisite: root, so CAP_SYS_NICE
  const run = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", PROBE], { cwd: REPO_ROOT, encoding: "utf8", timeout: 30_000 });
  assert.equal(run.status, 0, run.stderr);
  const out = JSON.parse(run.stdout) as Record<string, unknown>;
  assert.deepEqual(out, {
    before: 0, // SCHED_OTHER
    rr: 2, // SCHED_RR
    reported: { realtime: true, priority: 7 },
    limits: [500_000, 1_000_000], // SIGXCPU at half, SIGKILL at the limit (keepalived's split)
    child: 0,
    after: 0,
  });
});
