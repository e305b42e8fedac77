// The methods of the daemon's API, independent of transport: ubus-object.ts serves them as the ubus object
// `vrrp`, control-socket.ts over a local socket. Arguments arrive as plain JSON (blobmsg already converted),
// are checked against the contract (api-contract.ts) and every outcome is a reply: call() never throws or
// rejects, so no caller can take the daemon down with a bad request.
import type { JsonObject, JsonValue } from "../ubus/blobmsg-json.ts";
import { TimeSlicer } from "../ubus/time-slice.ts";
import type { ControlResult, Engine } from "../vrrp/engine.ts";
import type { Output } from "../vrrp/io.ts";
import type { ApiErrorCode, MethodName } from "./api-contract.ts";
import { METHODS, isMethodName } from "./api-contract.ts";
import { checkArgs } from "./api-schema.ts";
import type { InstanceFacts } from "./api-status.ts";
import { StatusBuilder, configJson } from "./api-status.ts";
import type { DaemonFacts } from "./daemon-facts.ts";
import type { TestMailResult } from "./mail/mail-service.ts";
import type { RuntimeConfig, RuntimeStatus } from "./runtime.ts";
import { vipStrings } from "./runtime.ts";

export type ApiReply =
  | { readonly status: "ok"; readonly data: JsonObject }
  | { readonly status: ApiErrorCode; readonly message: string; readonly field?: string };

/** What the API needs of the Runtime (structural, so tests and benches can pass a real one). */
export interface ApiRuntime {
  status(): RuntimeStatus;
  control<R>(call: (engine: Engine, now: number) => { result: R; outputs: Output[] }): R;
  resetCounters(instance?: string): ControlResult;
  testMail(): Promise<TestMailResult>;
}

export type ReloadResult = { readonly ok: true } | { readonly ok: false; readonly error: string };

export interface ApiDeps {
  readonly runtime: ApiRuntime;
  readonly facts: DaemonFacts;
  /** The daemon's reload (same as SIGHUP): load, validate, runtime.reload(); records the outcome in ConfigState. */
  readonly reload: () => Promise<ReloadResult>;
  /** Arms a hand-off for the next stop within `forMs` (Daemon.armHandoff); returns the instances master now. */
  readonly handoff: (forMs: number) => readonly string[];
  /** Configuration facts the Runtime keeps private (VIPs, logical network); see configFacts(). */
  readonly describe: (instance: string) => InstanceFacts | undefined;
}

/** `describe` for ApiDeps from the daemon's current RuntimeConfig and, on OpenWrt, the logical network names. */
export function configFacts(current: () => RuntimeConfig, logicalInterface?: (instance: string) => string | undefined): ApiDeps["describe"] {
  return (name) => {
    const instance = current().core.instances.find((i) => i.name === name);
    return instance && { virtualIpaddress: vipStrings(instance), interface: logicalInterface?.(name) };
  };
}

/**
 * Longest stretch of the event loop a status call spends building its reply, in ms (the protocol's timers run
 * between stretches). The runtime's snapshot is taken in one go, whatever its size.
 */
const statusSliceMs = 2;

const fail = (status: ApiErrorCode, message: string, field?: string): ApiReply => ({ status, message, ...(field !== undefined && { field }) });
const okReply = (data: JsonObject): ApiReply => ({ status: "ok", data });

export class VrrpApi {
  /** A reload in progress: a second request joins it instead of racing it. */
  private reloading: Promise<ApiReply> | undefined;

  constructor(private readonly deps: ApiDeps) {}

