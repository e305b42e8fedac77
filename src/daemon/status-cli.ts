// The control commands of the `vrrpd` CLI, talking to a running daemon over its control socket:
//   vrrpd status [--json] [INSTANCE]
//   vrrpd switchover INSTANCE [--hold-off S]
//   vrrpd set-priority INSTANCE PRIO|none
//   vrrpd reset-counters [INSTANCE]
//   vrrpd reload
//   vrrpd handoff [--within S]
// The CLI entry point dispatches here with the arguments after `vrrpd`. Exit codes: 0 done; 1 the daemon
// refused (not found, invalid state, reload error); 2 usage error; 3 the daemon is not reachable.
import { controlRequest, ControlUnreachable, type ControlReply } from "./control-client.ts";
import { DEFAULT_CONTROL_SOCKET } from "./control-socket.ts";
import { renderStatus } from "./status-table.ts";

export const CONTROL_COMMANDS = ["status", "switchover", "set-priority", "reset-counters", "reload", "handoff"] as const;

export const EXIT = { ok: 0, refused: 1, usage: 2, unreachable: 3 } as const;

export interface ControlCommandOptions {
  readonly socketPath?: string;
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  readonly timeoutMs?: number;
}

export const CONTROL_USAGE = `usage:
  vrrpd status [--json] [INSTANCE]       show state, priorities, masters, VIPs, last transitions
  vrrpd switchover INSTANCE [--hold-off S]  hand mastership to the peer; no preempting back for S s (default 60)
  vrrpd set-priority INSTANCE PRIO|none  override the priority at run time (1..255), or clear the override
  vrrpd reset-counters [INSTANCE]        zero the statistics
  vrrpd reload                           re-read the configuration (same as SIGHUP)
  vrrpd handoff [--within S]             before a restart or upgrade: the next stop within S s (default 60)
                                         leaves mastership to the daemon started next, not to the backup
`;

interface Request {
  readonly method: string;
  readonly args: Record<string, unknown>;
  readonly json: boolean;
}

class UsageError extends Error {}

/** Options that take whole seconds. */
const SECONDS_FLAGS = ["--hold-off", "--within"] as const;

/** argv → one API request; throws UsageError with the problem. */
export function parseControlArgs(argv: readonly string[]): Request {
  const [command, ...rest] = argv;
  const flags = rest.filter((a) => a.startsWith("--"));
  const positional: string[] = [];
  const seconds: Record<string, string | undefined> = {};
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i] ?? "";
    const flag = SECONDS_FLAGS.find((f) => a === f || a.startsWith(`${f}=`));
    if (flag === undefined) {
      if (!a.startsWith("--")) positional.push(a);
    } else if (a === flag) {
      seconds[flag] = rest[++i];
      if (seconds[flag] === undefined) throw new UsageError(`${flag} needs a number of seconds`);
    } else seconds[flag] = a.slice(flag.length + 1);
  }
  const wholeSeconds = (flag: string): number | undefined => {
    const value = seconds[flag];
    if (value === undefined) return undefined;
    if (!/^\d+$/.test(value)) throw new UsageError(`${flag} wants whole seconds, got "${value}"`);
    return Number(value);
  };
  const allowed = (...names: string[]): void => {
    const bad = flags.filter((f) => !names.some((n) => f === n || f.startsWith(`${n}=`)));
    if (bad.length > 0) throw new UsageError(`unknown option ${bad[0] ?? ""} for ${command ?? ""}`);
  };
  const atMost = (n: number): void => {
    if (positional.length > n) throw new UsageError(`too many arguments for ${command ?? ""}: ${positional.slice(n).join(" ")}`);
  };
  const instance = (): string => {
    const name = positional[0];
    if (name === undefined) throw new UsageError(`${command ?? ""} needs an INSTANCE`);
    return name;
  };
  switch (command) {
    case "status":
      allowed("--json");
      atMost(1);
      return { method: "status", args: positional[0] !== undefined ? { instance: positional[0] } : {}, json: flags.includes("--json") };
    case "switchover": {
      allowed("--hold-off");
      atMost(1);
      const holdOff = wholeSeconds("--hold-off");
      return { method: "switchover", args: { instance: instance(), ...(holdOff !== undefined && { hold_off: holdOff }) }, json: false };
    }
    case "set-priority": {
      allowed();
      atMost(2);
      const name = instance();
      const prio = positional[1];
      if (prio === undefined) throw new UsageError("set-priority needs PRIO (1..255) or none");
      if (prio !== "none" && !/^\d+$/.test(prio)) throw new UsageError(`PRIO must be 1..255 or none, got "${prio}"`);
      return { method: "set_priority", args: { instance: name, priority: prio === "none" ? null : Number(prio) }, json: false };
    }
    case "reset-counters":
      allowed();
      atMost(1);
      return { method: "reset_counters", args: positional[0] !== undefined ? { instance: positional[0] } : {}, json: false };
    case "reload":
      allowed();
      atMost(0);
      return { method: "reload", args: {}, json: false };
    case "handoff": {
      allowed("--within");
      atMost(0);
      const within = wholeSeconds("--within");
      return { method: "handoff", args: within !== undefined ? { within } : {}, json: false };
    }
    default:
      throw new UsageError(command === undefined ? "missing command" : `unknown command "${command}"`);
  }
}

