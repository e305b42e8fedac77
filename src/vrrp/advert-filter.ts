// The receive checks of one instance (RFC 5798 §7.1, RFC 3768 §7.1): unicast peer, TTL/hop limit, decode (length,
// checksum, auth), version, VRID and v2 interval, plus the address-list comparison that keepalived counts but does
// not enforce. A master repeats one advert byte for byte every interval, so the last accepted advert is remembered
// with its verdict: a repeat from the same sender to the same destination skips decoding, which is most of the
// per-packet cost of a backup on a router's interpreter-only node. The remembered verdict depends only on the
// bytes, the IP context and the configuration, and reconfigure() forgets it.
import type { Advertisement } from "./advertisement.ts";
import { advertisedAddresses } from "./advert-builder.ts";
import { decode } from "./codec.ts";
import { DECODE_ERROR_COUNTER, type CounterName } from "./counters.ts";
import type { ReceivedPacket } from "./io.ts";
import { isIpv6LinkLocal } from "../lib/ip.ts";
import type { InstanceConfig } from "./model.ts";

export interface AcceptedAdvert {
  readonly advert: Advertisement;
  /** Why the address list differs from ours (counted as addr_list_err, advert still used); undefined if it matches. */
  readonly addressListProblem: string | undefined;
}

export interface RefusedAdvert {
  readonly counter: CounterName;
  readonly message: string;
}

interface Remembered extends AcceptedAdvert {
  readonly bytes: Uint8Array;
  readonly src: string;
  readonly dst: string;
}

export class AdvertFilter {
  /** The addresses our adverts carry, computed once per configuration. */
  private advertised: readonly string[];
  private last: Remembered | undefined;

  constructor(private config: InstanceConfig) {
    this.advertised = advertisedAddresses(config);
  }

  reconfigure(config: InstanceConfig): void {
    this.config = config;
    this.advertised = advertisedAddresses(config);
    this.last = undefined;
  }

  /** The advert to act on, or the counter and message of the refusal. Never throws on peer input. */
  check(packet: ReceivedPacket): AcceptedAdvert | RefusedAdvert {
    const unicast = this.config.unicastPeers.length > 0;
    if (unicast && !this.config.unicastPeers.includes(packet.src)) {
      return { counter: "unicast_src_err", message: `advert from ${packet.src}, which is not a unicast peer` };
    }
    // RFC 5798 §7.1: TTL/hop limit 255 is VRRP's only defence against off-link senders (skipped for unicast,
    // as keepalived does, since routed unicast adverts arrive with a lower TTL).
    if (!unicast && packet.ttl !== 255) {
      return { counter: "ip_ttl_err", message: `advert from ${packet.src} with TTL ${packet.ttl}, expected 255` };
    }
    const last = this.last;
    if (last !== undefined && last.src === packet.src && last.dst === packet.dst && sameBytes(last.bytes, packet.bytes)) {
      return last;
    }
    const verdict = this.decodeAndCheck(packet);
    if ("counter" in verdict) return verdict;
    this.last = { ...verdict, bytes: packet.bytes.slice(), src: packet.src, dst: packet.dst }; // the caller reuses its buffer
    return this.last;
  }

  /**
   * An advert of the other version for this VRID, priority above 0, that passes the checks that do not depend on
   * the version (TTL or unicast peer, length, checksum): what ends the handover of an instance that a reload
   * re-created with another version (see router.ts supersededWhileLeaving). Not memoised: leaving routers are rare.
   */
  supersedesFromOtherVersion(packet: ReceivedPacket): boolean {
    const config = this.config;
    const unicast = config.unicastPeers.length > 0;
    if (unicast ? !config.unicastPeers.includes(packet.src) : packet.ttl !== 255) return false;
    const decoded = decode(packet.bytes, { family: packet.family, src: packet.src, dst: packet.dst, tolerateGlobalFirstIpv6: true });
    return decoded.ok && decoded.value.advert.version !== config.version && decoded.value.advert.vrid === config.vrid && decoded.value.advert.priority !== 0;
  }

  private decodeAndCheck(packet: ReceivedPacket): AcceptedAdvert | RefusedAdvert {
    const config = this.config;
    const result = decode(packet.bytes, {
      family: packet.family,
      src: packet.src,
      dst: packet.dst,
      tolerateGlobalFirstIpv6: true,
      ...(config.version === 2 ? { expectedAuth: { authType: config.authType, authPassword: config.authPassword } } : {}),
    });
    if (!result.ok) return { counter: DECODE_ERROR_COUNTER[result.error.code], message: `from ${packet.src}: ${result.error.message}` };
    const advert = result.value.advert;
    if (advert.version !== config.version) {
      return { counter: "vers_err", message: `VRRPv${advert.version} advert from ${packet.src}, configured v${config.version}` };
    }
    // No VRID check: the engine hands an instance only the packets whose VRID byte is its own.
    // RFC 3768 §7.1 (g): a VRRPv2 advert with another interval MUST be discarded.
    if (advert.version === 2 && advert.adverIntSec * 1000 !== config.advertIntervalMs) {
      const message = `advert interval ${advert.adverIntSec}s from ${packet.src}, configured ${config.advertIntervalMs / 1000}s`;
      return { counter: "advert_interval_err", message };
    }
    return { advert, addressListProblem: this.addressListProblem(advert) };
  }

  /** RFC 5798 §7.1 makes the check a MAY: keepalived counts and logs a mismatch but keeps the advert. */
  private addressListProblem(advert: Advertisement): string | undefined {
    const ours = this.advertised;
    const same = ours.length === advert.addresses.length && ours.every((a) => advert.addresses.includes(a));
    const first = advert.addresses[0];
    const linkLocalFirst = advert.version === 2 || this.config.family === 4 || (first !== undefined && isIpv6LinkLocal(first));
    if (same && linkLocalFirst) return undefined;
    const why = same
      ? "its first address is not link-local (RFC 9568 erratum 8300); keepalived and others send this when no link-local VIP is configured"
      : `configured [${ours.join(", ")}]`;
    return `lists [${advert.addresses.join(", ")}]: ${why}`;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
