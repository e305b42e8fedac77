// The running daemon: configuration, the protocol runtime, the kernel data plane, the control socket, and on
// OpenWrt the ubus object and netifd. ubus is optional and never on the failover path: the protocol runs the
// same whether ubusd is up, restarting or absent.
import { existsSync } from "node:fs";
import type { DaemonConfig } from "../config/model.ts";
import { DEFAULT_UBUS_SOCKETS, UbusConnection } from "../ubus/connection.ts";
import { configFacts, VrrpApi, type ReloadResult } from "./api.ts";
import { DEFAULT_CONTROL_SOCKET, startControlSocket, type ControlSocket } from "./control-socket.ts";
import { monotonicMs, takeHandoffRecord, writeHandoffRecord } from "./handoff-record.ts";
import { HeldAddressRecord } from "./held-address-record.ts";
import { ConfigState, processFacts } from "./daemon-facts.ts";
import type { DataPlane } from "./data-plane.ts";
import { formatFindings, loadConfig } from "./load-config.ts";
import type { Logger } from "./log.ts";
import { NetifdInterfaces, StaticInterfaces, type InterfaceInfo, type InterfaceResolver } from "./netifd.ts";
import { handoffRecordPath, heldAddressesPath } from "./paths.ts";
import { Runtime, type RuntimeConfig, type RuntimeStatus, type StateEvent } from "./runtime.ts";
import { toRuntimeConfig, type RuntimePaths } from "./runtime-config.ts";
import { DaemonScheduling } from "./scheduling.ts";
import { VrrpUbusObject } from "./ubus-object.ts";
import { VERSION } from "./version.ts";

/** How long `vrrpd handoff` waits for the stop it prepares (an opkg upgrade unpacks between prerm and stop). */
const HANDOFF_ARMED_MS = 60_000;

export interface DaemonOptions {
  readonly configPath: string;
  readonly controlSocket?: string | undefined;
  /** ubus socket paths; empty disables ubus. Default: OpenWrt's, used only when one exists. */
  readonly ubusSockets?: readonly string[];
  /** Hotplug directory and user hook: OpenWrt's by default (src/daemon/paths.ts picks per platform). */
  readonly runtimePaths?: RuntimePaths;
}

export class Daemon {
  private readonly configState: ConfigState;
  private current: RuntimeConfig;
  private config: DaemonConfig;
  private readonly runtime: Runtime;
  private readonly api: VrrpApi;
  private bus: UbusConnection | undefined;
  private ubusObject: VrrpUbusObject | undefined;
  private interfaces: InterfaceResolver = new StaticInterfaces();
  /** Logical network -> what netifd last said about it. */
  private readonly networks = new Map<string, InterfaceInfo>();
  private control: ControlSocket | undefined;
  private handoffArmedUntil: number | undefined;
  /** What a respawn's wrapper removes if this process dies without releasing it. */
  private readonly heldAddresses: HeldAddressRecord;
  private readonly scheduling: DaemonScheduling;

  constructor(
    config: DaemonConfig,
    warnings: number,
    private readonly options: DaemonOptions,
    private readonly dataPlane: DataPlane,
    private readonly logger: Logger,
  ) {
    this.config = config;
    this.configState = new ConfigState(options.configPath);
    this.configState.loaded(warnings);
    this.current = this.runtimeConfig(config);
    this.runtime = new Runtime(this.current, dataPlane, logger);
    this.heldAddresses = new HeldAddressRecord(heldAddressesPath(this.controlSocketPath), options.configPath, logger);
    this.runtime.addressListeners.push((change) => this.heldAddresses.apply(change));
    this.scheduling = new DaemonScheduling(dataPlane.setScheduling, logger);
    this.api = new VrrpApi({
      runtime: this.runtime,
      facts: processFacts(VERSION, this.configState),
      reload: () => this.reload(),
      handoff: (forMs) => {
        this.armHandoff(forMs);
        return this.runtime.status().instances.filter((i) => i.state === "master").map((i) => i.name);
      },
      describe: configFacts(() => this.current, (name) => this.config.instances[name]?.logicalInterface),
    });
  }

  async start(): Promise<void> {
    const sockets = this.options.ubusSockets ?? DEFAULT_UBUS_SOCKETS;
    if (sockets.some((path) => existsSync(path))) {
      // The connection's messages already start with "ubus: ".
      this.bus = new UbusConnection({ socketPaths: sockets, log: (level, message) => this.logger.log(level, message) });
      this.ubusObject = new VrrpUbusObject(this.bus, this.api, this.logger);
      this.runtime.stateListeners.push((event) => this.ubusObject?.onStateEvent(event));
      this.interfaces = new NetifdInterfaces(this.bus, (logical, info) => this.onNetwork(logical, info), this.logger);
      this.bus.start();
      await this.resolveNetworks();
      this.current = this.runtimeConfig(this.config);
      this.runtime.useStartConfig(this.current);
    }
    this.heldAddresses.reset();
    await this.runtime.start(this.takeHandoff());
    this.control = await startControlSocket(this.api, this.logger, { path: this.controlSocketPath });
    this.scheduling.apply(this.config.globals);
  }

