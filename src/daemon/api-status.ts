// RuntimeStatus (camelCase, monotonic milliseconds) → the `status` reply of the JSON contract
// (api-contract-status.ts): snake_case, maps keyed by name, epoch seconds for humans.
import type { JsonObject, JsonValue } from "../ubus/blobmsg-json.ts";
import type { TimeSlicer } from "../ubus/time-slice.ts";
import type { InstanceStatus } from "../vrrp/status.ts";
import type { TrackEffect } from "../vrrp/tracking.ts";
import type { ConfigFacts, DaemonFacts } from "./daemon-facts.ts";
import type { RuntimeStatus } from "./runtime.ts";
import type { TrackScriptStatus } from "./track-scripts.ts";
import { BRIEF_INSTANCE_FIELDS } from "./api-contract-status.ts";

export interface StatusOptions {
  /** Only this instance (already known to exist). */
  readonly instance?: string;
  /** Each instance cut down to BRIEF_INSTANCE_FIELDS (api-contract-status.ts). */
  readonly brief?: boolean;
  /** What RuntimeStatus lacks: the configured VIPs and logical network of an instance. */
  readonly describe: (instance: string) => InstanceFacts | undefined;
}

/** Per-instance configuration facts the Runtime keeps private (see api.ts configFacts()). */
export interface InstanceFacts {
  /** "address/prefix", as configured. */
  readonly virtualIpaddress: readonly string[];
  /** OpenWrt logical network (`option interface 'lan'`); absent when configured by device. */
  readonly interface?: string | undefined;
}

/** Milliseconds with µs precision at most: keeps doubles short on the wire and in the CLI. */
const ms = (v: number): number => Math.round(v * 1000) / 1000;
const epochS = (epochMs: number): number => Math.floor(epochMs / 1000);

export class StatusBuilder {
  private readonly wallNow: number;
  private readonly monoNow: number;

  constructor(private readonly facts: DaemonFacts) {
    this.wallNow = facts.wallClock();
    this.monoNow = facts.monotonicClock();
  }

  /** A monotonic time (ms) as epoch seconds. */
  private epochOf(monotonicMs: number): number {
    return epochS(this.wallNow - (this.monoNow - monotonicMs));
  }

  /**
   * The reply. With a slicer, the instances (the bulk of it: ~1 ms per 100 on a fast machine, many times that on
   * a router) are made in slices, pausing whenever one has used its time, so that the protocol's timers are not
   * held up; `rs` is a snapshot, so the reply stays consistent across the pauses.
   */
  async build(rs: RuntimeStatus, options: StatusOptions, slicer?: TimeSlicer): Promise<JsonObject> {
    const only = options.instance;
    const instances = rs.instances.filter((i) => only === undefined || i.name === only);
    const instanceEntries: [string, JsonObject][] = [];
    for (const i of instances) {
      if (slicer?.due() === true) await slicer.pause();
      const full = this.instance(i, options);
      instanceEntries.push([i.name, options.brief === true ? brief(full) : full]);
    }
    const groups = rs.syncGroups.filter((g) => only === undefined || g.members.includes(only));
    const scriptIds = new Set(instances.flatMap((i) => i.tracked.map((t) => t.id)));
    const scripts = rs.trackScripts.filter((s) => only === undefined || scriptIds.has(`script:${s.name}`));
    return {
      version: this.facts.version,
      pid: this.facts.pid,
      uptime: Math.max(0, Math.floor((this.monoNow - this.facts.startedAt) / 1000)),
      started_at: this.epochOf(this.facts.startedAt),
      time: epochS(this.wallNow),
      config: configJson(this.facts.config()),
      event_loop_lag: { samples: rs.lag.samples, last_ms: ms(rs.lag.lastMs), max_ms: ms(rs.lag.maxMs), mean_ms: ms(rs.lag.meanMs) },
      instances: Object.fromEntries(instanceEntries),
      sync_groups: Object.fromEntries(groups.map((g) => [g.name, { state: g.state, members: [...g.members] }])),
      track_scripts: Object.fromEntries(scripts.map((s) => [s.name, trackScript(s)])),
      unknown_vrid: { ...rs.unknownVrid },
      mail: {
        enabled: rs.mail.enabled,
        sent: rs.mail.sent,
        failed_attempts: rs.mail.failedAttempts,
        dropped: rs.mail.dropped,
        queued: rs.mail.queued,
        last_error: rs.mail.lastError,
        last_error_at: rs.mail.lastErrorAtMs === null ? null : epochS(rs.mail.lastErrorAtMs),
      },
    };
  }

