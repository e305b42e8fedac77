// What every native check shares: it ends exactly once, when it has its answer, at its timeout, or when the tracker
// stops (abort); and it reports like a script run (run-process.ts RunResult), its detail where a script's stderr
// would be. Nothing here blocks: a check that hangs is cut at the timeout, like a hung script.
import type { RunResult } from "../run-process.ts";

/**
 * Arms the timeout and the abort for one check run. Returns `end`, which the check calls once it knows its answer
 * (the first call wins; the timeout calls end(true), an abort end(false)); `conclude` then runs exactly once, with
 * whether the timeout ended it, to release what the check opened and resolve its result.
 */
export function checkEnd(timeoutMs: number, abort: AbortSignal, conclude: (timedOut: boolean) => void): (timedOut?: boolean) => void {
  let done = false;
  const end = (timedOut = false): void => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    abort.removeEventListener("abort", onAbort);
    conclude(timedOut);
  };
  const timer = setTimeout(() => end(true), timeoutMs);
  const onAbort = (): void => end(false);
  abort.addEventListener("abort", onAbort);
  return end;
}

/** A native check's result, in the shape of a script run's. */
export function checkResult(ok: boolean, detail: string, timedOut: boolean, startedMs: number): RunResult {
  return { ok, exitCode: null, signal: null, timedOut, durationMs: performance.now() - startedMs, stderrTail: detail };
}
