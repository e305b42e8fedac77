// `vrrpd status` without --json: the status reply (api-contract-status.ts) as a table a person reads at a glance,
// with the reasons for any priority adjustment and anything alarming (faults, a failed reload) spelt out below.

/** The parts of the status reply the table shows (the JSON contract, read loosely: it comes off a socket). */
interface Transition {
  from: string;
  to: string;
  reason: string;
  age: number;
}
interface Tracked {
  id: string;
  state: string;
  /** A file's number (track_script `type 'file'`); absent from an older daemon's reply. */
  value?: number | null;
  delta: number;
  fault: boolean;
}
interface Instance {
  state: string;
  device: string;
  interface: string | null;
  priority: number;
  effective_priority: number;
  priority_override: number | null;
  tracked: Tracked[];
  master_address: string | null;
  virtual_ipaddress: string[];
  fault_reason: string | null;
  counters: Record<string, number>;
  last_transition: Transition | null;
}
interface Status {
  version: string;
  pid: number;
  uptime: number;
  time: number;
  config: { file: string; loaded_at: number | null; warnings: number; last_reload_error: { at: number; message: string } | null };
  event_loop_lag: { max_ms: number };
  instances: Record<string, Instance>;
  sync_groups: Record<string, { state: string; members: string[] }>;
  mail?: Mail;
}
interface Mail {
  enabled: boolean;
  sent: number;
  failed_attempts: number;
  dropped: number;
  queued: number;
  last_error: string | null;
  last_error_at: number | null;
}

/** Counters that are not errors; every other counter counts towards ERRORS. */
const NORMAL_COUNTERS = new Set(["advert_rcvd", "advert_sent", "become_master", "release_master", "pri_zero_rcvd", "pri_zero_sent"]);

export function formatAge(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
  return `${Math.floor(s / 86400)}d${String(Math.floor((s % 86400) / 3600)).padStart(2, "0")}h`;
}

const badge = (state: string): string => `[${state.toUpperCase()}]`;

function priorityCell(i: Instance): string {
  const marks = (i.priority_override !== null ? "o" : "") + (i.tracked.some((t) => t.delta !== 0 || t.fault) ? "*" : "");
  return `${i.priority}/${i.effective_priority}${marks}`;
}

function transitionCell(t: Transition | null): string {
  return t === null ? "-" : `${t.from}>${t.to} ${t.reason} ${formatAge(t.age)} ago`;
}

function errors(counters: Record<string, number>): number {
  return Object.entries(counters).reduce((sum, [name, n]) => (NORMAL_COUNTERS.has(name) ? sum : sum + n), 0);
}

/** Left-aligned columns, two spaces apart, no trailing blanks. */
export function renderTable(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join("  ").trimEnd());
}

/** Notes under the table: why a priority differs from the configured one, faults. */
function notes(name: string, i: Instance): string[] {
  const out: string[] = [];
  const why: string[] = [];
  if (i.priority_override !== null) why.push(`override ${i.priority_override}`);
  for (const t of i.tracked) {
    const now = t.value === undefined || t.value === null ? t.state : `value ${t.value}`;
    if (t.fault) why.push(`${t.id} ${now} (fault)`);
    else if (t.delta !== 0) why.push(`${t.id} ${now} (${t.delta > 0 ? "+" : ""}${t.delta})`);
  }
  if (why.length > 0) out.push(`  ${name}: priority ${i.priority} -> ${i.effective_priority}: ${why.join(", ")}`);
  if (i.state === "fault" && i.fault_reason !== null) out.push(`  ${name}: fault: ${i.fault_reason}`);
  return out;
}

/** One line: on or off, the counters (left out while mail is off and never counted), the last error with its age. */
function mailLine(m: Mail, now: number): string {
  const counted = m.enabled || m.sent + m.failed_attempts + m.dropped + m.queued > 0;
  const counters = counted ? `; sent ${m.sent}, failed attempts ${m.failed_attempts}, dropped ${m.dropped}, queued ${m.queued}` : "";
  const age = m.last_error_at === null ? "" : ` ${formatAge(now - m.last_error_at)} ago`;
  const error = m.last_error === null ? "" : `; last error${age}: ${m.last_error}`;
  return `mail: ${m.enabled ? "on" : "off"}${counters}${error}`;
}

export function renderStatus(reply: unknown): string {
  const s = reply as Status;
  const c = s.config;
  const loaded = c.loaded_at === null ? "not loaded" : `loaded ${formatAge(s.time - c.loaded_at)} ago, ${c.warnings} warning(s)`;
  const lines = [`vrrpd ${s.version}, pid ${s.pid}, up ${formatAge(s.uptime)}; config ${c.file} ${loaded}; loop lag max ${s.event_loop_lag.max_ms.toFixed(1)} ms`, ""];
  const rows: string[][] = [["INSTANCE", "STATE", "PRIO", "MASTER", "DEVICE", "VIPS", "LAST TRANSITION", "ADV TX/RX", "MASTER +/-", "ERRORS"]];
  const below: string[] = [];
  for (const [name, i] of Object.entries(s.instances)) {
    rows.push([
      name,
      badge(i.state),
      priorityCell(i),
      i.master_address ?? "-",
      i.interface !== null ? `${i.device} (${i.interface})` : i.device,
      i.virtual_ipaddress.join(",") || "-",
      transitionCell(i.last_transition),
      `${i.counters["advert_sent"] ?? 0}/${i.counters["advert_rcvd"] ?? 0}`,
      `${i.counters["become_master"] ?? 0}/${i.counters["release_master"] ?? 0}`,
      String(errors(i.counters)),
    ]);
    below.push(...notes(name, i));
  }
  lines.push(...(rows.length > 1 ? renderTable(rows) : ["no instances configured"]));
  if (below.length > 0) lines.push("", "PRIO is configured/effective (o: runtime override, *: adjusted by tracked objects):", ...below);
  const groups = Object.entries(s.sync_groups);
  if (groups.length > 0) lines.push("", ...groups.map(([name, g]) => `sync group ${name}: ${g.state} (${g.members.join(", ")})`));
  // A daemon older than the mail counters has no `mail`: the line is left out rather than guessed.
  if (s.mail !== undefined) lines.push("", mailLine(s.mail, s.time));
  if (c.last_reload_error !== null) lines.push("", `last reload FAILED ${formatAge(s.time - c.last_reload_error.at)} ago, previous config kept: ${c.last_reload_error.message}`);
  return `${lines.join("\n")}\n`;
}