/** A one-line confirmation for the commands that change something. */
function confirmation(method: string, data: Record<string, unknown>): string {
  switch (method) {
    case "switchover":
      return `${String(data["instance"])}: switched over, now ${String(data["state"])}; not preempting back for ${String(data["hold_off"])} s`;
    case "set_priority": {
      const override = data["priority_override"];
      const what = override === null ? "override cleared" : `override ${String(override)}`;
      return `${String(data["instance"])}: ${what}; priority ${String(data["priority"])}, effective ${String(data["effective_priority"])}, ${String(data["state"])}`;
    }
    case "reset_counters":
      return `counters reset: ${(data["instances"] as string[] | undefined)?.join(", ") || "none"}`;
    case "reload": {
      const config = data["config"] as { file?: string; warnings?: number } | undefined;
      return `reloaded ${config?.file ?? ""} (${config?.warnings ?? 0} warning(s))`;
    }
    case "handoff": {
      const masters = (data["masters"] as string[] | undefined) ?? [];
      return `the next stop within ${String(data["within"])} s hands off to the next start; master now: ${masters.join(", ") || "none"}`;
    }
    default:
      return "ok";
  }
}

/** Runs one control command; resolves with the exit code. Never throws. */
export async function runControlCommand(argv: readonly string[], options: ControlCommandOptions): Promise<number> {
  let request: Request;
  try {
    request = parseControlArgs(argv);
  } catch (e) {
    options.stderr.write(`vrrpd: ${e instanceof Error ? e.message : String(e)}\n${CONTROL_USAGE}`);
    return EXIT.usage;
  }
  const path = options.socketPath ?? DEFAULT_CONTROL_SOCKET;
  let reply: ControlReply;
  try {
    reply = await controlRequest(path, request.method, request.args, options.timeoutMs);
  } catch (e) {
    options.stderr.write(`vrrpd: ${e instanceof ControlUnreachable ? e.message : String(e)}\n`);
    return EXIT.unreachable;
  }
  if (reply.status !== "ok" || !("data" in reply)) {
    const message = "message" in reply && reply.message !== undefined ? reply.message : reply.status;
    options.stderr.write(`vrrpd: ${request.method}: ${message} (${reply.status})\n`);
    return EXIT.refused;
  }
  if (request.json) options.stdout.write(`${JSON.stringify(reply.data, null, 2)}\n`);
  else if (request.method === "status") options.stdout.write(renderStatus(reply.data));
  else options.stdout.write(`${confirmation(request.method, reply.data)}\n`);
  return EXIT.ok;
}
