// The reply of `status` (ubus `vrrp status`, control socket, `vrrpd status --json`), as data: the doc tables are
// generated from it (scripts/gen-ubus-docs.ts) and the tests hold every real reply against it.
// Conventions follow netifd and procd (openwrt-integration.md §7): snake_case keys, maps keyed by instance name,
// lowercase states, times as integer epoch seconds plus a relative age, durations with their unit in the key.
import { COUNTER_NAMES } from "../vrrp/counters.ts";
import type { Schema } from "./api-schema.ts";

export const STATES = ["initialize", "backup", "master", "fault"] as const;

const int = (doc: string, extra: { min?: number; max?: number; nullable?: boolean } = {}): Schema => ({ type: "integer", doc, ...extra });
const num = (doc: string, nullable = false): Schema => ({ type: "number", doc, ...(nullable && { nullable }) });
const str = (doc: string, nullable = false): Schema => ({ type: "string", doc, ...(nullable && { nullable }) });
const bool = (doc: string): Schema => ({ type: "boolean", doc });
const state = (doc: string): Schema => ({ type: "string", doc, enum: STATES });

export const trackedSchema: Schema = {
  type: "object",
  doc: "A tracked object and what it does to the priority now.",
  fields: {
    id: str('Tracked object id: "interface:<device>" or "script:<name>".'),
    type: { type: "string", doc: "What is tracked.", enum: ["interface", "script", "other"] },
    name: str("The device or track_script name."),
    state: { type: "string", doc: "Its current state; unknown until the first result. For a file's value: down while it holds the instance in fault, else up.", enum: ["up", "down", "unknown"] },
    weight: int("Configured weight: > 0 adds while up, < 0 subtracts while down, 0 means fault while down.", { min: -253, max: 253 }),
    reverse: bool("Up and down swapped (keepalived `reverse`)."),
    delta: int("What it adds to the priority now (negative: a decrease; 0: no effect)."),
    fault: bool("True when this object alone holds the instance in fault."),
    value: int("A track_script of `type 'file'`: the number read from the file, which adds value × weight (clamped to 253; -254 or below is a fault; weight 0: fault while not 0). Null for other objects.", { nullable: true }),
  },
};

export const countersSchema: Schema = {
  type: "object",
  doc: "Statistics since start or the last reset_counters, named as keepalived names them.",
  fields: Object.fromEntries(COUNTER_NAMES.map((name) => [name, int(`keepalived's ${name}.`, { min: 0 })])),
};

export const transitionSchema: Schema = {
  type: "object",
  nullable: true,
  doc: "The last state change; null before the first.",
  fields: {
    from: state("State before."),
    to: state("State after."),
    reason: str('Why, e.g. "master-down-timer", "higher-priority-advert", "track-fault", "switchover".'),
    at: int("When, epoch seconds."),
    age: int("Seconds since then.", { min: 0 }),
  },
};

export const timersSchema: Schema = {
  type: "object",
  doc: "Protocol timers (RFC 5798 §6.1), milliseconds.",
  fields: {
    advert_int_ms: num("Configured Advertisement_Interval."),
    master_adver_int_ms: num("Master_Adver_Interval: learnt from the master while backup (v3), else the configured one."),
    master_down_interval_ms: num("Master_Down_Interval = 3 × Master_Adver_Interval + Skew_Time."),
    skew_time_ms: num("Skew_Time at the effective priority."),
    master_down_timer_ms: num("Time left on the Master_Down_Timer; null unless backup.", true),
    adver_timer_ms: num("Time left until the next advertisement; null unless master.", true),
  },
};