  instance(i: InstanceStatus, options: StatusOptions): JsonObject {
    const t = i.lastTransition;
    const facts = options.describe(i.name);
    return {
      state: i.state,
      device: i.interface,
      interface: facts?.interface ?? null,
      family: i.family === 6 ? "ipv6" : "ipv4",
      version: i.version,
      vrid: i.vrid,
      priority: i.configuredPriority,
      effective_priority: i.effectivePriority,
      priority_override: i.priorityOverride,
      tracked: i.tracked.map(tracked),
      preempt: i.preempt,
      master_address: i.masterAddress,
      master_priority: i.masterPriority,
      source_address: i.sourceAddress,
      virtual_ipaddress: [...(facts?.virtualIpaddress ?? [])],
      holding_addresses: i.holdingAddresses,
      fault_reason: i.fault,
      sync_group: i.syncGroup,
      timers: {
        advert_int_ms: ms(i.advertIntervalMs),
        master_adver_int_ms: ms(i.masterAdverIntervalMs),
        master_down_interval_ms: ms(i.masterDownIntervalMs),
        skew_time_ms: ms(i.skewTimeMs),
        master_down_timer_ms: i.masterDownTimerMs === null ? null : ms(i.masterDownTimerMs),
        adver_timer_ms: i.adverTimerMs === null ? null : ms(i.adverTimerMs),
      },
      counters: { ...i.counters },
      last_transition: t === null ? null : { from: t.from, to: t.to, reason: t.reason, at: this.epochOf(t.at), age: Math.max(0, Math.floor((this.monoNow - t.at) / 1000)) },
    };
  }
}

/** An instance's entry in brief. */
export function brief(full: JsonObject): JsonObject {
  return Object.fromEntries(BRIEF_INSTANCE_FIELDS.map((k) => [k, full[k] ?? null]));
}

export function configJson(c: ConfigFacts): JsonObject {
  return {
    file: c.file,
    loaded_at: c.loadedAt === null ? null : epochS(c.loadedAt),
    warnings: c.warnings,
    last_reload_error: c.lastReloadError === null ? null : { at: epochS(c.lastReloadError.at), message: c.lastReloadError.message },
  };
}

function tracked(e: TrackEffect): JsonValue {
  const colon = e.id.indexOf(":");
  const kind = e.id.slice(0, colon);
  return {
    id: e.id,
    type: kind === "interface" || kind === "script" ? kind : "other",
    name: colon >= 0 ? e.id.slice(colon + 1) : e.id,
    state: e.state,
    weight: e.weight,
    reverse: e.reverse,
    delta: e.delta,
    fault: e.fault,
    value: e.value ?? null,
  };
}

function trackScript(s: TrackScriptStatus): JsonValue {
  const r = s.lastResult;
  return {
    type: s.type,
    state: s.state,
    value: s.value,
    running: s.running,
    runs: s.runs,
    failures: s.failures,
    timeouts: s.timeouts,
    skipped_overlaps: s.skippedOverlaps,
    last_result: r === null ? null : { ok: r.ok, exit_code: r.exitCode, timed_out: r.timedOut, duration_ms: ms(r.durationMs), detail: r.detail },
  };
}
