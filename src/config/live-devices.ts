// What `vrrpd check-config` adds on the machine itself: every device an enabled instance names must exist, or the
// instance waits for it. An instance whose own device is missing stays in Fault (no link); a tracked interface
// that was never reported counts as down, so its weight rule applies until the device appears. Names that are
// OpenWrt networks are netifd's to resolve (their device may come and go, e.g. pppoe-wan), so they are left alone.
// Pure: the caller says what exists (src/daemon/device-facts.ts reads /sys/class/net and /etc/config/network).
import type { TrackRef } from "../vrrp/model.ts";
import type { InstanceDraft } from "./build/instance.ts";
import type { Findings } from "./finding.ts";
import { placeOf } from "./read.ts";

export interface DeviceFacts {
  /** A network device of this name exists now (/sys/class/net/NAME). */
  deviceExists(name: string): boolean;
  /** OpenWrt's logical networks (`config interface` sections) and the file they come from; absent on plain Linux. */
  readonly networks?: { readonly names: ReadonlySet<string>; readonly file: string };
}

function missing(name: string, facts: DeviceFacts, asNetworkToo: boolean): string | undefined {
  if (asNetworkToo && facts.networks?.names.has(name) === true) return undefined;
  if (facts.deviceExists(name)) return undefined;
  return asNetworkToo && facts.networks !== undefined
    ? `no network or device '${name}' on this machine (${facts.networks.file}, /sys/class/net/${name})`
    : `no device '${name}' on this machine (/sys/class/net/${name})`;
}

/** keepalived's weight rules (model.ts TrackRef) for an interface that counts as down. */
function whileDown(instance: string, t: TrackRef): string {
  if (!t.reverse) {
    if (t.weight === 0) return `'${instance}' stays in Fault (weight 0)`;
    return t.weight > 0 ? `'${instance}' does not get its +${t.weight}` : `'${instance}' runs ${-t.weight} below its priority`;
  }
  if (t.weight === 0) return `with reverse, it does not fault '${instance}'`;
  return t.weight > 0 ? `with reverse, '${instance}' gets +${t.weight}` : "with reverse, its weight does not apply";
}

/**
 * Warns about each missing device of the given instances. `tracks` are the instance's tracks after the rules
 * across sections (tracking-rules.ts), so weights read as they will run; a track those rules dropped is skipped.
 */
export function checkDevices(instances: readonly { draft: InstanceDraft; tracks: readonly TrackRef[] }[], facts: DeviceFacts, findings: Findings): void {
  for (const { draft, tracks } of instances) {
    const { section, meta } = draft;
    // `device` wins over `interface` (resolve.ts); only `interface` may be a network.
    const own = meta.device !== undefined ? { option: "device", name: meta.device, network: false } : { option: "interface", name: meta.logicalInterface, network: true };
    const ownProblem = own.name === undefined ? undefined : missing(own.name, facts, own.network);
    if (ownProblem !== undefined) findings.warning(placeOf(section, own.option), `${ownProblem}: '${section.name}' stays in Fault until it exists`);
    for (const t of draft.tracks) {
      if (t.option !== "track_interface") continue;
      const ref = tracks.find((r) => r.id === t.ref.id);
      const name = t.ref.id.slice(t.ref.id.indexOf(":") + 1);
      const problem = ref === undefined ? undefined : missing(name, facts, true);
      if (ref === undefined || problem === undefined) continue;
      findings.warning(placeOf(section, "track_interface", t.location), `${problem}: it counts as down until it exists, so ${whileDown(section.name, ref)}`);
    }
  }
}
