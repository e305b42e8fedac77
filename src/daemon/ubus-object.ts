// The ubus object `vrrp`: the API methods (api.ts) with the contract's signature, and state changes published
// three ways: the event `vrrp.state` (`ubus listen vrrp.state`), a notification to the object's subscribers
// (`ubus subscribe vrrp`), and procd's `service event` (so init scripts can `procd_add_raw_trigger vrrp.state`).
//
// ubus is never on the failover path. onStateEvent() runs inside the protocol loop, so it only converts the
// event and queues it (bounded; the oldest is dropped first); sending happens later, a few events per turn of the
// event loop, with a cap on requests in flight. While ubusd is down, events wait in the queue and go out after
// the reconnect (ubus-protocol.md §14.10), in order.
import type { UbusClient, UbusMethod, UbusObject, UbusReply } from "../ubus/client.ts";
import { blobmsgToJson, type JsonObject } from "../ubus/blobmsg-json.ts";
import type { UbusConnection } from "../ubus/connection.ts";
import { UbusStatus } from "../ubus/message.ts";
import type { PolicyType } from "../ubus/policy.ts";
import { TimeSlicer } from "../ubus/time-slice.ts";
import { ubusInvoke, ubusLookup } from "../ubus/requests.ts";
import type { ApiReply, VrrpApi } from "./api.ts";
import { API_ERRORS, METHODS, METHOD_NAMES, STATE_EVENT_ID, STATE_NOTIFY_TYPE } from "./api-contract.ts";
import type { Schema } from "./api-schema.ts";
import type { Logger } from "./log.ts";
import type { StateEvent } from "./runtime.ts";

/** Longest stretch of the event loop spent handing queued events to ubusd, in ms (at least one event per turn). */
const drainSliceMs = 2;

/**
 * The argument uhttpd adds to every call it forwards from LuCI: the caller's rpcd session id (uhttpd ubus.c,
 * uh_ubus_send_request; LuCI's own ubus proxy does the same, luci-base ucode/controller/admin/index.uc). uhttpd
 * has already checked that session's ACL (rpcd `session access`), so the daemon has no use for it and drops it
 * before the contract's check, which still refuses any other argument it does not know.
 */
export const UBUS_RPC_SESSION = "ubus_rpc_session";

/** A call's arguments without the one uhttpd injects. */
export function callArgs(args: JsonObject): JsonObject {
  return Object.hasOwn(args, UBUS_RPC_SESSION) ? Object.fromEntries(Object.entries(args).filter(([k]) => k !== UBUS_RPC_SESSION)) : args;
}

/**
 * What a caller gets when a reply cannot be sent, usually because it is over ubusd's message limit (1 MiB): the
 * contract's error DATA naming the size and how to ask for less, rather than a bare UNKNOWN_ERROR.
 */
export function unsentReply(method: string, reason: string): JsonObject {
  const hint = method === "status" ? '; ask for less: {"brief": true}, or one instance with {"instance": "<name>"}' : "";
  return { error: "unknown_error", message: `the ${method} reply cannot go over ubus: ${reason} (ubusd's UBUS_MAX_MSGLEN)${hint}`, field: null };
}

export interface VrrpUbusOptions {
  readonly objectPath?: string;
  /** Most state events kept while they cannot be sent (default 1024: four full bursts of 255 instances). */
  readonly maxQueuedEvents?: number;
  /** Most event/service requests awaiting ubusd's STATUS at once (default 32). */
  readonly maxInFlight?: number;
  /** Call procd's `service event` too (default true; skipped when no `service` object exists). */
  readonly procdEvents?: boolean;
}

export interface VrrpUbusStats {
  readonly queued: number;
  readonly sent: number;
  readonly dropped: number;
  readonly failed: number;
}

/** The `vrrp.state` payload: the contract's snake_case form of a StateEvent. */
export function stateEventData(e: StateEvent): Record<string, unknown> {
  return {
    instance: e.instance,
    state: e.state,
    previous_state: e.previousState,
    reason: e.reason,
    priority: e.priority,
    device: e.device,
    virtual_ipaddress: [...e.virtualIpaddress],
  };
}

/** The ubus signature type of an argument (what `ubus -v list vrrp` prints). */
function policyType(s: Schema): PolicyType {
  switch (s.type) {
    case "integer":
      return "int32";
    case "number":
      return "double";
    case "boolean":
      return "bool";
    case "array":
      return "array";
    case "object":
    case "map":
      return "table";
    default:
      return "string";
  }
}

/** An API reply as ubus sends it: DATA then STATUS 0, or an explanatory DATA then the error STATUS. */
export function toUbusReply(r: ApiReply): UbusReply {
  if (r.status === "ok") return { data: r.data };
  return { status: API_ERRORS[r.status].ubus, data: { error: r.status, message: r.message, field: r.field ?? null } };
}

export class VrrpUbusObject {
  readonly #path: string;
  readonly #maxQueued: number;
  readonly #maxInFlight: number;
  readonly #procdEvents: boolean;
  readonly #queue: Record<string, unknown>[] = [];
  #object: UbusObject | undefined;
  #service: number | undefined;
  #inFlight = 0;
  #drainScheduled = false;
  #idleWaiters: (() => void)[] = [];
  #stats = { sent: 0, dropped: 0, failed: 0 };

