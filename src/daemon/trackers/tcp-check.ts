// track_script `type 'tcp'`: a TCP connect to `port` on each host per run (keepalived's TCP_CHECK, `nc -z`), up
// when `reliability` of them accept; the connection is closed at once. Cut at the timeout like every check.
import { connect, type Socket } from "node:net";
import type { TcpCheck } from "../../config/model.ts";
import type { RunResult } from "../run-process.ts";
import { checkEnd, checkResult } from "./check-end.ts";

export function runTcpCheck(check: TcpCheck, timeoutMs: number, abort: AbortSignal): Promise<RunResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    const accepted = new Set<string>();
    const failed = new Map<string, string>();
    const sockets: Socket[] = [];
    const finish = checkEnd(timeoutMs, abort, (timedOut) => {
      for (const s of sockets) s.destroy();
      const ok = accepted.size >= check.reliability;
      const silent = check.hosts.filter((h) => !accepted.has(h)).map((h) => `${h} (${failed.get(h) ?? "no answer"})`);
      const detail = `${accepted.size}/${check.hosts.length} accepted on port ${check.port} (need ${check.reliability})${silent.length > 0 ? `; ${silent.join(", ")}` : ""}`;
      resolve(checkResult(ok, detail, timedOut && !ok, started));
    });
    const settle = (): void => {
      if (accepted.size + failed.size === check.hosts.length) finish();
    };
    for (const host of check.hosts) {
      const socket = connect({ host, port: check.port });
      sockets.push(socket);
      socket.once("connect", () => {
        accepted.add(host);
        socket.destroy();
        settle();
      });
      socket.once("error", (error: NodeJS.ErrnoException) => {
        failed.set(host, error.code ?? error.message);
        settle();
      });
    }
  });
}
