// A ubus connection that stays up: connect (trying each socket path in turn), run every registered setup
// (publish objects, subscribe, listen) and, when ubusd is absent or restarts, retry with exponential backoff
// and run the setups again, as libubus's ubus_auto_conn + ubus_refresh_state do. Object ids change on every
// reconnect; setups must not cache them across connections.
//
// Nothing here blocks its user: start() returns at once, and `client` is simply undefined while ubus is down.
import type { ConnectOptions, UbusClient } from "./client.ts";
import { connectUbus } from "./client.ts";

/** ubusd's socket since 2020 (OpenWrt 21.02), then the path OpenWrt 19.07 and older use. */
export const DEFAULT_UBUS_SOCKETS: readonly string[] = ["/var/run/ubus/ubus.sock", "/var/run/ubus.sock"];

export type UbusLogLevel = "error" | "warning" | "info" | "debug";

export interface UbusConnectionOptions {
  readonly socketPaths?: readonly string[];
  /** First retry delay after a failure or a lost connection (default 500 ms); doubles up to backoffMaxMs. */
  readonly backoffInitialMs?: number;
  readonly backoffMaxMs?: number;
  readonly helloTimeoutMs?: number;
  /** Timeout of our own requests to ubusd (ADD_OBJECT, LOOKUP, event send...). Default 10 s. */
  readonly requestTimeoutMs?: number;
  readonly maxBacklogBytes?: number;
  readonly log?: (level: UbusLogLevel, message: string) => void;
  /** Replaces the socket connect, for tests. */
  readonly connect?: (path: string, options: ConnectOptions) => Promise<UbusClient>;
}

/** Re-establishes one piece of state on a fresh connection; a rejection resets the connection. */
export type UbusSetup = (client: UbusClient) => Promise<void>;

export class UbusConnection {
  readonly #paths: readonly string[];
  readonly #initialMs: number;
  readonly #maxMs: number;
  readonly #connectOptions: ConnectOptions;
  readonly #log: (level: UbusLogLevel, message: string) => void;
  readonly #connect: (path: string, options: ConnectOptions) => Promise<UbusClient>;
  readonly #setups: { readonly name: string; readonly run: UbusSetup }[] = [];
  readonly #listeners: ((client: UbusClient | undefined) => void)[] = [];
  #client: UbusClient | undefined;
  #path: string | undefined;
  #delayMs: number;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #attempting = false;
  #running = false;
  #failures = 0;
  /** Connections that reached the ready state: lets tests and logs tell a reconnect from the first connect. */
  sessions = 0;

