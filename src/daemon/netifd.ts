// Logical networks (UCI `option interface 'lan'`) → Linux devices, through netifd.
//
// What netifd offers (netifd ubus.c / interface-event.c): `ubus call network.interface.<name> status` gives
// `up` and `l3_device` (the device to use, e.g. br-lan or pppoe-wan; absent while down). On every change it
// notifies the subscribers of the object `network.interface` with "interface.update" or "interface.down" and
// the full status plus `interface: <name>`; the broadcast event `network.interface` only says ifup/ifdown and
// misses device moves, so we subscribe. When netifd restarts, ubusd sends us UNSUBSCRIBE; we subscribe again
// once `ubus.object.add` announces `network.interface`, and re-read every status (changes may have been missed).
//
// On plain Linux (no ubus) StaticInterfaces stands in: names are devices.
import type { JsonObject } from "../ubus/blobmsg-json.ts";
import { blobmsgToJson } from "../ubus/blobmsg-json.ts";
import type { UbusClient } from "../ubus/client.ts";
import type { UbusConnection } from "../ubus/connection.ts";
import { UbusStatus } from "../ubus/message.ts";
import { ubusCall, ubusListen, ubusSubscribe } from "../ubus/requests.ts";
import type { Logger } from "./log.ts";

export interface InterfaceInfo {
  readonly device: string;
  readonly up: boolean;
}

export type InterfaceListener = (logical: string, info: InterfaceInfo) => void;

export interface InterfaceResolver {
  /** The device and state of a logical network; undefined when unknown (no such network, or netifd unreachable). */
  resolve(logical: string): Promise<InterfaceInfo | undefined>;
  /** Networks to report changes for; `onChange` fires for each change of device or up/down. */
  watch(logicals: readonly string[]): void;
  close(): void;
}

/** Plain Linux: `interface` names a device; its link state comes from netlink (the data plane), not from here. */
export class StaticInterfaces implements InterfaceResolver {
  async resolve(logical: string): Promise<InterfaceInfo> {
    return { device: logical, up: true };
  }
  watch(): void {}
  close(): void {}
}

const same = (a: InterfaceInfo | undefined, b: InterfaceInfo): boolean => a !== undefined && a.device === b.device && a.up === b.up;

/** netifd's status (call reply or notification) as InterfaceInfo; a down network keeps its last known device. */
export function interfaceInfo(status: JsonObject, previous?: InterfaceInfo): InterfaceInfo | undefined {
  const up = status["up"] === true;
  const l3 = status["l3_device"];
  const dev = status["device"];
  const device = typeof l3 === "string" && l3 !== "" ? l3 : (previous?.device ?? (typeof dev === "string" && dev !== "" ? dev : undefined));
  return device === undefined ? undefined : { device, up };
}

export interface NetifdOptions {
  /** How long resolve() waits for ubus to come up (default 5 s). */
  readonly readyTimeoutMs?: number;
}

export class NetifdInterfaces implements InterfaceResolver {
  private readonly known = new Map<string, InterfaceInfo>();
  private readonly watched = new Set<string>();
  private subscribed = false;
  private closed = false;

  constructor(
    private readonly bus: UbusConnection,
    private readonly onChange: InterfaceListener,
    private readonly logger: Logger,
    private readonly options: NetifdOptions = {},
  ) {
    bus.addSetup("subscribe to network.interface", (client) => this.setup(client));
  }

  async resolve(logical: string): Promise<InterfaceInfo | undefined> {
    const client = await this.bus.whenReady(this.options.readyTimeoutMs ?? 5000);
    if (client === undefined) return this.known.get(logical);
    const r = await ubusCall(client, `network.interface.${logical}`, "status");
    const status = r.data[0];
    if (r.status !== UbusStatus.ok || status === undefined) {
      this.logger.log("debug", `netifd: network.interface.${logical} status: status ${r.status}`);
      return undefined;
    }
    const info = interfaceInfo(status, this.known.get(logical));
    if (info !== undefined) this.update(logical, info, false);
    return info;
  }

  watch(logicals: readonly string[]): void {
    this.watched.clear();
    for (const l of logicals) this.watched.add(l);
    const client = this.bus.client;
    if (client !== undefined) this.refresh(client).catch((e: unknown) => this.logger.log("warning", `netifd: ${String(e)}`));
  }

  close(): void {
    this.closed = true;
  }

  private async setup(client: UbusClient): Promise<void> {
    this.subscribed = false;
    // Anonymous objects: one for notifications, one listening for netifd (re)appearing.
    const subscriber = await client.addAnonymousObject(
      (type, data) => {
        if (type === "interface.update" || type === "interface.down") this.onNotify(blobmsgToJson(data ?? []));
        return undefined;
      },
      () => {
        this.subscribed = false;
        this.logger.log("info", "netifd: network.interface went away; waiting for it to return");
      },
    );
    const trySubscribe = async (): Promise<void> => {
      if (this.subscribed || this.closed || !client.isOpen) return;
      const r = await ubusSubscribe(client, "network.interface", subscriber);
      this.subscribed = r.status === UbusStatus.ok;
      if (this.subscribed) await this.refresh(client);
      else this.logger.log("debug", `netifd: network.interface not subscribable yet (status ${r.status})`);
    };
    const failed = (e: unknown): void => this.logger.log("warning", `netifd: ${e instanceof Error ? e.message : String(e)}`);
    await ubusListen(client, "ubus.object.add", (_id, data) => {
      const path = data["path"];
      if (path === "network.interface") void trySubscribe().catch(failed);
      // netifd adds an interface's object when it creates the interface, possibly after network.interface:
      // read it then, or a restart of netifd could leave us with the old device.
      else if (typeof path === "string" && path.startsWith("network.interface.") && this.watched.has(path.slice(18))) void this.refresh(client, [path.slice(18)]).catch(failed);
    });
    await trySubscribe();
  }

  /** Re-reads every watched network, reporting what changed while we were not subscribed. */
  private async refresh(client: UbusClient, logicals: Iterable<string> = this.watched): Promise<void> {
    for (const logical of [...logicals]) {
      const r = await ubusCall(client, `network.interface.${logical}`, "status");
      const status = r.data[0];
      if (r.status === UbusStatus.ok && status !== undefined) {
        const info = interfaceInfo(status, this.known.get(logical));
        if (info !== undefined) this.update(logical, info, true);
      }
    }
  }

  private onNotify(data: JsonObject): void {
    const logical = data["interface"];
    if (typeof logical !== "string") return;
    const info = interfaceInfo(data, this.known.get(logical));
    if (info !== undefined) this.update(logical, info, true);
  }

  /** Records what netifd says; reports it when it changed and the network is watched (resolve() only records). */
  private update(logical: string, info: InterfaceInfo, report: boolean): void {
    if (same(this.known.get(logical), info)) return;
    this.known.set(logical, info);
    if (report && !this.closed && this.watched.has(logical)) this.emit(logical, info);
  }

  private emit(logical: string, info: InterfaceInfo): void {
    this.logger.log("info", `netifd: ${logical} is ${info.up ? "up" : "down"} on ${info.device}`);
    try {
      this.onChange(logical, info);
    } catch (e) {
      this.logger.log("error", `netifd: change handler failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}
