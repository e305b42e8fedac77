// The virtual router MAC address (RFC 5798/9568 §7.3, RFC 3768 §7.3): IANA OUI 00-00-5E, then 00-01 for IPv4 or
// 00-02 for IPv6, then the VRID. Adverts, gratuitous ARP and unsolicited NA carry it so that hosts and learning
// bridges follow the virtual router from one physical router to the other.
import type { IpFamily } from "./advertisement.ts";

export const MAC_LENGTH_BYTES = 6;

/** 00-00-5E-00-01-{VRID} for IPv4, 00-00-5E-00-02-{VRID} for IPv6. Throws RangeError for a VRID outside 1..255. */
export function virtualMac(vrid: number, family: IpFamily): Uint8Array {
  if (!Number.isInteger(vrid) || vrid < 1 || vrid > 255) {
    throw new RangeError(`virtualMac: VRID ${vrid} is not in 1..255`);
  }
  return Uint8Array.of(0x00, 0x00, 0x5e, 0x00, family === 4 ? 0x01 : 0x02, vrid);
}

/** Lowercase colon form as `ip link` prints it ("00:00:5e:00:01:33"); `separator` "-" gives the RFC's notation. */
export function formatMac(mac: Uint8Array, separator: ":" | "-" = ":"): string {
  return Array.from(mac, (byte) => byte.toString(16).padStart(2, "0")).join(separator);
}

/** "00:00:5e:00:01:33" or "00-00-5E-00-01-33" to 6 bytes; undefined for anything else. */
export function parseMac(text: string): Uint8Array | undefined {
  const parts = text.split(/[:-]/);
  if (parts.length !== MAC_LENGTH_BYTES || !parts.every((p) => /^[0-9a-fA-F]{2}$/.test(p))) return undefined;
  return Uint8Array.from(parts, (p) => parseInt(p, 16));
}