  constructor(options: UbusConnectionOptions = {}) {
    this.#paths = options.socketPaths ?? DEFAULT_UBUS_SOCKETS;
    this.#initialMs = options.backoffInitialMs ?? 500;
    this.#maxMs = options.backoffMaxMs ?? 30_000;
    this.#delayMs = this.#initialMs;
    this.#log = options.log ?? (() => undefined);
    this.#connect = options.connect ?? connectUbus;
    this.#connectOptions = {
      helloTimeoutMs: options.helloTimeoutMs ?? 5000,
      timeoutMs: options.requestTimeoutMs ?? 10_000,
      ...(options.maxBacklogBytes !== undefined && { maxBacklogBytes: options.maxBacklogBytes }),
      onError: (e) => this.#log("warning", `ubus: ${e.message}`),
    };
  }

  /** The connected client with every setup done; undefined while ubus is down or being set up. */
  get client(): UbusClient | undefined {
    return this.#client;
  }

  /** Which socket path the current connection uses. */
  get path(): string | undefined {
    return this.#client !== undefined ? this.#path : undefined;
  }

  /**
   * Adds state to (re-)establish on every connection, in order of addition. On a live connection it runs at once;
   * if it fails there, the connection is reset so that everything is set up again from scratch.
   */
  addSetup(name: string, run: UbusSetup): void {
    this.#setups.push({ name, run });
    const client = this.#client;
    if (client !== undefined) {
      run(client).catch((e: unknown) => {
        this.#log("warning", `ubus: ${name} failed (${describe(e)}); reconnecting`);
        client.close();
      });
    }
  }

  /** Called with the client when the connection becomes ready, and with undefined when it is lost. */
  onChange(listener: (client: UbusClient | undefined) => void): void {
    this.#listeners.push(listener);
  }

  /** Resolves with the ready client, or undefined if none within timeoutMs. */
  whenReady(timeoutMs: number): Promise<UbusClient | undefined> {
    if (this.#client !== undefined) return Promise.resolve(this.#client);
    return new Promise((resolve) => {
      const timer = setTimeout(() => done(undefined), timeoutMs);
      const done = (c: UbusClient | undefined): void => {
        clearTimeout(timer);
        const i = this.#listeners.indexOf(listener);
        if (i >= 0) this.#listeners.splice(i, 1);
        resolve(c);
      };
      const listener = (c: UbusClient | undefined): void => {
        if (c !== undefined) done(c);
      };
      this.#listeners.push(listener);
    });
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    void this.#attempt();
  }

  /** Stops reconnecting and closes the connection (ubusd then removes our objects). */
  stop(): void {
    this.#running = false;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    const client = this.#client;
    this.#setClient(undefined);
    client?.close();
  }

  #setClient(client: UbusClient | undefined): void {
    if (this.#client === client) return;
    this.#client = client;
    for (const l of [...this.#listeners]) l(client);
  }

  #schedule(delayMs: number): void {
    if (!this.#running || this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#attempt();
    }, delayMs);
  }

  async #attempt(): Promise<void> {
    if (!this.#running || this.#attempting) return;
    this.#attempting = true;
    try {
      const client = await this.#open();
      if (client === undefined) return this.#retry();
      if (!this.#running) return void client.close(); // stop() while connecting
      for (const setup of this.#setups) {
        try {
          await setup.run(client);
        } catch (e) {
          this.#log("warning", `ubus: ${setup.name} failed (${describe(e)}); will reconnect`);
          client.close();
          return this.#retry();
        }
        if (!client.isOpen || !this.#running) break;
      }
      if (!this.#running) return void client.close();
      if (!client.isOpen) return this.#retry();
      this.#failures = 0;
      this.#delayMs = this.#initialMs;
      this.sessions++;
      this.#log("info", `ubus: connected to ${this.#path ?? "?"}${this.sessions > 1 ? " again, objects re-registered" : ""}`);
      this.#setClient(client);
    } finally {
      this.#attempting = false;
    }
  }

  async #open(): Promise<UbusClient | undefined> {
    const errors: string[] = [];
    for (const path of this.#paths) {
      try {
        const client = await this.#connect(path, this.#connectOptions);
        this.#path = path;
        client.onClose = (e) => this.#lost(client, e);
        if (!client.isOpen) continue;
        return client;
      } catch (e) {
        errors.push(`${path}: ${describe(e)}`);
      }
    }
    // ubusd missing is the normal state on plain Linux: say it once, then keep quiet.
    this.#log(this.#failures === 0 ? "info" : "debug", `ubus: not available (${errors.join("; ")}); retrying in ${this.#delayMs} ms`);
    return undefined;
  }

  #retry(): void {
    this.#failures++;
    const delay = this.#delayMs;
    this.#delayMs = Math.min(this.#delayMs * 2, this.#maxMs);
    this.#schedule(delay);
  }

  #lost(client: UbusClient, e: Error | undefined): void {
    if (this.#client !== client) return; // a client that never became ready: #attempt handles it
    this.#setClient(undefined);
    if (!this.#running) return;
    this.#log("warning", `ubus: connection lost${e ? ` (${e.message})` : ""}; reconnecting`);
    this.#delayMs = this.#initialMs;
    this.#retry();
  }
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