  constructor(
    private readonly bus: UbusConnection,
    private readonly api: Pick<VrrpApi, "call">,
    private readonly logger: Logger,
    options: VrrpUbusOptions = {},
  ) {
    this.#path = options.objectPath ?? "vrrp";
    this.#maxQueued = options.maxQueuedEvents ?? 1024;
    this.#maxInFlight = options.maxInFlight ?? 32;
    this.#procdEvents = options.procdEvents ?? true;
    bus.addSetup(`register object ${this.#path}`, (client) => this.#register(client));
    bus.onChange((client) => {
      if (client !== undefined) this.#scheduleDrain();
    });
  }

  /** A runtime state listener: cheap and synchronous, never throws. */
  readonly onStateEvent = (event: StateEvent): void => {
    if (this.#queue.length >= this.#maxQueued) {
      this.#queue.shift();
      if (this.#stats.dropped++ === 0 || this.#stats.dropped % 100 === 0) {
        this.logger.log("warning", `ubus: ${this.#stats.dropped} state event(s) dropped, queue full (${this.#maxQueued}) while ubusd is unreachable`);
      }
    }
    this.#queue.push(stateEventData(event));
    this.#scheduleDrain();
  };

  /** Whether anyone is subscribed to the object now (ubusd's NOTIFY {ACTIVE}). */
  get subscribed(): boolean {
    return this.bus.client !== undefined && this.#object?.hasSubscribers === true;
  }

  get stats(): VrrpUbusStats {
    return { queued: this.#queue.length, ...this.#stats };
  }

  /** Resolves once every queued event has been handed to ubusd (for tests, benches and orderly shutdown). */
  idle(): Promise<void> {
    if (this.#queue.length === 0 && this.#inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  async #register(client: UbusClient): Promise<void> {
    const methods: Record<string, UbusMethod> = {};
    for (const name of METHOD_NAMES) {
      const policy = Object.fromEntries(Object.entries(METHODS[name].args).map(([arg, spec]) => [arg, policyType(spec.schema)]));
      methods[name] = {
        policy,
        // The contract validates (null priorities, unknown arguments); blobmsg only needs turning into JSON.
        invoke: async (data) => (data === undefined ? { status: UbusStatus.invalidArgument } : toUbusReply(await this.api.call(name, callArgs(blobmsgToJson(data))))),
        replyFailed: (reason) => unsentReply(name, reason),
      };
    }
    this.#object = await client.addObject(this.#path, methods);
    this.#service = undefined;
    if (this.#procdEvents) {
      // procd is PID 1 and registers `service` before anything else starts; absent means plain Linux / no procd.
      const found = await ubusLookup(client, "service");
      this.#service = found.objects.find((o) => o.path === "service")?.objid;
    }
    this.logger.log("debug", `ubus: object ${this.#path} registered as ${this.#object.objid.toString(16)}${this.#service !== undefined ? ", procd service events on" : ""}`);
  }

  #scheduleDrain(): void {
    if (this.#drainScheduled) return;
    this.#drainScheduled = true;
    // Never inside the protocol handler that produced the event: the next turn of the loop.
    setImmediate(() => {
      this.#drainScheduled = false;
      this.#drain();
    });
  }

  #drain(): void {
    const client = this.bus.client;
    const object = this.#object;
    // A burst (255 transitions at once) is sent over several turns of the event loop, each at most about
    // drainSliceMs long, so that the protocol's timers never wait long behind it.
    const slicer = new TimeSlicer(drainSliceMs);
    let sent = 0;
    while (client !== undefined && object !== undefined && this.#queue.length > 0 && this.#inFlight < this.#maxInFlight) {
      if (sent++ > 0 && slicer.due()) return this.#scheduleDrain();
      const data = this.#queue.shift() ?? {};
      this.#publish(client, object, data);
    }
    this.#checkIdle();
  }

  #publish(client: UbusClient, object: UbusObject, data: Record<string, unknown>): void {
    try {
      // hostapd's rule: notify only when someone listens (ubusd tells us through NOTIFY {ACTIVE}).
      if (object.hasSubscribers) client.notify(object.objid, STATE_NOTIFY_TYPE, data);
    } catch (e) {
      this.#failed(`notify: ${e instanceof Error ? e.message : String(e)}`);
    }
    this.#track(client.sendEvent(STATE_EVENT_ID, data).then(() => undefined));
    const service = this.#service;
    if (service !== undefined) {
      this.#track(
        ubusInvoke(client, service, "event", { type: STATE_EVENT_ID, data }).then((r) => {
          if (r.status !== UbusStatus.ok) throw new Error(`service event: status ${r.status}`);
        }),
      );
    }
  }

  #track(p: Promise<void>): void {
    this.#inFlight++;
    p.then(
      () => void this.#stats.sent++,
      (e: unknown) => this.#failed(e instanceof Error ? e.message : String(e)),
    ).finally(() => {
      this.#inFlight--;
      if (this.#queue.length > 0) this.#scheduleDrain();
      else this.#checkIdle();
    });
  }

  #failed(message: string): void {
    if (this.#stats.failed++ % 100 === 0) this.logger.log("warning", `ubus: state event not delivered: ${message}`);
  }

  #checkIdle(): void {
    if (this.#queue.length > 0 || this.#inFlight > 0) return;
    for (const w of this.#idleWaiters.splice(0)) w();
  }
}