export const instanceSchema: Schema = {
  type: "object",
  doc: "One VRRP instance (virtual router), keyed by its configuration section name.",
  fields: {
    state: state("Current state."),
    device: str("Linux device the adverts use (e.g. br-lan)."),
    interface: str("Logical network (`option interface`, e.g. lan) on OpenWrt; null when configured by device.", true),
    family: { type: "string", doc: "Address family.", enum: ["ipv4", "ipv6"] },
    version: int("VRRP version.", { min: 2, max: 3 }),
    vrid: int("Virtual router id.", { min: 1, max: 255 }),
    priority: int("Configured priority.", { min: 1, max: 255 }),
    effective_priority: int("Priority advertised now: override or configured, adjusted by tracked objects.", { min: 0, max: 255 }),
    priority_override: int("Runtime override set with set_priority; null when none.", { min: 1, max: 255, nullable: true }),
    tracked: { type: "array", doc: "Tracked objects and their effect (the reason for any adjustment).", items: trackedSchema },
    preempt: bool("Preempt_Mode."),
    master_address: str("Address of the current master (ours when master); null when unknown.", true),
    master_priority: int("Priority the master advertises; null when unknown.", { nullable: true }),
    source_address: str("Our advert source address; null when the device has none.", true),
    virtual_ipaddress: { type: "array", doc: 'Virtual addresses, "address/prefix".', items: str("A VIP.") },
    holding_addresses: bool("True while the VIPs are configured on this router."),
    fault_reason: str("Why the instance is in fault; null unless fault.", true),
    sync_group: str("Sync group this instance belongs to; null when none.", true),
    timers: timersSchema,
    counters: countersSchema,
    last_transition: transitionSchema,
  },
};

/**
 * The fields of an instance in `status {"brief": true}`: what a summary shows (LuCI's Status > Overview box polls
 * it), about a quarter of the full entry. Left out: tracked objects, timers, counters, the last transition and
 * the protocol details (family, version, preempt, source address).
 */
export const BRIEF_INSTANCE_FIELDS = [
  "state",
  "device",
  "interface",
  "vrid",
  "priority",
  "effective_priority",
  "priority_override",
  "master_address",
  "master_priority",
  "virtual_ipaddress",
  "holding_addresses",
  "fault_reason",
  "sync_group",
] as const;

function pickFields(schema: Schema, names: readonly string[], doc: string): Schema {
  if (schema.type !== "object") throw new Error("pickFields: not an object schema");
  const field = (n: string): Schema => {
    const f = schema.fields[n];
    if (f === undefined) throw new Error(`pickFields: no field ${n}`);
    return f;
  };
  return { type: "object", doc, fields: Object.fromEntries(names.map((n) => [n, field(n)])) };
}

export const briefInstanceSchema: Schema = pickFields(instanceSchema, BRIEF_INSTANCE_FIELDS, "One instance in brief (`status` with `brief`).");

export const syncGroupSchema: Schema = {
  type: "object",
  doc: "A sync group: members move together.",
  fields: {
    state: { type: "string", doc: 'Common state of the members, or "mixed" while they differ.', enum: [...STATES, "mixed"] },
    members: { type: "array", doc: "Member instance names.", items: str("An instance name.") },
  },
};

export const trackScriptSchema: Schema = {
  type: "object",
  doc: "A track_script (keepalived vrrp_script), or a native check vrrpd runs itself.",
  fields: {
    type: { type: "string", doc: "`script` (a command), or a native check: `http` (HTTP(S) request), `ping` (ICMP echo), `tcp` (TCP connect), `process` (/proc), `file` (a number read from a file).", enum: ["script", "http", "ping", "tcp", "process", "file"] },
    state: { type: "string", doc: "Result after rise/fall; for `file`, unknown until the first read, then up.", enum: ["up", "down", "unknown"] },
    value: int("`file`: the number last read (a missing or empty file reads 0); null before the first read and for other types.", { nullable: true }),
    running: bool("A run is in progress."),
    runs: int("Completed runs.", { min: 0 }),
    failures: int("Failed runs (non-zero exit, timeout, spawn error).", { min: 0 }),
    timeouts: int("Runs killed at the timeout.", { min: 0 }),
    skipped_overlaps: int("Runs skipped because the previous one was still running.", { min: 0 }),
    last_result: {
      type: "object",
      nullable: true,
      doc: "The last run; null before the first.",
      fields: {
        ok: bool("Exit status 0 within the timeout."),
        exit_code: int("Exit code; null when killed or not started.", { nullable: true }),
        timed_out: bool("Killed (a native check: cut) at the timeout."),
        detail: str('What a native check saw, e.g. "HTTP 503, expected 200"; for a script, the tail of its stderr.'),
        duration_ms: num("Run time."),
      },
    },
  },
};

