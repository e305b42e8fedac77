// The public types of the ubus client (client.ts), apart so that client.ts stays about the protocol.
import type { UbusAttrTable } from "./message.ts";
import { ubusStrerror } from "./message.ts";
import type { ArgsOf, MethodPolicy } from "./policy.ts";
import { validateArgs } from "./policy.ts";

export interface UbusTransport {
  write(bytes: Uint8Array): void;
  close(): void;
  /** Bytes written but not yet taken by the peer (net.Socket.writableLength); enables the send-queue bound. */
  backlog?(): number;
}

export class UbusError extends Error {
  override readonly name = "UbusError";
  /** The UBUS_STATUS_* code. */
  readonly status: number;
  constructor(status: number, what: string) {
    super(`${what}: ${ubusStrerror(status)}`);
    this.status = status;
  }
}

/** Who called, from the forwarded INVOKE. */
export interface InvokeContext {
  readonly objid: number;
  readonly method: string;
  readonly user?: string;
  readonly group?: string;
}

/** What a handler returns: a status (default OK) and optionally a reply table. */
export interface UbusReply {
  readonly status?: number;
  readonly data?: Readonly<Record<string, unknown>>;
}
type MaybePromise<T> = T | Promise<T>;

export interface UbusMethod {
  readonly policy: MethodPolicy;
  /** Validates the INVOKE's DATA, then runs the handler. */
  readonly invoke: (data: UbusAttrTable["data"], ctx: InvokeContext) => MaybePromise<UbusReply | undefined>;
  /**
   * A small DATA to send in place of a reply that cannot be encoded (typically one over ubusd's 1 MiB message
   * limit), before the UNKNOWN_ERROR status, so that the caller learns why; `reason` says what went wrong.
   * Without it the caller gets the bare status.
   */
  readonly replyFailed?: (reason: string) => Readonly<Record<string, unknown>>;
}

/** Declares a method: the handler gets arguments already checked against the policy, typed from it. */
export function ubusMethod<const P extends MethodPolicy>(
  policy: P,
  handler: (args: ArgsOf<P>, ctx: InvokeContext) => MaybePromise<UbusReply | undefined>,
): UbusMethod {
  return {
    policy,
    invoke: (data, ctx) => {
      const args = validateArgs(policy, data);
      return args.ok ? handler(args.value, ctx) : { status: args.error.status };
    },
  };
}

export interface UbusObject {
  readonly path: string;
  readonly objid: number;
  readonly objtype: number;
  /** From ubusd's NOTIFY {ACTIVE}: whether anyone is subscribed. */
  readonly hasSubscribers: boolean;
}

/**
 * What an anonymous object (an event listener or a subscriber endpoint) receives: every INVOKE addressed to it,
 * whatever the method (the event id, or the notification type). Returning nothing answers STATUS 0.
 */
export type UbusAnyHandler = (method: string, data: UbusAttrTable["data"], ctx: InvokeContext) => UbusReply | undefined;

export interface UbusResponse {
  readonly status: number;
  readonly data: readonly UbusAttrTable[];
}

export interface UbusClientOptions {
  /** Request timeout; the CLI's default is 30 s. */
  readonly timeoutMs?: number;
  /** Called for messages that could not be decoded, handler exceptions, unsendable messages. */
  readonly onError?: (error: Error) => void;
  /**
   * Most bytes allowed to wait in the transport (default 1 MiB, ubusd's own per-client TX cap). Past it new
   * messages are dropped and reported: a stuck ubusd must not make the daemon's memory grow without bound.
   */
  readonly maxBacklogBytes?: number;
  /**
   * Longest stretch of the event loop spent encoding one reply (default 2 ms); a bigger reply is encoded over
   * several turns, so the owner's timers are never late by more than that on its account.
   */
  readonly replySliceMs?: number;
}
