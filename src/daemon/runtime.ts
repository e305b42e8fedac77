// The daemon's event loop: one Engine (the sans-IO core), one deadline timer, the data plane, track scripts
// and notifications. Every input goes into the engine with `now`; every output is carried out in order.
import { handedOff, monotonicMs, type HandoffRecord } from "./handoff-record.ts";
import { Engine, type LinkState } from "../vrrp/engine.ts";
import type { Output, ReceivedPacket } from "../vrrp/io.ts";
import type { CoreConfig, InstanceConfig, VirtualAddress, VirtualRoute } from "../vrrp/model.ts";
import type { EngineStatus } from "../vrrp/status.ts";
import type { TrackReading } from "../vrrp/tracking.ts";
import { LogRateLimiter } from "../vrrp/rate-limit.ts";
import { FailoverRehearsal } from "./failover-rehearsal.ts";
import type { DataPlane } from "./data-plane.ts";
import { DeadlineTimer, type LagStats } from "./deadline-timer.ts";
import type { Logger } from "./log.ts";
import type { MasterNow } from "./mail/alert-message.ts";
import { MailService, type MailRuntimeConfig, type MailServiceStatus, type TestMailResult } from "./mail/mail-service.ts";
import { NotifyDispatcher, type NotifyOptions, type NotifyScripts, type NotifyState } from "./notify.ts";
import { TrackScripts, type TrackScriptSpec, type TrackScriptStatus } from "./track-scripts.ts";
import type { Identity } from "./users.ts";

export interface RuntimeConfig {
  readonly core: CoreConfig;
  readonly trackScripts: readonly TrackScriptSpec[];
  /** Notify scripts per instance name and per sync group name. */
  readonly notify: Readonly<Record<string, NotifyScripts>>;
  readonly notifyTimeoutMs: number;
  readonly scriptIdentity?: Identity | undefined;
  readonly hotplugDir?: string | undefined;
  readonly userHook?: string | undefined;
  /** E-mail alerts; undefined (or no recipient or server) sends none. */
  readonly mail?: MailRuntimeConfig | undefined;
}

/** A state change as the outside world hears it: ubus `vrrp.state`, notify scripts, logs. */
export interface StateEvent {
  readonly instance: string;
  readonly state: string;
  readonly previousState: string;
  readonly reason: string;
  readonly priority: number;
  readonly device: string;
  readonly virtualIpaddress: readonly string[];
}

/** Virtual addresses (with their routes) the runtime puts on the host or takes off it. */
export interface AddressChange {
  readonly held: boolean;
  readonly device: string;
  readonly addresses: readonly VirtualAddress[];
  readonly routes: readonly VirtualRoute[];
}

export interface RuntimeStatus extends EngineStatus {
  readonly lag: LagStats;
  readonly trackScripts: readonly TrackScriptStatus[];
  readonly mail: MailServiceStatus;
}

const NOTIFY_STATE: Record<string, NotifyState | undefined> = { master: "MASTER", backup: "BACKUP", fault: "FAULT", initialize: "STOP" };

export class Runtime {
  private engine: Engine;
  private config: RuntimeConfig;
  private readonly timer: DeadlineTimer;
  private trackScripts: TrackScripts;
  private readonly notifier: NotifyDispatcher;
  private readonly mail: MailService;
  /** Address changes run one at a time per instance, so a remove can never overtake the add before it. */
  private readonly addressQueues = new Map<string, Promise<void>>();
  private stopping: { resolve: () => void } | undefined;
  /** The kernel's view of each device, and netifd's: a device counts as up only when both say so. */
  private readonly kernelLinks = new Map<string, LinkState>();
  private readonly networkDown = new Set<string>();
  /** STOP notifications wait until the addresses are released, so `notify_stop` sees the final state. */
  private deferredStops: (() => void)[] = [];
  private shuttingDown = false;
  private started = false;
  readonly stateListeners: ((event: StateEvent) => void)[] = [];
  /** Told of an addition before the kernel is asked, of a removal once it is done (held-address-record.ts). */
  readonly addressListeners: ((change: AddressChange) => void)[] = [];
  private readonly lowerPriLog = new LogRateLimiter(60_000);
  private readonly acceptWarned = new Set<string>();
  /** The shortest advert interval configured: the timer fires often, so this is not recomputed there. */
  private smallestIntervalMs: number;
  /** Compiles the failover path before the first real failover (see failover-rehearsal.ts). */
  private readonly rehearsal = new FailoverRehearsal();
  /** The clock reading shared by the packets of the receive burst in progress (see onPacket). */
  private burstNow: number | undefined;
  /** Counts delivered packets, so onTimer knows whether draining the sockets moved the clock on. */
  private packetsReceived = 0;

