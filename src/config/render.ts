// A DaemonConfig (or what an importer has of one) back to /etc/config/vrrp: the inverse of validate(), used by the
// keepalived.conf importer. Options at their default are left out. What UCI cannot express is listed in `notes`
// rather than dropped silently. Text comes from helper-2's UCI writer (uci/writer.ts), so it reads back exactly.
import type { CoreConfig } from "../vrrp/model.ts";
import { buildGlobals } from "./build/globals.ts";
import type { GlobalsConfig, InstanceMeta, SyncGroupMeta, TrackScriptConfig } from "./model.ts";
import { notifyOptions, renderInstance, type RenderedOptions } from "./render-instance.ts";
import type { UciOption, UciPackage, UciSection } from "./uci/types.ts";
import { writeUciPackage } from "./uci/writer.ts";
import { formatSeconds } from "./values/scalar.ts";

/** A DaemonConfig is one; an importer may leave out everything but the core. */
export interface RenderInput {
  readonly core: CoreConfig;
  readonly globals?: Partial<GlobalsConfig>;
  readonly instances?: Readonly<Record<string, Partial<InstanceMeta>>>;
  readonly syncGroups?: Readonly<Record<string, Partial<SyncGroupMeta>>>;
  readonly trackScripts?: Readonly<Record<string, Omit<TrackScriptConfig, "location">>>;
}

export interface RenderResult {
  readonly package: UciPackage;
  /** Settings with no UCI form, and renamed sections; empty when the rendering is exact. */
  readonly notes: readonly string[];
}

const DEFAULTS = buildGlobals(undefined);
const flag = (on: boolean): string => (on ? "1" : "0");
const own = <T>(record: Readonly<Record<string, T>> | undefined, key: string): T | undefined =>
  record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;

function renderGlobals(g: GlobalsConfig): RenderedOptions {
  const o: RenderedOptions = [["enabled", flag(g.enabled)]];
  const d = DEFAULTS;
  if (g.routerId !== undefined) o.push(["router_id", g.routerId]);
  if (g.logLevel !== d.logLevel) o.push(["log_level", g.logLevel]);
  if (g.startupDelayMs !== d.startupDelayMs) o.push(["startup_delay", formatSeconds(g.startupDelayMs)]);
  if (g.hotplug !== d.hotplug) o.push(["hotplug", flag(g.hotplug)]);
  if (g.controlSocket !== d.controlSocket) o.push(["control_socket", g.controlSocket]);
  if (g.scriptUser !== undefined) o.push(["script_user", g.scriptGroup === undefined ? g.scriptUser : `${g.scriptUser} ${g.scriptGroup}`]);
  if (g.enableScriptSecurity) o.push(["enable_script_security", "1"]);
  if (g.rtPriority !== d.rtPriority) o.push(["vrrp_rt_priority", String(g.rtPriority)]);
  if (g.rlimitRttimeUs !== d.rlimitRttimeUs) o.push(["vrrp_rlimit_rttime", String(g.rlimitRttimeUs)]);
  if (g.vrrpVersion !== d.vrrpVersion) o.push(["vrrp_version", String(g.vrrpVersion)]);
  if (g.v3ChecksumAsV2) o.push(["v3_checksum_as_v2", "1"]);
  if (g.multicastGroup4 !== d.multicastGroup4) o.push(["vrrp_mcast_group4", g.multicastGroup4]);
  if (g.multicastGroup6 !== d.multicastGroup6) o.push(["vrrp_mcast_group6", g.multicastGroup6]);
  const garp = [
    ["vrrp_garp_master_delay", g.garp.masterDelayMs, d.garp.masterDelayMs, true],
    ["vrrp_garp_master_repeat", g.garp.masterRepeat, d.garp.masterRepeat, false],
    ["vrrp_garp_master_refresh", g.garp.masterRefreshMs, d.garp.masterRefreshMs, true],
    ["vrrp_garp_master_refresh_repeat", g.garp.masterRefreshRepeat, d.garp.masterRefreshRepeat, false],
    // lower_prio_* default to the master values, not to keepalived's constants.
    ["vrrp_garp_lower_prio_delay", g.garp.lowerPrioDelayMs, g.garp.masterDelayMs, true],
    ["vrrp_garp_lower_prio_repeat", g.garp.lowerPrioRepeat, g.garp.masterRepeat, false],
  ] as const;
  for (const [option, value, inherited, ms] of garp) if (value !== inherited) o.push([option, ms ? formatSeconds(value) : String(value)]);
  if (g.lowerPrioNoAdvert) o.push(["vrrp_lower_prio_no_advert", "1"]);
  if (g.higherPrioSendAdvert) o.push(["vrrp_higher_prio_send_advert", "1"]);
  if (g.handover !== d.handover) o.push(["handover", g.handover]);
  return [...o, ...renderMail(g.mail)];
}

