// Per-instance statistics, named as keepalived names them so dashboards and habits carry over. keepalived's
// vrid_err is not among them: a packet for a VRID matches no instance (the engine demultiplexes by VRID), so it is
// counted per interface and family instead (EngineStatus.unknownVrid, like RFC 6527's router-wide VrIdErrors).
import type { DecodeErrorCode } from "./advertisement.ts";

export const COUNTER_NAMES = [
  "advert_rcvd",
  "advert_sent",
  "become_master",
  "release_master",
  "packet_len_err",
  "ip_ttl_err",
  "invalid_type_rcvd",
  "addr_list_err",
  "invalid_authtype",
  "authtype_mismatch",
  "auth_failure",
  "pri_zero_rcvd",
  "pri_zero_sent",
  "chk_err",
  "vers_err",
  "advert_interval_err",
  "unicast_src_err",
] as const;

export type CounterName = (typeof COUNTER_NAMES)[number];
export type Counters = Record<CounterName, number>;

export function zeroCounters(): Counters {
  return Object.fromEntries(COUNTER_NAMES.map((name) => [name, 0])) as Counters;
}

/** Which counter a refused packet increments. */
export const DECODE_ERROR_COUNTER: Readonly<Record<DecodeErrorCode, CounterName>> = {
  truncated: "packet_len_err",
  "bad-length": "packet_len_err",
  "bad-version": "vers_err",
  "v2-over-ipv6": "vers_err",
  "bad-type": "invalid_type_rcvd",
  "bad-checksum": "chk_err",
  "zero-count": "addr_list_err",
  "ipv6-first-not-link-local": "addr_list_err",
  "zero-interval": "advert_interval_err",
  "unknown-auth-type": "invalid_authtype",
  "auth-type-mismatch": "authtype_mismatch",
  "auth-failure": "auth_failure",
};