  constructor(
    config: RuntimeConfig,
    private readonly dataPlane: DataPlane,
    private readonly logger: Logger,
    private readonly clock: () => number = () => performance.now(),
  ) {
    this.config = config;
    this.smallestIntervalMs = smallestInterval(config);
    this.engine = new Engine(config.core);
    this.timer = new DeadlineTimer((now, lagMs) => this.onTimer(now, lagMs), clock, dataPlane.preciseTimer);
    this.trackScripts = this.newTrackScripts(config);
    this.notifier = this.newNotifier(config);
    this.mail = new MailService(config.mail, logger, (name) => this.masterOf(name));
  }

  /**
   * The configuration to start with, when it could be completed only after construction: on OpenWrt the devices
   * behind logical networks come from netifd, and the first election must run on them, not on a device named
   * after the network.
   */
  useStartConfig(config: RuntimeConfig): void {
    if (this.started) throw new Error("useStartConfig() after start(): use reload()");
    this.adopt(config);
    this.engine = new Engine(config.core);
    this.trackScripts = this.newTrackScripts(config);
  }

  /**
   * `resume`: instances a handing-off predecessor was master of (handoff-record.ts). Their addresses are its, left
   * for us, not stale ones from a crash, and they start as master at once.
   */
  async start(resume: ReadonlySet<string> = new Set()): Promise<void> {
    this.started = true;
    await this.removeStaleAddresses(this.config.core.instances.filter((i) => !resume.has(i.name)));
    await this.dataPlane.watchLinks((device, link) => this.onLink(device, link));
    await this.listen();
    this.apply(this.engine.start(this.clock(), resume));
    this.rehearsal.run(this.config.core);
    this.trackScripts.start(true);
  }

  /**
   * The stop of a daemon that a new one replaces at once (upgrade, restart): masters send a last advert and keep
   * their addresses for the successor, which resumes them; no priority 0, no release, no notify. Returns the
   * record for the successor.
   */
  async handOff(): Promise<HandoffRecord> {
    this.trackScripts.stop();
    this.shuttingDown = true;
    const { outputs, masters } = this.engine.handOff();
    this.carryOutAll(outputs);
    const lastAdvertMonotonicMs = monotonicMs();
    this.timer.disarm();
    await Promise.all(this.addressQueues.values());
    await this.notifier.drain();
    this.mail.close();
    const instances = this.config.core.instances.filter((i) => masters.includes(i.name)).map(handedOff);
    return { format: "vrrpd-handoff/1", lastAdvertMonotonicMs, instances };
  }

  /** Graceful stop: priority 0, keep the addresses until the successor is heard, then notify STOP and resolve. */
  async stop(): Promise<void> {
    this.trackScripts.stop();
    this.shuttingDown = true;
    const done = new Promise<void>((resolve) => (this.stopping = { resolve }));
    this.apply(this.engine.shutdown(this.clock()));
    this.checkStopped();
    await done;
    this.timer.disarm();
    await Promise.all(this.addressQueues.values());
    for (const notify of this.deferredStops) notify();
    this.deferredStops = [];
    await this.notifier.drain();
    await this.mail.stop();
  }

  /** Hitless reload with an already-validated config. */
  async reload(config: RuntimeConfig): Promise<void> {
    const added = config.core.instances.filter((i) => !this.config.core.instances.some((o) => o.name === i.name));
    await this.removeStaleAddresses(added);
    this.trackScripts.stop();
    this.adopt(config);
    this.apply(this.engine.reconfigure(this.clock(), config.core));
    this.rehearsal.run(config.core); // plays only a kind of instance the reload brought in
    await this.listen();
    this.trackScripts = this.newTrackScripts(config);
    this.trackScripts.start();
  }

  status(): RuntimeStatus {
    return { ...this.engine.status(this.clock()), lag: this.timer.lag, trackScripts: this.trackScripts.status(), mail: this.mail.status() };
  }

  /** Run a core control call (switchover, priority override) and carry out what it produced. */
  control<R>(call: (engine: Engine, now: number) => { result: R; outputs: Output[] }): R {
    const { result, outputs } = call(this.engine, this.clock());
    this.apply(outputs);
    return result;
  }

  /**
   * OpenWrt: netifd says a logical network is down (DHCP lease lost, PPPoE session gone) although its device may
   * still have carrier. Treated like link state: the device counts as down until netifd says it is up again.
   */
  setNetworkState(device: string, up: boolean): void {
    if (up === !this.networkDown.has(device)) return;
    if (up) this.networkDown.delete(device);
    else this.networkDown.add(device);
    const link = this.kernelLinks.get(device);
    if (link) this.onLink(device, link);
  }

  /** `test_mail`: one mail now through the configured server; resolves with the outcome, never rejects. */
  testMail(): Promise<TestMailResult> {
    return this.mail.sendTest();
  }