function renderMail(m: GlobalsConfig["mail"]): RenderedOptions {
  const o: RenderedOptions = m.recipients.length === 0 ? [] : [["notification_email", [...m.recipients]]];
  if (m.from !== undefined) o.push(["notification_email_from", m.from]);
  if (m.server !== undefined) o.push(["smtp_server", m.server.port === 25 ? m.server.host : `${m.server.host} ${m.server.port}`]);
  if (m.heloName !== undefined) o.push(["smtp_helo_name", m.heloName]);
  if (m.connectTimeoutMs !== DEFAULTS.mail.connectTimeoutMs) o.push(["smtp_connect_timeout", formatSeconds(m.connectTimeoutMs)]);
  if (m.starttls) o.push(["smtp_starttls", "1"]);
  if (m.username !== undefined) o.push(["smtp_username", m.username]);
  if (m.passwordFile !== undefined) o.push(["smtp_password_file", m.passwordFile]);
  if (m.noEmailFaults) o.push(["no_email_faults", "1"]);
  return o;
}

function renderHttpCheck(h: NonNullable<TrackScriptConfig["http"]>): RenderedOptions {
  const o: RenderedOptions = [["type", "http"], ["url", h.url]];
  if (h.statusCode !== 200) o.push(["status_code", String(h.statusCode)]);
  if (h.digest !== undefined) o.push(["digest", h.digest]);
  if (!h.tlsVerify) o.push(["tls_verify", "0"]);
  return o;
}

function renderProcessCheck(p: NonNullable<TrackScriptConfig["process"]>): RenderedOptions {
  const o: RenderedOptions = [["type", "process"], ["process_name", p.name]];
  if (p.paramMatch !== undefined) o.push(["param_match", p.paramMatch]);
  if (p.quorum !== 1 && p.quorumMax !== 0) o.push(["quorum", String(p.quorum)]);
  if (p.quorumMax !== undefined) o.push(["quorum_max", String(p.quorumMax)]);
  return o;
}

function renderFileCheck(f: NonNullable<TrackScriptConfig["file"]>): RenderedOptions {
  const o: RenderedOptions = [["type", "file"], ["file", f.path]];
  if (f.initValue !== undefined) o.push(["init_file", String(f.initValue)]);
  if (f.initOverwrite) o.push(["init_file_overwrite", "1"]);
  return o;
}

function renderPingCheck(p: NonNullable<TrackScriptConfig["ping"]>): RenderedOptions {
  const o: RenderedOptions = [["type", "ping"], ["host", [...p.hosts]]];
  if (p.reliability !== 1) o.push(["reliability", String(p.reliability)]);
  return o;
}

function renderTrackScript(s: Omit<TrackScriptConfig, "location">, g: GlobalsConfig): RenderedOptions {
  const o: RenderedOptions =
    s.http !== undefined
      ? renderHttpCheck(s.http)
      : s.ping !== undefined
        ? renderPingCheck(s.ping)
        : s.tcp !== undefined
          ? [["type", "tcp"], ...renderPingCheck(s.tcp).slice(1), ["port", String(s.tcp.port)]]
          : s.process !== undefined
            ? renderProcessCheck(s.process)
            : s.file !== undefined
              ? renderFileCheck(s.file)
              : [["script", s.script]];
  if (s.intervalMs !== 1000) o.push(["interval", formatSeconds(s.intervalMs)]);
  if (s.timeoutMs !== s.intervalMs) o.push(["timeout", formatSeconds(s.timeoutMs)]);
  if (s.weight !== (s.file === undefined ? 0 : 1)) o.push(["weight", String(s.weight)]); // a track_file's default is 1
  if (s.reverse) o.push(["reverse", "1"]);
  if (s.rise !== 1) o.push(["rise", String(s.rise)]);
  if (s.fall !== 1) o.push(["fall", String(s.fall)]);
  if (s.user !== undefined && (s.user !== g.scriptUser || s.group !== g.scriptGroup)) {
    o.push(["user", s.group === undefined ? s.user : `${s.user} ${s.group}`]);
  }
  if (s.initFail) o.push(["init_fail", "1"]);
  return o;
}

