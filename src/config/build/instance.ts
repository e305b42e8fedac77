// `config instance` to the core's InstanceConfig plus the daemon's InstanceMeta, with keepalived's defaults and
// every rule that concerns one instance alone. Rules across instances (duplicate VRIDs, sync groups) are in
// cross-checks.ts.
import { instanceDefaults, PRIORITY_OWNER, type Handover, type InstanceConfig, type VrrpVersion } from "../../vrrp/model.ts";
import { effectiveBool, effectiveString, firstItem, isSet, numberOf, stringOf } from "../access.ts";
import type { Findings } from "../finding.ts";
import type { GlobalsConfig, InstanceMeta, TrackScriptConfig } from "../model.ts";
import { placeOf, type ReadSection } from "../read.ts";
import { requireOptionSpec } from "../schema.ts";
import { checkDurationRange, formatSeconds } from "../values/scalar.ts";
import { garpOf } from "./globals.ts";
import { buildAddresses, buildRoutes, checkAddressesForVersion } from "./instance-addresses.ts";
import { buildAuth, buildPeers } from "./instance-peers.ts";
import { buildTracks, type TrackDraft } from "./instance-tracks.ts";
import { notifyOf } from "./notify.ts";

export interface InstanceInputs {
  readonly globalsSection: ReadSection | undefined;
  readonly globals: GlobalsConfig;
  readonly scripts: ReadonlyMap<string, TrackScriptConfig>;
  readonly scriptSections: ReadonlySet<string>;
}

/** An instance before the rules that need every instance (tracks may still be dropped or zeroed). */
export interface InstanceDraft {
  readonly section: ReadSection;
  readonly config: InstanceConfig;
  readonly tracks: readonly TrackDraft[];
  readonly meta: Omit<InstanceMeta, "trackedInterfaces">;
}

/** Below this, a busy router CPU (or a JavaScript event loop) misses adverts and the backup takes over. */
export const SLOW_CPU_ADVERT_MS = 50;

function buildVersion(s: ReadSection, family: 4 | 6, globals: GlobalsConfig, findings: Findings): VrrpVersion {
  const explicit = numberOf(s, "version");
  if (explicit === 2 && family === 6) {
    findings.error(placeOf(s, "version"), "version 2 cannot carry IPv6 addresses (VRRPv2 is IPv4 only, RFC 3768); use version 3");
    return 3;
  }
  if (explicit === 2 || explicit === 3) return explicit;
  return family === 6 ? 3 : globals.vrrpVersion;
}

function buildAdvertInterval(s: ReadSection, version: VrrpVersion, findings: Findings): number {
  const ms = numberOf(s, "advert_int") ?? 1000;
  const spec = requireOptionSpec("instance", "advert_int").type;
  const item = firstItem(s, "advert_int");
  if (item !== undefined && spec.kind === "duration" && spec.byVersion !== undefined) {
    const checked = checkDurationRange(item.text, ms, spec.byVersion[version]);
    if (!checked.ok) {
      const hint = version === 2 ? "VRRPv2 advertises whole seconds" : "VRRPv3 advertises centiseconds up to 40.95 s";
      findings.error(placeOf(s, "advert_int"), `${checked.error} with version ${version} (${hint})`);
    }
  }
  if (ms < SLOW_CPU_ADVERT_MS) {
    findings.warning(placeOf(s, "advert_int"), `${formatSeconds(ms)} s is below 0.05 s: slow router CPUs miss adverts at this rate and the backup takes over spuriously`);
  }
  return ms;
}

