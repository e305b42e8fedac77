// An instance's virtual addresses and routes, and the address family they give the instance: the first
// advertised VIP decides (keepalived's rule); with none, the configured source or peers; else IPv4.
import { ipFamily, isIpv6LinkLocal, type IpFamily } from "../../lib/ip.ts";
import type { VirtualAddress, VirtualRoute, VrrpVersion } from "../../vrrp/model.ts";
import { firstItem, routesOf, stringsOf, vipsOf } from "../access.ts";
import type { Findings } from "../finding.ts";
import { placeOf, type ReadSection } from "../read.ts";
import { routeWithFamily } from "../values/route.ts";

export interface Addresses {
  readonly family: IpFamily;
  /** Advertised first, then excluded (flagged `excluded`). */
  readonly vips: readonly VirtualAddress[];
  readonly advertised: number;
}

function familyOf(s: ReadSection): IpFamily {
  const first = vipsOf(s, "virtual_ipaddress")[0];
  if (first !== undefined) return first.value.family;
  for (const name of ["unicast_src_ip", "mcast_src_ip"]) {
    const v = firstItem(s, name)?.value;
    if (typeof v === "string") return ipFamily(v) ?? 4;
  }
  const peer = stringsOf(s, "unicast_peer")[0];
  return peer === undefined ? 4 : (ipFamily(peer.value) ?? 4);
}

export function buildAddresses(s: ReadSection, findings: Findings): Addresses {
  const family = familyOf(s);
  const vips: VirtualAddress[] = [];
  const seen = new Map<string, string>();
  for (const option of ["virtual_ipaddress", "virtual_ipaddress_excluded"] as const) {
    for (const { item, value } of vipsOf(s, option)) {
      const place = placeOf(s, option, item.location);
      const previous = seen.get(value.vip.address);
      if (previous !== undefined) {
        findings.warning(place, `${value.vip.address} is already listed in ${previous}; the repeat is ignored`);
        continue;
      }
      seen.set(value.vip.address, option);
      if (option === "virtual_ipaddress" && value.family !== family) {
        // One advert carries one family (RFC 5798 §5.2.9); excluded addresses are not advertised, so may mix.
        findings.error(place, `${value.vip.address} is IPv${value.family} but this instance is IPv${family}: all advertised addresses must be one family (put it in virtual_ipaddress_excluded or in another instance)`);
        continue;
      }
      vips.push(option === "virtual_ipaddress" ? value.vip : { ...value.vip, excluded: true });
    }
  }
  return { family, vips, advertised: vips.filter((v) => v.excluded !== true).length };
}

/** Rules that need the version: how many VIPs a version needs, and which IPv6 address comes first. */
export function checkAddressesForVersion(s: ReadSection, a: Addresses, version: VrrpVersion, findings: Findings): void {
  if (a.advertised === 0) {
    const place = placeOf(s, "virtual_ipaddress");
    if (version === 3) findings.error(place, "no virtual_ipaddress: VRRPv3 needs at least one (RFC 9568 refuses adverts with Count 0)");
    else findings.warning(place, "no virtual_ipaddress: the instance elects a master but moves no address");
  }
  const first = a.vips[0];
  if (a.family === 6 && first !== undefined && first.excluded !== true && !isIpv6LinkLocal(first.address)) {
    findings.warning(
      placeOf(s, "virtual_ipaddress", firstItem(s, "virtual_ipaddress")?.location),
      `the first virtual_ipaddress ${first.address} is not link-local: strict RFC 9568 peers refuse these adverts (keepalived 2.2 and FRR 8.4 accept them); list a link-local address such as fe80::1/64 first`,
    );
  }
}

export function buildRoutes(s: ReadSection, family: IpFamily): VirtualRoute[] {
  return routesOf(s, "virtual_routes").map(({ value }) => routeWithFamily(value, family));
}