  /** Runs a method. Never throws, never rejects. */
  async call(method: string, args: unknown): Promise<ApiReply> {
    try {
      if (!isMethodName(method)) return fail("method_not_found", `no method "${method}"`);
      const checked = checkArgs(METHODS[method].args, args);
      if (!checked.ok) return fail("invalid_argument", checked.error.message, checked.error.field);
      return await this.run(method, checked.args);
    } catch (e) {
      // A bug, not a caller error: report it rather than let it escape into a socket handler.
      return fail("unknown_error", `${method} failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private run(method: MethodName, args: Record<string, JsonValue>): ApiReply | Promise<ApiReply> {
    switch (method) {
      case "status":
        return this.status(optionalString(args["instance"]), args["brief"] === true);
      case "set_priority":
        return this.setPriority(String(args["instance"]), args["priority"] as number | null);
      case "switchover":
        return this.switchover(String(args["instance"]), Number(args["hold_off"]));
      case "reload":
        return this.reload();
      case "reset_counters":
        return this.resetCounters(optionalString(args["instance"]));
      case "test_mail":
        return this.testMail();
      case "handoff": {
        const within = Number(args["within"]);
        return okReply({ masters: [...this.deps.handoff(within * 1000)], within });
      }
    }
  }

  private async status(instance: string | undefined, brief: boolean): Promise<ApiReply> {
    const slicer = new TimeSlicer(statusSliceMs); // started before the snapshot, which counts against the first slice
    const rs = this.deps.runtime.status();
    if (instance !== undefined && !rs.instances.some((i) => i.name === instance)) return notFound(instance);
    const data = await new StatusBuilder(this.deps.facts).build(rs, { ...(instance !== undefined && { instance }), brief, describe: this.deps.describe }, slicer);
    // What comes next (encoding for ubus, JSON.stringify for the control socket) should start a turn of its own.
    if (slicer.due()) await slicer.pause();
    return okReply(data);
  }

  private setPriority(instance: string, priority: number | null): ApiReply {
    const r = this.deps.runtime.control((engine, now) => engine.setPriorityOverride(now, instance, priority));
    if (!r.ok) return controlFailure(r, instance);
    const after = this.deps.runtime.status().instances.find((i) => i.name === instance);
    if (after === undefined) return notFound(instance);
    return okReply({ instance, priority: after.configuredPriority, priority_override: after.priorityOverride, effective_priority: after.effectivePriority, state: after.state });
  }

  private switchover(instance: string, holdOffS: number): ApiReply {
    const r = this.deps.runtime.control((engine, now) => engine.switchover(now, instance, holdOffS * 1000));
    if (!r.ok) return controlFailure(r, instance);
    const after = this.deps.runtime.status().instances.find((i) => i.name === instance);
    return okReply({ instance, state: after?.state ?? "backup", hold_off: holdOffS });
  }

  private reload(): Promise<ApiReply> {
    this.reloading ??= this.deps
      .reload()
      .then((r): ApiReply => (r.ok ? okReply({ config: configJson(this.deps.facts.config()) }) : fail("unknown_error", `reload refused, previous configuration kept: ${r.error}`)))
      .catch((e: unknown) => fail("unknown_error", `reload failed: ${e instanceof Error ? e.message : String(e)}`))
      .finally(() => (this.reloading = undefined));
    return this.reloading;
  }

  private async testMail(): Promise<ApiReply> {
    const r = await this.deps.runtime.testMail();
    return r.sent ? okReply({ sent: true, recipients: [...r.recipients] }) : fail("unknown_error", `test mail not sent: ${r.error}`);
  }

  private resetCounters(instance: string | undefined): ApiReply {
    const r = this.deps.runtime.resetCounters(instance);
    if (!r.ok) return controlFailure(r, instance ?? "");
    const names = instance !== undefined ? [instance] : this.deps.runtime.status().instances.map((i) => i.name);
    return okReply({ instances: names });
  }
}

const optionalString = (v: JsonValue | undefined): string | undefined => (typeof v === "string" ? v : undefined);

function notFound(instance: string): ApiReply {
  return fail("not_found", `no instance named "${instance}"`, "instance");
}

function controlFailure(r: Extract<ControlResult, { ok: false }>, instance: string): ApiReply {
  return r.code === "not-found" ? notFound(instance) : fail("invalid_state", r.message, "instance");
}