  resetCounters(instance?: string): ReturnType<Engine["resetCounters"]> {
    return this.engine.resetCounters(instance);
  }

  // ---- inputs -------------------------------------------------------------------------------------------

  /**
   * Packets of one receive burst share one clock reading, and the timer is re-armed once at the end of the burst:
   * a master sends every instance's advert back to back, and on a router's interpreter-only node performance.now()
   * alone costs ~3 µs and ~90 bytes of garbage. The burst's packets all waited in the socket queue since before the
   * reading, so it is no later than any of their true arrivals.
   */
  private onPacket(packet: ReceivedPacket): void {
    this.packetsReceived++;
    const now = (this.burstNow ??= this.clock());
    this.carryOutAll(this.engine.handlePacket(now, packet));
  }

  private onBurstEnd(): void {
    if (this.burstNow === undefined) return; // nothing was delivered
    this.burstNow = undefined;
    this.afterInput();
  }

  private onLink(device: string, link: LinkState): void {
    this.kernelLinks.set(device, link);
    const up = link.up && !this.networkDown.has(device);
    this.apply(this.engine.setLink(this.clock(), device, { ...link, up }));
  }

  private onTrack(name: string, reading: TrackReading): void {
    this.apply(this.engine.setTrack(this.clock(), `script:${name}`, reading));
  }

  private onTimer(now: number, lagMs: number): void {
    if (lagMs > this.smallestIntervalMs / 2) {
      this.logger.log("warning", `event loop ${lagMs.toFixed(1)} ms late: adverts at ${this.smallestIntervalMs} ms intervals risk a spurious failover`);
    }
    // Adverts first: one that waited in the socket while the loop was busy arrived before this deadline passed.
    const received = this.packetsReceived;
    this.dataPlane.receivePending();
    this.apply(this.engine.handleTimeout(this.packetsReceived === received ? now : this.clock()));
  }

  // ---- outputs ------------------------------------------------------------------------------------------

  private apply(outputs: readonly Output[]): void {
    this.carryOutAll(outputs);
    this.afterInput();
  }

  /** After an input (or a burst of packets): the core's next deadline may have moved, and a stop may be complete. */
  private afterInput(): void {
    this.timer.arm(this.engine.nextWakeup());
    this.checkStopped();
  }

  private carryOutAll(outputs: readonly Output[]): void {
    // Indexed, not for-of: this runs per received advert, mostly over an empty array, and an interpreter-only
    // node allocates an iterator and a result object for every for-of.
    for (let i = 0; i < outputs.length; i++) this.carryOut(outputs[i] as Output);
  }

  private carryOut(output: Output): void {
    switch (output.type) {
      case "send":
        this.dataPlane.send(output);
        break;
      case "add-addresses":
        this.warnAcceptNotEnforced(output.instance, output.acceptPackets);
        this.queueAddresses(output.instance, () => {
          this.addressesChanged(true, output);
          return this.dataPlane.addAddresses(output.interface, output.addresses, output.routes);
        });
        break;
      case "accept-packets":
        this.warnAcceptNotEnforced(output.instance, output.acceptPackets);
        break;
      case "remove-addresses":
        this.queueAddresses(output.instance, async () => {
          await this.dataPlane.removeAddresses(output.interface, output.addresses, output.routes);
          this.addressesChanged(false, output);
        });
        break;
      case "announce":
        // After the addresses are in place (RFC 5798 §8.1.2: announce only configured addresses).
        this.queueAddresses(output.instance, async () => this.dataPlane.announce(output.interface, output.vrid, output.family, output.addresses, output.count));
        break;
      case "transition":
        this.onTransition(output);
        break;
      case "master-rx-lower-pri":
        // A split brain that does not heal (e.g. a peer refusing our checksums) repeats this every advert.
        if (this.lowerPriLog.allow(`${output.instance}|${output.from}`, this.clock())) {
          this.logger.log("warning", `heard a lower-priority master ${output.from} (priority ${output.priority}): re-asserting (logged at most once a minute)`, output.instance);
        }
        break;
      case "priority":
        break;
      case "log":
        this.logger.log(output.level, output.message, output.instance);
        break;
    }
  }

  private onTransition(output: Extract<Output, { type: "transition" }>): void {
    const instance = this.config.core.instances.find((i) => i.name === output.instance);
    const event: StateEvent = {
      instance: output.instance,
      state: output.to,
      previousState: output.from,
      reason: output.reason,
      priority: output.priority,
      device: instance?.interface ?? "",
      virtualIpaddress: instance ? vipStrings(instance) : [],
    };
    for (const listener of this.stateListeners) listener(event);
    const state = NOTIFY_STATE[output.to];
    const scripts = this.config.notify[output.instance];
    if (!state) return;
    this.mail.onTransition({ instance: output.instance, from: output.from.toUpperCase(), to: state, reason: output.reason, device: event.device, vips: event.virtualIpaddress });
    const notify = (): void =>
      this.notifier.notify(
        { type: "INSTANCE", name: output.instance, state, previous: NOTIFY_STATE[output.from] ?? output.from.toUpperCase(), reason: output.reason, priority: output.priority, device: event.device, vips: event.virtualIpaddress },
        scripts ?? {},
      );
    if (state === "STOP" && this.shuttingDown) this.deferredStops.push(notify);
    else notify();
  }

