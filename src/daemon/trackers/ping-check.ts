// track_script `type 'ping'`: one ICMP / ICMPv6 echo to each host per run, up when at least `reliability` of them
// answer within the timeout (mwan3's track_ip / reliability). Replies are matched by identifier, sequence and
// source; the run ends at the timeout whatever came back, so a silent host is a failure at `timeout`, never a wait.
import { ipFamily, parseIp } from "../../lib/ip.ts";
import type { PingCheck } from "../../config/model.ts";
import { IcmpEchoSocket, type EchoReply } from "../../platform/linux/icmp-echo-socket.ts";
import type { RunResult } from "../run-process.ts";
import { checkEnd, checkResult } from "./check-end.ts";

type Waiter = () => void;

/** The raw sockets, one per family, opened at the first ping check and kept (unreferenced) for the process. */
class EchoSockets {
  private readonly sockets = new Map<4 | 6, IcmpEchoSocket>();
  private readonly waiters = new Map<string, Waiter>();
  /** Echo identifiers differ per run, starting at a random point so two daemons' replies do not match each other's. */
  private nextIdentifier = Math.floor(Math.random() * 0x10000);

  identifier(): number {
    this.nextIdentifier = (this.nextIdentifier + 1) & 0xffff;
    return this.nextIdentifier;
  }

  send(host: string, identifier: number, sequence: number, onReply: Waiter): string | undefined {
    const family = ipFamily(host);
    const bytes = parseIp(host);
    if (family === undefined || bytes === undefined) return `${host} is not an IP address`;
    let socket = this.sockets.get(family);
    try {
      if (socket === undefined) {
        socket = IcmpEchoSocket.open(family, (reply) => this.onReply(reply), () => undefined);
        this.sockets.set(family, socket);
      }
    } catch (error) {
      return `cannot open an ICMP socket: ${error instanceof Error ? error.message : String(error)}`;
    }
    const key = keyOf(bytes, identifier, sequence);
    this.waiters.set(key, onReply);
    const error = socket.send(bytes, identifier, sequence);
    if (error !== undefined) {
      this.waiters.delete(key);
      return `${host}: ${error.message}`;
    }
    return undefined;
  }

  forget(host: string, identifier: number, sequence: number): void {
    const bytes = parseIp(host);
    if (bytes !== undefined) this.waiters.delete(keyOf(bytes, identifier, sequence));
  }

  private onReply(reply: EchoReply): void {
    const bytes = parseIp(reply.from);
    if (bytes === undefined) return;
    const key = keyOf(bytes, reply.identifier, reply.sequence);
    const waiter = this.waiters.get(key);
    if (waiter === undefined) return; // another program's echo, or one that came after its timeout
    this.waiters.delete(key);
    waiter();
  }
}

function keyOf(address: Uint8Array, identifier: number, sequence: number): string {
  return `${address.join(".")}|${identifier}|${sequence}`;
}

const sockets = new EchoSockets();
let sequence = 0;

export function runPingCheck(check: PingCheck, timeoutMs: number, abort: AbortSignal): Promise<RunResult> {
  const started = performance.now();
  const identifier = sockets.identifier();
  const seq = (sequence = (sequence + 1) & 0xffff);
  return new Promise((resolve) => {
    const answered = new Set<string>();
    const errors: string[] = [];
    const finish = checkEnd(timeoutMs, abort, (timedOut) => {
      for (const host of check.hosts) sockets.forget(host, identifier, seq);
      const silent = check.hosts.filter((h) => !answered.has(h));
      const ok = answered.size >= check.reliability;
      const detail = `${answered.size}/${check.hosts.length} answered (need ${check.reliability})${silent.length > 0 ? `; no reply from ${silent.join(", ")}` : ""}${errors.length > 0 ? `; ${errors.join("; ")}` : ""}`;
      resolve(checkResult(ok, detail, timedOut && !ok, started));
    });
    for (const host of check.hosts) {
      const error = sockets.send(host, identifier, seq, () => {
        answered.add(host);
        if (answered.size === check.hosts.length) finish();
      });
      if (error !== undefined) errors.push(error);
    }
    // Every send failed (no route, no socket): nothing can answer, no need to wait for the timeout.
    if (errors.length === check.hosts.length) finish();
  });
}
