// track_script `type 'process'` (keepalived's vrrp_track_process): up while at least `quorum` processes named
// `process_name` run, read from /proc without forking pidof. The name is matched against /proc/PID/comm (15
// characters, as the kernel truncates it) and against argv[0]'s basename, so `dnsmasq` and `/usr/sbin/dnsmasq`
// both count; with `param_match` the rest of the command line must contain that text too. `quorum_max` bounds the
// count from above (keepalived: 0 means up only while none runs).
import { readdir, readFile } from "node:fs/promises";
import type { ProcessCheck } from "../../config/model.ts";
import type { RunResult } from "../run-process.ts";
import { checkEnd, checkResult } from "./check-end.ts";

/** The kernel's TASK_COMM_LEN is 16 with the NUL. */
const COMM_LENGTH = 15;

async function matches(pid: string, check: ProcessCheck): Promise<boolean> {
  try {
    // comm first: most processes are told apart by it, and cmdline is then read only for a candidate (argv[0] can
    // differ from comm) or for param_match.
    const comm = (await readFile(`/proc/${pid}/comm`, "utf8")).trim();
    const byComm = comm === check.name.slice(0, COMM_LENGTH);
    if (byComm && check.paramMatch === undefined) return true;
    const cmdline = (await readFile(`/proc/${pid}/cmdline`, "utf8")).split("\0").filter((w) => w !== "");
    const named = byComm || (cmdline[0] ?? "").split("/").pop() === check.name;
    return named && (check.paramMatch === undefined || cmdline.slice(1).join(" ").includes(check.paramMatch));
  } catch {
    return false; // exited while we read it, or a kernel thread without a command line
  }
}

/** Counts the matching processes; the scan stops as soon as the check has ended (timeout or stop), never piles up. */
export function runProcessCheck(check: ProcessCheck, timeoutMs: number, abort: AbortSignal): Promise<RunResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    let found = 0;
    let ended = false;
    let unreadable: string | undefined;
    const finish = checkEnd(timeoutMs, abort, (timedOut) => {
      ended = true;
      if (timedOut) return resolve(checkResult(false, `/proc not read within ${timeoutMs} ms`, true, started));
      if (unreadable !== undefined) return resolve(checkResult(false, `/proc unreadable: ${unreadable}`, false, started));
      const what = `${check.name}${check.paramMatch === undefined ? "" : ` with '${check.paramMatch}'`}`;
      const max = check.quorumMax;
      const need = max === undefined ? `${check.quorum}` : max === check.quorum ? `exactly ${max}` : `${check.quorum}..${max}`;
      resolve(checkResult(!abort.aborted && found >= check.quorum && (max === undefined || found <= max), `${found} ${what} running (need ${need})`, false, started));
    });
    void (async (): Promise<void> => {
      const pids = (await readdir("/proc")).filter((name) => /^\d+$/.test(name) && Number(name) !== process.pid);
      for (const pid of pids) {
        if (ended) return;
        if (await matches(pid, check)) found++;
      }
      finish();
    })().catch((error: unknown) => {
      unreadable = error instanceof Error ? error.message : String(error);
      finish();
    });
  });
}
