// Who an instance talks to and how it proves itself: unicast peers, the source address, VRRPv2 PASS auth.
import { ipFamily, isIpv6LinkLocal, type IpFamily } from "../../lib/ip.ts";
import type { AuthType } from "../../vrrp/advertisement.ts";
import type { VrrpVersion } from "../../vrrp/model.ts";
import { firstItem, isSet, stringOf, stringsOf } from "../access.ts";
import type { Findings } from "../finding.ts";
import { placeOf, type ReadSection } from "../read.ts";

export interface Peers {
  readonly unicastPeers: readonly string[];
  readonly sourceAddress?: string;
}

export function buildPeers(s: ReadSection, family: IpFamily, findings: Findings): Peers {
  const peers: string[] = [];
  for (const { item, value } of stringsOf(s, "unicast_peer")) {
    const place = placeOf(s, "unicast_peer", item.location);
    if (ipFamily(value) !== family) findings.error(place, `${value} is not IPv${family}, the family of this instance's addresses`);
    else if (peers.includes(value)) findings.warning(place, `${value} is listed twice; the repeat is ignored`);
    else peers.push(value);
  }
  let sourceAddress: string | undefined;
  for (const option of ["unicast_src_ip", "mcast_src_ip"] as const) {
    const value = stringOf(s, option);
    if (value === undefined) continue;
    if (ipFamily(value) !== family) {
      findings.error(placeOf(s, option), `${value} is not IPv${family}, the family of this instance's addresses`);
      continue;
    }
    if (sourceAddress !== undefined) {
      // keepalived stores both in one field (the later line wins); say which one we use instead.
      if (value !== sourceAddress) findings.warning(placeOf(s, option), `ignored: unicast_src_ip ${sourceAddress} is the source address`);
      continue;
    }
    if (family === 6 && peers.length === 0 && !isIpv6LinkLocal(value)) {
      findings.warning(placeOf(s, option), `${value} is not link-local: IPv6 adverts must come from a link-local address (RFC 5798 §5.1.2.1), peers will drop them`);
    }
    sourceAddress = value;
  }
  if (peers.length === 0 && firstItem(s, "unicast_src_ip") !== undefined && firstItem(s, "mcast_src_ip") === undefined) {
    findings.warning(placeOf(s, "unicast_src_ip"), "no unicast_peer: adverts are multicast, with this as their source address");
  }
  return sourceAddress === undefined ? { unicastPeers: peers } : { unicastPeers: peers, sourceAddress };
}

export interface Auth {
  readonly authType: AuthType;
  readonly authPassword: string;
}

export function buildAuth(s: ReadSection, version: VrrpVersion, findings: Findings): Auth {
  const type = stringOf(s, "auth_type");
  const pass = stringOf(s, "auth_pass");
  if (version === 3) {
    for (const option of ["auth_type", "auth_pass"]) {
      if (isSet(s, option)) findings.error(placeOf(s, option), "VRRPv3 has no authentication (RFC 5798 §9 removed it); remove it, or use version 2 on every router");
    }
    return { authType: 0, authPassword: "" };
  }
  if (type !== undefined && pass === undefined && !isSet(s, "auth_pass")) {
    findings.error(placeOf(s, "auth_type"), "auth_type PASS needs auth_pass (at most 8 bytes)");
  }
  return pass === undefined ? { authType: 0, authPassword: "" } : { authType: 1, authPassword: pass };
}
