// systemd's notification protocol (sd_notify(3)) for a `Type=notify` unit: READY=1 once every instance is
// initialised, STATUS= with one line of state (what `systemctl status vrrpd` shows), RELOADING=1 around a
// reload and STOPPING=1 at a stop. Without $NOTIFY_SOCKET (procd, a shell, a test) nothing is sent.
// No WATCHDOG=1: the protocol timers run in src/daemon/runtime.ts, and a ping from an unrelated interval
// would only prove that node's loop turns, not that adverts go out (so the unit sets no WatchdogSec=).
import type { Logger } from "./log.ts";

/** Where the datagrams go; the real one is src/platform/linux's UnixDatagramSender. */
export interface DatagramSender {
  send(data: Uint8Array): Error | undefined;
  close(): void;
}

export interface InstanceState {
  readonly name: string;
  readonly state: string;
}

/** "3 instances: 2 master (lan, lan6), 1 backup": states in a fixed order, names only for masters. */
export function statusLine(instances: readonly InstanceState[]): string {
  if (instances.length === 0) return "no instances";
  const byState = new Map<string, string[]>();
  for (const i of instances) {
    const names = byState.get(i.state);
    if (names === undefined) byState.set(i.state, [i.name]);
    else names.push(i.name);
  }
  const order = ["master", "backup", "fault", "initialize"];
  const states = [...byState.keys()].sort((a, b) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99) || a.localeCompare(b));
  const parts = states.map((s) => {
    const names = byState.get(s) ?? [];
    return s === "master" ? `${names.length} master (${names.join(", ")})` : `${names.length} ${s}`;
  });
  return `${instances.length} instance${instances.length === 1 ? "" : "s"}: ${parts.join(", ")}`;
}

/** A STATUS= value is one line: newlines would end the field. */
const oneLine = (text: string): string => text.replace(/[\r\n]+/g, " ");

export class ServiceNotifier {
  private lastStatus: string | undefined;
  private failed = false;

  constructor(
    private readonly sender: DatagramSender,
    private readonly logger: Logger,
  ) {}

  ready(status: string): void {
    this.lastStatus = oneLine(status);
    this.send(`READY=1\nSTATUS=${this.lastStatus}`);
  }

  /** Sent only when it changed: transitions of other fields (priority, reason) do not spam systemd. */
  status(status: string): void {
    const line = oneLine(status);
    if (line === this.lastStatus) return;
    this.lastStatus = line;
    this.send(`STATUS=${line}`);
  }

  /** systemd wants the reload's start on CLOCK_MONOTONIC (µs), which is the clock process.hrtime reads on Linux. */
  reloading(): void {
    this.send(`RELOADING=1\nMONOTONIC_USEC=${process.hrtime.bigint() / 1000n}`);
  }

  stopping(status: string): void {
    this.lastStatus = oneLine(status);
    this.send(`STOPPING=1\nSTATUS=${this.lastStatus}`);
  }

  close(): void {
    this.sender.close();
  }

  private send(message: string): void {
    const error = this.sender.send(Buffer.from(message, "utf8"));
    // Once per process: if systemd's socket is gone, every later message would fail the same way.
    if (error !== undefined && !this.failed) {
      this.failed = true;
      this.logger.log("warning", `systemd notification failed (${message.split("\n")[0] ?? ""}): ${error.message}`);
    }
  }
}
