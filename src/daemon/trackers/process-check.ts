// track_script `type 'process'` (keepalived's vrrp_track_process): up while at least `quorum` processes named
// `process_name` run, read from /proc without forking pidof. The name is matched against /proc/PID/comm (15
// characters, as the kernel truncates it) and against argv[0]'s basename, so `dnsmasq` and `/usr/sbin/dnsmasq`
// both count; with `param_match` the rest of the command line must contain that text too. `quorum_max` bounds the
// count from above (keepalived: 0 means up only while none runs).
import { readdir, readFile } from "node:fs/promises";
import type { ProcessCheck } from "../../config/model.ts";
import type { RunResult } from "../run-process.ts";
import { checkResult } from "./check-end.ts";

/** The kernel's TASK_COMM_LEN is 16 with the NUL. */
const COMM_LENGTH = 15;

async function matches(pid: string, check: ProcessCheck): Promise<boolean> {
  try {
    const cmdline = (await readFile(`/proc/${pid}/cmdline`, "utf8")).split("\0").filter((w) => w !== "");
    const comm = (await readFile(`/proc/${pid}/comm`, "utf8")).trim();
    const argv0 = (cmdline[0] ?? "").split("/").pop() ?? "";
    const named = argv0 === check.name || comm === check.name.slice(0, COMM_LENGTH);
    if (!named) return false;
    return check.paramMatch === undefined || cmdline.slice(1).join(" ").includes(check.paramMatch);
  } catch {
    return false; // exited while we read it, or a kernel thread without a command line
  }
}

export async function runProcessCheck(check: ProcessCheck, timeoutMs: number): Promise<RunResult> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), timeoutMs)));
  const count = (async (): Promise<number> => {
    const pids = (await readdir("/proc")).filter((name) => /^\d+$/.test(name) && Number(name) !== process.pid);
    let found = 0;
    for (const pid of pids) if (await matches(pid, check)) found++;
    return found;
  })();
  const found = await Promise.race([count, deadline]);
  clearTimeout(timer);
  if (found === undefined) return checkResult(false, `/proc not read within ${timeoutMs} ms`, true, started);
  const what = `${check.name}${check.paramMatch === undefined ? "" : ` with '${check.paramMatch}'`}`;
  const max = check.quorumMax;
  const need = max === undefined ? `${check.quorum}` : max === check.quorum ? `exactly ${max}` : `${check.quorum}..${max}`;
  return checkResult(found >= check.quorum && (max === undefined || found <= max), `${found} ${what} running (need ${need})`, false, started);
}