  /**
   * `vrrpd handoff`: the next stop (within `forMs`) is not a handover to the backup but a hand-off to the daemon
   * started right after (an upgrade or restart), which resumes as master: 0 transitions, no lost packets.
   */
  armHandoff(forMs = HANDOFF_ARMED_MS): void {
    this.handoffArmedUntil = monotonicMs() + forMs;
    this.logger.log("info", `the next stop within ${Math.round(forMs / 1000)} s hands off to the next start (masters keep their addresses)`);
  }

  /** Every state transition, after the runtime applied it (systemd's STATUS= line follows them). */
  onStateChange(listener: (event: StateEvent) => void): void {
    this.runtime.stateListeners.push(listener);
  }

  /** What the runtime reports (the status API adds process and config facts to this). */
  status(): RuntimeStatus {
    return this.runtime.status();
  }

  /** SIGTERM: graceful stop (priority 0, make before break), or a hand-off if one is armed; then close everything. */
  async stop(): Promise<void> {
    if (this.handoffArmedUntil !== undefined && monotonicMs() < this.handoffArmedUntil) {
      const record = await this.runtime.handOff();
      writeHandoffRecord(this.handoffPath, record);
      this.logger.log("info", `handed off ${record.instances.length} master instance(s) to the next start (${this.handoffPath})`);
    } else {
      await this.runtime.stop();
    }
    this.heldAddresses.flush();
    await Promise.race([this.ubusObject?.idle(), new Promise((r) => setTimeout(r, 1000))]);
    this.interfaces.close();
    this.bus?.stop();
    await this.control?.close();
    await this.dataPlane.close();
  }

  /** SIGHUP and the `reload` method: an invalid new config is rejected whole and the running one stays. */
  async reload(): Promise<ReloadResult> {
    const loaded = loadConfig(this.options.configPath);
    if (!loaded.config) {
      const errors = formatFindings(loaded).filter((_, i) => loaded.findings[i]?.severity === "error");
      const error = `reload rejected, keeping the running configuration: ${errors.join("; ")}`;
      this.logger.log("error", error);
      this.configState.reloadFailed(error);
      return { ok: false, error };
    }
    for (const line of formatFindings(loaded)) this.logger.log("warning", line);
    this.config = loaded.config;
    await this.resolveNetworks();
    await this.apply();
    this.scheduling.apply(this.config.globals);
    this.configState.loaded(loaded.warnings);
    this.logger.log("info", `reloaded ${this.options.configPath} (${loaded.warnings} warning(s))`);
    return { ok: true };
  }

  private async apply(): Promise<void> {
    this.current = this.runtimeConfig(this.config);
    await this.runtime.reload(this.current);
  }

  private runtimeConfig(config: DaemonConfig): RuntimeConfig {
    return toRuntimeConfig(config, (network) => this.networks.get(network)?.device, this.logger, this.options.runtimePaths);
  }

  /** The record a handing-off predecessor left, if any: which instances resume as master (logged either way). */
  private takeHandoff(): ReadonlySet<string> {
    const decision = takeHandoffRecord(this.handoffPath, this.current.core.instances, monotonicMs());
    for (const line of decision.refused) this.logger.log("warning", line);
    if (decision.resume.size > 0) this.logger.log("info", `resuming as master after a hand-off: ${[...decision.resume].join(", ")}`);
    return decision.resume;
  }

  private get controlSocketPath(): string {
    return this.options.controlSocket ?? DEFAULT_CONTROL_SOCKET;
  }

  private get handoffPath(): string {
    return handoffRecordPath(this.controlSocketPath);
  }

  /** Ask netifd for every logical network the config names, and watch them. */
  private async resolveNetworks(): Promise<void> {
    const logicals = new Set<string>();
    for (const meta of Object.values(this.config.instances)) {
      if (meta.logicalInterface && !meta.device) logicals.add(meta.logicalInterface);
      for (const track of meta.trackedInterfaces) logicals.add(track.name);
    }
    for (const logical of logicals) {
      const info = await this.interfaces.resolve(logical);
      if (info) this.networks.set(logical, info);
    }
    this.interfaces.watch([...logicals]);
    for (const [logical, info] of this.networks) this.runtime.setNetworkState(info.device, info.up || !logicals.has(logical));
  }

  /** netifd: a network went up or down, or moved to another device (a bridge re-created, PPPoE reconnected). */
  private onNetwork(logical: string, info: InterfaceInfo): void {
    const before = this.networks.get(logical);
    this.networks.set(logical, info);
    this.logger.log("info", `network ${logical} is ${info.up ? "up" : "down"} on ${info.device}`);
    this.runtime.setNetworkState(info.device, info.up);
    // A move, or the first answer for a network netifd could not resolve at start (it came up after us).
    if (before?.device !== info.device) void this.apply();
  }
}