/** UCI section names allow [A-Za-z0-9_] only; keepalived's names (VI-1) may need a new one. */
class Namer {
  private readonly used = new Set<string>();
  readonly renamed = new Map<string, string>();

  constructor(private readonly notes: string[]) {}

  name(original: string, fallback: string): string {
    const cleaned = original.replace(/[^A-Za-z0-9_]/g, "_") || fallback;
    let name = cleaned;
    for (let k = 2; this.used.has(name); k++) name = `${cleaned}_${k}`;
    this.used.add(name);
    if (name !== original) {
      this.renamed.set(original, name);
      this.notes.push(`'${original}' is not a valid UCI section name; written as '${name}'`);
    }
    return name;
  }

  of(original: string): string {
    return this.renamed.get(original) ?? original;
  }
}

export function renderUci(input: RenderInput, file = "/etc/config/vrrp"): RenderResult {
  const notes: string[] = [];
  const globals: GlobalsConfig = { ...DEFAULTS, ...input.globals };
  const namer = new Namer(notes);
  const drafts: { type: string; name: string; options: RenderedOptions }[] = [];
  drafts.push({ type: "globals", name: namer.name("globals", "globals"), options: renderGlobals(globals) });
  const scripts = input.trackScripts ?? {};
  for (const [name, script] of Object.entries(scripts)) {
    drafts.push({ type: "track_script", name: namer.name(name, "track_script"), options: renderTrackScript(script, globals) });
  }
  for (const c of input.core.instances) {
    const options = renderInstance(c, own(input.instances, c.name), globals, scripts, notes);
    drafts.push({ type: "instance", name: namer.name(c.name, "instance"), options });
  }
  for (const group of input.core.syncGroups) {
    const meta = own(input.syncGroups, group.name);
    const options: RenderedOptions = [["group", group.members.map((m) => namer.of(m))]];
    if (meta?.trackingWeight === true) options.push(["sync_group_tracking_weight", "1"]);
    options.push(...notifyOptions(meta?.notify));
    if (meta?.smtpAlert === true) options.push(["smtp_alert", "1"]);
    drafts.push({ type: "sync_group", name: namer.name(group.name, "sync_group"), options });
  }
  // References were written before every section was named: map them now.
  for (const d of drafts.filter((x) => x.type === "instance")) {
    for (const entry of d.options) {
      if (entry[0] === "track_script" && Array.isArray(entry[1])) {
        entry[1] = entry[1].map((t) => { const [n = "", ...rest] = t.split(" "); return [namer.of(n), ...rest].join(" "); });
      }
    }
  }
  return { package: { name: file.slice(file.lastIndexOf("/") + 1), file, sections: layout(drafts, file) }, notes };
}

/** Locations as writeUciPackage lays the text out (a blank line, then `config`, then one line per value). */
function layout(drafts: readonly { type: string; name: string; options: RenderedOptions }[], file: string): UciSection[] {
  let line = 0;
  return drafts.map((d) => {
    line += 2;
    const location = { file, line };
    const options = d.options.map(([name, value]): UciOption => {
      if (typeof value === "string") return { kind: "option", name, value, location: { file, line: ++line } };
      const items = value.map((v) => ({ value: v, location: { file, line: ++line } }));
      return { kind: "list", name, items, location: items[0]?.location ?? { file, line } };
    });
    return { type: d.type, name: d.name, options, location };
  });
}

export function renderUciText(input: RenderInput): { text: string; notes: readonly string[] } {
  const { package: pkg, notes } = renderUci(input);
  return { text: writeUciPackage(pkg), notes };
}
