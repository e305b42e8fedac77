// Parsed UCI to the daemon's configuration, with every problem found in one pass. Errors withhold the
// configuration (the daemon keeps running the previous one on reload); warnings never do.
//
//   read.ts          types of every option, unknown sections/options           (schema-driven, generic)
//   build/*.ts       defaults and per-section rules, to core + meta             (keepalived's semantics)
//   cross-checks.ts  rules across sections
import { buildGlobals } from "./build/globals.ts";
import { buildInstance, type InstanceDraft } from "./build/instance.ts";
import { buildSyncGroups } from "./build/sync-group.ts";
import { buildTrackScript } from "./build/track-script.ts";
import { applyTrackingRules } from "./build/tracking-rules.ts";
import { checkDuplicateVrids, checkSharedAddresses, checkUnusedTrackScripts } from "./cross-checks.ts";
import { Findings, type Finding } from "./finding.ts";
import { checkDevices, type DeviceFacts } from "./live-devices.ts";
import type { DaemonConfig, InstanceMeta, SyncGroupMeta, TrackScriptConfig } from "./model.ts";
import { placeOf, readPackages, type ReadSection } from "./read.ts";
import type { UciDirectoryResult, UciPackage, UciParseResult } from "./uci/types.ts";
import type { InstanceConfig } from "../vrrp/model.ts";
import { trackedInterface } from "../vrrp/tracking.ts";

export interface ValidationResult {
  /** Present only when there is no error. */
  readonly config?: DaemonConfig;
  /** Sorted by file and line. */
  readonly findings: readonly Finding[];
}

const ofType = (sections: readonly ReadSection[], type: ReadSection["type"]) => sections.filter((s) => s.type === type);

function singleGlobals(sections: readonly ReadSection[], findings: Findings): ReadSection | undefined {
  const [first, ...more] = ofType(sections, "globals");
  for (const extra of more) {
    findings.error(placeOf(extra), `a second globals section; only one is allowed (the first is at ${first?.location.file}:${first?.location.line})`);
  }
  return first;
}

/**
 * `globals` is the name of the globals section: LuCI and `uci get vrrp.globals.*` address it so, and rendering
 * writes it so. Another section of that name would collide with it (libuci refuses one name for two types), so
 * it is refused here rather than silently renamed on the way back to UCI.
 */
function reservedNames(sections: readonly ReadSection[], findings: Findings): void {
  for (const s of sections) {
    if (s.type !== "globals" && !s.anonymous && s.name === "globals") {
      findings.error(placeOf(s), `'globals' names the globals section (uci get vrrp.globals.*, LuCI); rename this ${s.type}`);
    }
  }
}

export interface ValidateOptions {
  /** What exists on this machine, for `vrrpd check-config`: missing devices are then warned about. */
  readonly devices?: DeviceFacts;
}

/** Validates the sections of all `packages` as one configuration (one file, or the files of a directory). */
export function validate(packages: readonly UciPackage[], options: ValidateOptions = {}): ValidationResult {
  const findings = new Findings();
  const sections = readPackages(packages, findings);
  const globalsSection = singleGlobals(sections, findings);
  reservedNames(sections, findings);
  const globals = buildGlobals(globalsSection);

  const scriptSections = ofType(sections, "track_script");
  const scripts = new Map<string, TrackScriptConfig>();
  for (const s of scriptSections) {
    const script = buildTrackScript(s, globals, findings);
    if (script !== undefined) scripts.set(s.name, script);
  }

  const instanceSections = new Map(ofType(sections, "instance").map((s) => [s.name, s]));
  const inputs = { globalsSection, globals, scripts, scriptSections: new Set(scriptSections.map((s) => s.name)) };
  const drafts: InstanceDraft[] = [];
  for (const s of instanceSections.values()) {
    if (!s.enabled) continue;
    const draft = buildInstance(s, inputs, findings);
    if (draft !== undefined) drafts.push(draft);
  }

  const groups = buildSyncGroups(ofType(sections, "sync_group"), instanceSections, findings);
  const groupOf = new Map<string, SyncGroupMeta>(groups.flatMap((g) => g.members.map((m) => [m, g] as const)));
  const instances: InstanceConfig[] = drafts.map((d) => ({ ...d.config, tracks: applyTrackingRules(d, groupOf.get(d.config.name), findings) }));

  checkDuplicateVrids(drafts, findings);
  checkSharedAddresses(drafts, findings);
  checkUnusedTrackScripts(scriptSections, instances.map((i) => i.tracks), findings);
  if (options.devices !== undefined) checkDevices(drafts.map((draft, i) => ({ draft, tracks: instances[i]?.tracks ?? [] })), options.devices, findings);

  if (findings.hasErrors) return { findings: findings.sorted() };
  const built = new Set(drafts.map((d) => d.config.name));
  const metas = drafts.map((d, i): [string, InstanceMeta] => {
    const trackedInterfaces = (instances[i]?.tracks ?? []).flatMap((t) => {
      const name = trackedInterface(t.id);
      return name === undefined ? [] : [{ name, weight: t.weight, reverse: t.reverse }];
    });
    return [d.config.name, { ...d.meta, trackedInterfaces }];
  });
  const config: DaemonConfig = {
    globals,
    core: {
      instances,
      syncGroups: groups.map((g) => ({ name: g.name, members: g.members.filter((m) => built.has(m)) })),
    },
    instances: Object.fromEntries(metas),
    syncGroups: Object.fromEntries(groups.map((g) => [g.name, g])),
    trackScripts: Object.fromEntries(scripts),
  };
  return { config, findings: findings.sorted() };
}

export interface ValidateParsedOptions extends ValidateOptions {
  /** For a directory result: the package to use (default `vrrp`, i.e. /etc/config/vrrp). */
  readonly package?: string;
}

/**
 * From the UCI parser's output: parse errors become error findings (section ""), then `validate`. A single-file
 * result is used whatever the file is called; a directory result contributes only the `vrrp` package.
 */
export function validateParsed(parsed: UciParseResult | UciDirectoryResult, options: ValidateParsedOptions = {}): ValidationResult {
  const parseFindings: Finding[] = parsed.errors.map((e) => ({ severity: "error", file: e.file, line: e.line, section: "", message: e.message }));
  let packages: readonly UciPackage[];
  if ("packages" in parsed) {
    const name = options.package ?? "vrrp";
    packages = parsed.packages.filter((p) => p.name === name);
    if (packages.length === 0) parseFindings.push({ severity: "error", file: name, line: 0, section: "", message: `no '${name}' configuration file in the directory` });
  } else {
    packages = [parsed.package];
  }
  const result = validate(packages, options);
  if (parseFindings.length === 0) return result;
  const findings = [...parseFindings, ...result.findings].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line));
  return { findings };
}
