// The VRRP advertisement as it is on the wire (RFC 3768 §5.1, RFC 5798/9568 §5.2).
// Field names follow the RFCs; units are in the names because v2 counts seconds and v3 centiseconds.
import type { Result } from "../lib/result.ts";

export type IpFamily = 4 | 6;

/** RFC 3768 §5.3.6 Auth Type. 0 = none, 1 = simple text password (RFC 2338, keepalived `auth_type PASS`). */
export type AuthType = 0 | 1;

interface AdvertisementCommon {
  readonly vrid: number; // 1..255
  readonly priority: number; // 0..255
  /** Virtual addresses in canonical text form (see src/lib/ip.ts); their family is the carrying IP header's. */
  readonly addresses: readonly string[];
}

export interface AdvertisementV2 extends AdvertisementCommon {
  readonly version: 2;
  readonly authType: AuthType;
  /** Up to 8 bytes; trailing NULs of the 8-byte field are stripped on decode. Empty for auth type 0. */
  readonly authPassword: string;
  readonly adverIntSec: number; // 1..255
}

export interface AdvertisementV3 extends AdvertisementCommon {
  readonly version: 3;
  readonly maxAdverIntCs: number; // 1..4095 centiseconds
}

export type Advertisement = AdvertisementV2 | AdvertisementV3;

/** How a VRRPv3 IPv4 checksum is computed: keepalived/FRR default, or RFC 9568 §5.2.8 (Cisco, Juniper). */
export type V3Ipv4ChecksumForm = "pseudo-header" | "message-only";

/** What the IP layer tells the codec: the checksum of v3 covers a pseudo-header built from these. */
export interface IpContext {
  readonly family: IpFamily;
  readonly src: string;
  readonly dst: string;
}

export interface EncodeOptions extends IpContext {
  /** Only used for VRRPv3 over IPv4. Default "pseudo-header". */
  readonly v3Ipv4Checksum?: V3Ipv4ChecksumForm;
}

export interface DecodeOptions extends IpContext {
  /** When set (VRRPv2 only), the advert must carry this auth type and password (RFC 3768 §5.3.6, §7.1 f). */
  readonly expectedAuth?: { readonly authType: AuthType; readonly authPassword: string };
  /**
   * Accept a VRRPv3/IPv6 advert whose first address is not link-local. RFC 9568 erratum 8300 refuses it, but
   * keepalived sends exactly that when only global VIPs are configured, so a router that must interoperate
   * passes true and counts the advert as an address-list error instead of dropping it.
   */
  readonly tolerateGlobalFirstIpv6?: boolean;
}

/** Every reason decode() can refuse a packet. Each maps to one of keepalived's counters (see counters.ts). */
export type DecodeErrorCode =
  | "truncated" // shorter than the fixed header, or than Count says
  | "bad-length" // longer than the addresses (+ auth data) allow, beyond Ethernet padding
  | "bad-version"
  | "bad-type"
  | "bad-checksum"
  | "zero-count" // VRRPv3 Count IPvX Addr = 0 (RFC 9568 erratum 8299)
  | "zero-interval" // Adver Int / Max Adver Int = 0 (RFC 9568 erratum 8301)
  | "ipv6-first-not-link-local" // RFC 9568 erratum 8300
  | "v2-over-ipv6" // VRRPv2 is IPv4 only
  | "unknown-auth-type" // VRRPv2 Auth Type other than 0 (none) and 1 (simple password)
  | "auth-type-mismatch"
  | "auth-failure";

export interface DecodeError {
  readonly code: DecodeErrorCode;
  readonly message: string;
}

export interface Decoded {
  readonly advert: Advertisement;
  /** For v3/IPv4: the checksum form that matched, so a router can report which form its peer uses. */
  readonly checksumForm?: V3Ipv4ChecksumForm;
}

export type DecodeResult = Result<Decoded, DecodeError>;