  /**
   * The Linux data plane installs no filter for Accept_Mode False yet, so a master accepts packets to its VIPs
   * whatever `accept` says. Say so once per instance rather than let `accept '0'` look enforced.
   */
  private warnAcceptNotEnforced(instance: string, acceptPackets: boolean): void {
    if (acceptPackets || this.acceptWarned.has(instance)) return;
    this.acceptWarned.add(instance);
    this.logger.log("warning", "accept '0': packets to the virtual addresses are not filtered (not implemented yet); the master accepts them", instance);
  }

  private addressesChanged(held: boolean, output: { interface: string; addresses: readonly VirtualAddress[]; routes: readonly VirtualRoute[] }): void {
    const change: AddressChange = { held, device: output.interface, addresses: output.addresses, routes: output.routes };
    for (const listener of this.addressListeners) listener(change);
  }

  private queueAddresses(instance: string, job: () => Promise<void>): void {
    const previous = this.addressQueues.get(instance) ?? Promise.resolve();
    const next = previous.then(job).catch((error: unknown) => {
      this.logger.log("error", `address change failed: ${error instanceof Error ? error.message : String(error)}`, instance);
    });
    this.addressQueues.set(instance, next);
  }

  private checkStopped(): void {
    if (this.stopping && this.engine.isQuiescent()) {
      const { resolve } = this.stopping;
      this.stopping = undefined;
      resolve();
    }
  }

  // ---- helpers ------------------------------------------------------------------------------------------

  private async listen(): Promise<void> {
    const seen = new Set<string>();
    const devices = this.config.core.instances
      .map((i) => ({ device: i.interface, family: i.family, group: i.multicastGroup }))
      .filter((d) => !seen.has(JSON.stringify(d)) && seen.add(JSON.stringify(d)));
    await this.dataPlane.listen(
      devices,
      (packet) => this.onPacket(packet),
      () => this.onBurstEnd(),
    );
  }

  /** keepalived removes its VIPs left by a crash only at its next start; we do it before the first election. */
  private async removeStaleAddresses(instances: readonly InstanceConfig[]): Promise<void> {
    for (const instance of instances) {
      const stale = await this.dataPlane.presentAddresses(instance.interface, instance.virtualAddresses).catch(() => []);
      if (stale.length === 0) continue;
      this.logger.log("warning", `removing ${stale.map((a) => a.address).join(", ")} left on ${instance.interface} by an earlier run`, instance.name);
      await this.dataPlane.removeAddresses(instance.interface, stale, instance.virtualRoutes).catch((error: unknown) => {
        this.logger.log("error", `could not remove stale addresses: ${String(error)}`, instance.name);
      });
    }
  }

  private newTrackScripts(config: RuntimeConfig): TrackScripts {
    return new TrackScripts(config.trackScripts, (name, state) => this.onTrack(name, state), this.logger);
  }

  /** The settings every configuration change applies alike (start with netifd's devices, reload). */
  private adopt(config: RuntimeConfig): void {
    this.config = config;
    this.smallestIntervalMs = smallestInterval(config);
    this.notifier.setOptions(this.notifyOptions(config));
    this.mail.configure(config.mail);
  }

  /** Who is master of `instance` now, for the alert mail (asked once per mail window, not per transition). */
  private masterOf(name: string): MasterNow | undefined {
    const i = this.engine.router(name)?.status(this.clock());
    if (i === undefined) return undefined;
    if (i.state === "master") return { self: true, priority: i.effectivePriority };
    return { self: false, address: i.masterAddress, priority: i.masterPriority };
  }

  private newNotifier(config: RuntimeConfig): NotifyDispatcher {
    return new NotifyDispatcher(this.notifyOptions(config), this.logger);
  }

  private notifyOptions(config: RuntimeConfig): NotifyOptions {
    return { timeoutMs: config.notifyTimeoutMs, identity: config.scriptIdentity, hotplugDir: config.hotplugDir, hotplugCall: "/sbin/hotplug-call", userHook: config.userHook };
  }
}

function smallestInterval(config: RuntimeConfig): number {
  return Math.min(Infinity, ...config.core.instances.map((i) => i.advertIntervalMs));
}

export function vipStrings(instance: InstanceConfig): string[] {
  return instance.virtualAddresses.map((a) => `${a.address}/${a.prefixLength}`);
}
