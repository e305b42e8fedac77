// track_script `type 'http'`: one GET, inside the daemon (no curl forked every interval). Up when the status code
// is the expected one and, with a digest, the body's MD5 matches (keepalived's genhash). The request is destroyed
// at the timeout, so a server that accepts and never answers is a failure at `timeout`, like a hung script.
import { createHash } from "node:crypto";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import type { HttpCheck } from "../../config/model.ts";
import type { RunResult } from "../run-process.ts";
import { checkEnd, checkResult } from "./check-end.ts";

/** A health page larger than this is not read further (its digest cannot match): memory stays bounded. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

export function runHttpCheck(check: HttpCheck, timeoutMs: number, abort: AbortSignal): Promise<RunResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    let answer: { ok: boolean; detail: string } | undefined;
    const end = checkEnd(timeoutMs, abort, (timedOut) => {
      req.destroy();
      if (timedOut) resolve(checkResult(false, `no answer within ${timeoutMs} ms`, true, started));
      else resolve(checkResult(answer?.ok ?? false, answer?.detail ?? "stopped", false, started));
    });
    const finish = (ok: boolean, detail: string): void => {
      answer ??= { ok, detail };
      end();
    };
    const url = new URL(check.url);
    const request = url.protocol === "https:" ? httpsRequest : httpRequest;
    // agent: false — a fresh connection each time, as curl's: a check must see a server that stopped accepting.
    const req = request(url, { method: "GET", agent: false, rejectUnauthorized: check.tlsVerify, headers: { "user-agent": "vrrpd-track", connection: "close" } }, (res) =>
      readResponse(res, check, finish),
    );
    req.on("error", (error) => finish(false, error.message));
    req.end();
  });
}

function readResponse(res: IncomingMessage, check: HttpCheck, finish: (ok: boolean, detail: string) => void): void {
  const status = res.statusCode ?? 0;
  if (status !== check.statusCode) {
    res.resume();
    finish(false, `HTTP ${status}, expected ${check.statusCode}`);
    return;
  }
  const expected = check.digest;
  if (expected === undefined) {
    res.resume();
    finish(true, `HTTP ${status}`);
    return;
  }
  const md5 = createHash("md5");
  let bytes = 0;
  res.on("data", (chunk: Buffer) => {
    bytes += chunk.length;
    if (bytes > MAX_BODY_BYTES) finish(false, `body larger than ${MAX_BODY_BYTES} bytes`);
    else md5.update(chunk);
  });
  res.on("end", () => {
    const digest = md5.digest("hex");
    finish(digest === expected, digest === expected ? `HTTP ${status}, digest matches` : `HTTP ${status}, body digest ${digest}, expected ${expected}`);
  });
  res.on("error", (error) => finish(false, error.message));
}