/** keepalived: no priority with state MASTER means 255; no state means MASTER only for priority 255. */
function buildPriorityAndState(s: ReadSection, findings: Findings): Pick<InstanceConfig, "priority" | "initialState" | "preempt"> {
  const state = stringOf(s, "state");
  let priority = numberOf(s, "priority");
  if (priority === undefined && !isSet(s, "priority") && state === "MASTER") {
    findings.warning(placeOf(s, "state"), "no priority: state MASTER makes it 255, the address owner, as keepalived does; set a priority such as 150 unless this router really owns the addresses");
    priority = PRIORITY_OWNER;
  }
  priority ??= 100;
  const owner = priority === PRIORITY_OWNER;
  const nopreempt = effectiveBool(s, "instance", "nopreempt", undefined);
  if (nopreempt && state === "MASTER") {
    findings.error(placeOf(s, "nopreempt"), "nopreempt needs state BACKUP: an instance starting as MASTER takes over anyway (keepalived silently drops nopreempt here); hint: set state 'BACKUP' on every router and give the preferred one the higher priority");
  } else if (nopreempt && owner) {
    findings.warning(placeOf(s, "nopreempt"), "ignored: the address owner (priority 255) always preempts (RFC 5798 §6.4.2)");
  }
  if (owner && state === "BACKUP") {
    findings.warning(placeOf(s, "state"), "the address owner (priority 255) becomes master at once at startup whatever state says (RFC 5798 §6.4.1); keepalived would wait as BACKUP");
  }
  if (nopreempt && (numberOf(s, "preempt_delay") ?? 0) > 0) {
    findings.warning(placeOf(s, "preempt_delay"), "has no effect with nopreempt");
  }
  const initialState = state === undefined ? (owner ? "master" : "backup") : state === "MASTER" ? "master" : "backup";
  return { priority, initialState, preempt: !nopreempt };
}

export function buildInstance(s: ReadSection, inputs: InstanceInputs, findings: Findings): InstanceDraft | undefined {
  const { globals, globalsSection } = inputs;
  const vrid = numberOf(s, "virtual_router_id");
  const device = stringOf(s, "device");
  const logical = stringOf(s, "interface");
  const iface = device ?? logical;
  if (iface === undefined && !isSet(s, "interface") && !isSet(s, "device")) {
    findings.error(placeOf(s, "interface"), "required: set 'interface' (a network such as lan, or a device) or 'device'");
  }
  const addresses = buildAddresses(s, findings);
  const family = addresses.family;
  const version = buildVersion(s, family, globals, findings);
  checkAddressesForVersion(s, addresses, version, findings);
  const advertIntervalMs = buildAdvertInterval(s, version, findings);
  const election = buildPriorityAndState(s, findings);
  const peers = buildPeers(s, family, findings);
  const auth = buildAuth(s, version, findings);
  const checksumAsV2 = effectiveBool(s, "instance", "v3_checksum_as_v2", globalsSection);
  if (isSet(s, "v3_checksum_as_v2") && (version === 2 || family === 6)) {
    findings.warning(placeOf(s, "v3_checksum_as_v2"), "has no effect: only VRRPv3 over IPv4 has two checksum forms");
  }
  const tracks = buildTracks(s, inputs.scripts, inputs.scriptSections, findings);
  if (vrid === undefined || iface === undefined) return undefined;
  const bool = (name: string): boolean => effectiveBool(s, "instance", name, globalsSection);
  const config = instanceDefaults({
    name: s.name,
    interface: iface,
    vrid,
    family,
    version,
    ...election,
    advertIntervalMs,
    preemptDelayMs: numberOf(s, "preempt_delay") ?? 0,
    acceptMode: bool("accept"),
    ...auth,
    virtualAddresses: addresses.vips,
    virtualRoutes: buildRoutes(s, family),
    multicastGroup: family === 4 ? globals.multicastGroup4 : globals.multicastGroup6,
    ...peers,
    v3Ipv4Checksum: checksumAsV2 ? "message-only" : "pseudo-header",
    garp: garpOf(s, "instance", globalsSection),
    tracks: tracks.map((t) => t.ref),
    lowerPrioNoAdvert: bool("lower_prio_no_advert"),
    higherPrioSendAdvert: bool("higher_prio_send_advert"),
    // The schema's enum admits only Handover values (parseEnum returns them as the schema spells them).
    handover: effectiveString(s, "instance", "handover", globalsSection) as Handover,
  });
  const meta = {
    name: s.name,
    ...(logical === undefined ? {} : { logicalInterface: logical }),
    ...(device === undefined ? {} : { device }),
    notify: notifyOf(s),
    smtpAlert: effectiveBool(s, "instance", "smtp_alert", undefined),
    location: s.location,
  };
  return { section: s, config, tracks, meta };
}
