// Rules across instances: what keepalived refuses at startup (the same VRID twice on one device and family) and
// what usually means a copy-and-paste slip (one address in two instances, a track_script nobody uses).
import type { InstanceDraft } from "./build/instance.ts";
import type { Findings } from "./finding.ts";
import { placeOf, type ReadSection } from "./read.ts";
import type { TrackRef } from "../vrrp/model.ts";

export function checkDuplicateVrids(drafts: readonly InstanceDraft[], findings: Findings): void {
  const seen = new Map<string, InstanceDraft>();
  for (const d of drafts) {
    const { interface: iface, family, vrid } = d.config;
    const key = `${iface}/${family}/${vrid}`;
    const first = seen.get(key);
    if (first === undefined) {
      seen.set(key, d);
      continue;
    }
    const at = first.section.location;
    findings.error(placeOf(d.section, "virtual_router_id"), `VRID ${vrid} is already used for IPv${family} on ${iface} by instance '${first.config.name}' (${at.file}:${at.line}); each needs its own VRID (their virtual MACs would collide)`);
  }
}

export function checkSharedAddresses(drafts: readonly InstanceDraft[], findings: Findings): void {
  const owner = new Map<string, string>();
  for (const d of drafts) {
    for (const vip of d.config.virtualAddresses) {
      const first = owner.get(vip.address);
      if (first === undefined) owner.set(vip.address, d.config.name);
      else {
        const option = vip.excluded === true ? "virtual_ipaddress_excluded" : "virtual_ipaddress";
        findings.warning(placeOf(d.section, option), `${vip.address} is also a virtual address of instance '${first}': the two will fight over it`);
      }
    }
  }
}

export function checkUnusedTrackScripts(scriptSections: readonly ReadSection[], usedTracks: readonly (readonly TrackRef[])[], findings: Findings): void {
  const used = new Set(usedTracks.flat().map((t) => t.id));
  for (const s of scriptSections) {
    if (!used.has(`script:${s.name}`)) findings.warning(placeOf(s), `track_script '${s.name}' is not used by any enabled instance; it will not run`);
  }
}
