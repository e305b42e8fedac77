// What the checker reads off an advert on the wire: the header fields the rules depend on. Read straight from the
// bytes (RFC 3768 §5.1, RFC 5798 §5.2), not through the core's codec, so the oracle shares no code with the engine.
import type { IpFamily } from "../../src/vrrp/advertisement.ts";

export interface AdvertFacts {
  readonly version: number;
  readonly vrid: number;
  readonly priority: number;
  /** v2: Adver Int (seconds) × 1000; v3: Max Adver Int (centiseconds) × 10. */
  readonly intervalMs: number;
}

const V3_INTERVAL_MASK = 0x0fff;

export function advertFacts(bytes: Uint8Array): AdvertFacts {
  const version = (bytes[0] ?? 0) >> 4;
  const intervalMs = version === 2 ? (bytes[5] ?? 0) * 1000 : ((((bytes[4] ?? 0) << 8) | (bytes[5] ?? 0)) & V3_INTERVAL_MASK) * 10;
  return { version, vrid: bytes[1] ?? 0, priority: bytes[2] ?? 0, intervalMs };
}

/** One packet as the simulator handed it to a receiver. */
export interface Delivery {
  readonly from: string;
  readonly sentAtMs: number;
  readonly family: IpFamily;
  readonly src: string;
  readonly dst: string;
  readonly facts: AdvertFacts;
}