export const configSchema: Schema = {
  type: "object",
  doc: "The configuration in force.",
  fields: {
    file: str("Configuration source (UCI package file or keepalived.conf)."),
    loaded_at: int("When it was loaded, epoch seconds; null before the first load.", { nullable: true }),
    warnings: int("Warnings from loading it (see the log).", { min: 0 }),
    last_reload_error: {
      type: "object",
      nullable: true,
      doc: "The last failed reload (the previous configuration stayed in force); null after a successful one.",
      fields: { at: int("When, epoch seconds."), message: str("What was wrong.") },
    },
  },
};

export const lagSchema: Schema = {
  type: "object",
  doc: "How late the protocol timer fired (event-loop lag): a starved loop is what causes spurious failovers.",
  fields: {
    samples: int("Timer firings measured.", { min: 0 }),
    last_ms: num("Lag of the last firing."),
    max_ms: num("Worst lag since start."),
    mean_ms: num("Exponentially weighted mean."),
  },
};

export const mailSchema: Schema = {
  type: "object",
  doc: "E-mail alerts (smtp_alert): delivery runs beside the protocol, so a dead, slow or refusing server shows here and in the log, never in failover timing.",
  fields: {
    enabled: bool("Recipients and a server are configured (alerts go out for instances and groups with smtp_alert)."),
    sent: int("Mails the server accepted.", { min: 0 }),
    failed_attempts: int("Attempts that failed (refused, timed out, unreachable); each retry counts.", { min: 0 }),
    dropped: int("Mails given up: retries exhausted, pushed out of the full queue, or still waiting when a reload turned mail off. The counters carry on across reloads.", { min: 0 }),
    queued: int("Mails waiting or being sent.", { min: 0 }),
    last_error: str("Why the last attempt that failed did; null when none has.", true),
    last_error_at: int("When it failed, epoch seconds; null when none has.", { nullable: true }),
  },
};

export const statusSchema: Schema = {
  type: "object",
  doc: "Daemon and instance status.",
  fields: {
    version: str("vrrpd version."),
    pid: int("Daemon process id."),
    uptime: int("Seconds since the daemon started.", { min: 0 }),
    started_at: int("Daemon start, epoch seconds."),
    time: int("When this status was taken, epoch seconds."),
    config: configSchema,
    event_loop_lag: lagSchema,
    instances: { type: "map", key: "instance name", doc: "Instances (only the requested one when `instance` is given).", values: instanceSchema },
    sync_groups: { type: "map", key: "group name", doc: "Sync groups (only the requested instance's group when `instance` is given).", values: syncGroupSchema },
    track_scripts: { type: "map", key: "script name", doc: "Track scripts (only those the requested instance tracks when `instance` is given).", values: trackScriptSchema },
    unknown_vrid: { type: "map", key: '"<device>/ipv4" or "<device>/ipv6"', doc: "Adverts received for VRIDs nobody here runs (keepalived vrid_err).", values: int("Count.", { min: 0 }) },
    mail: mailSchema,
  },
};

/** `status` with `brief`: the same reply, each instance cut down to BRIEF_INSTANCE_FIELDS. */
export const statusBriefSchema: Schema =
  statusSchema.type === "object"
    ? { ...statusSchema, fields: { ...statusSchema.fields, instances: { type: "map", key: "instance name", doc: "Instances, in brief.", values: briefInstanceSchema } } }
    : statusSchema;
