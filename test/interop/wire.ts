// What the two daemons actually put on the wire, seen from the switch: tcpdump on the switch port of one router
// (it carries that router's adverts and every advert delivered to it, unicast included), then an independent
// decoder (not src/vrrp/codec.ts) that checks each advert's checksum in every form found in the field and
// summarises per sender: versions, TTL, DF bit, checksum form, priorities, address lists.
import { readFileSync } from "node:fs";
import type { LabProcess, RouterName } from "../netns/gateway-lab.ts";
import { exited, type InteropLab } from "./interop-lab.ts";
import { waitFor } from "./peer.ts";

export interface Advert {
  /** Capture time, epoch milliseconds (pcap timestamps are CLOCK_REALTIME; compare with epochNow()). */
  readonly at: number;
  readonly src: string;
  readonly dst: string;
  readonly srcMac: string;
  readonly family: 4 | 6;
  readonly ttl: number;
  /** IPv4 TOS / IPv6 traffic class (0xc0, network control, is what keepalived and FRR send). */
  readonly tos: number;
  readonly dontFragment: boolean;
  readonly version: number;
  readonly priority: number;
  readonly addresses: readonly string[];
  /** Which checksum computation the advert satisfies, or "bad". */
  readonly checksum: ChecksumForm;
}

export type ChecksumForm =
  | "v2 message" // RFC 3768 §5.3.8
  | "IPv4 pseudo-header, actual dst" // RFC 5798 as keepalived reads it
  | "IPv4 pseudo-header, dst 224.0.0.18" // FRR, also for unicast
  | "message only" // RFC 9568 / v3_checksum_as_v2
  | "IPv6 pseudo-header"
  | "bad";

export interface SenderSummary {
  readonly src: string;
  readonly adverts: number;
  readonly versions: number[];
  readonly ttls: number[];
  readonly tos: number[];
  /** IPv4 only: DF set on every advert / on none / mixed. */
  readonly df: "always" | "never" | "mixed" | "n/a";
  readonly checksums: ChecksumForm[];
  readonly priorities: number[];
  readonly addressLists: string[];
  readonly destinations: string[];
  readonly sourceMacs: string[];
}

export class WireCapture {
  private constructor(
    private readonly proc: LabProcess,
    private readonly file: string,
  ) {}

  /** Starts tcpdump on the switch port of `router` and waits (bounded) until it listens. */
  static async start(lab: InteropLab, router: RouterName, name: string): Promise<WireCapture> {
    const file = `${lab.dir}/${name}.pcap`;
    // --immediate-mode: without it libpcap hands packets over in ring-buffer blocks up to a second late, and the
    // last adverts before the stop (the priority-0 ones) never reach the file.
    const proc = lab.spawn(`tcpdump-${name}`, lab.sw, ["tcpdump", "-i", `p-${router}`, "--immediate-mode", "-n", "-s", "0", "-U", "-w", file, "ip proto 112 or ip6 proto 112"]);
    await waitFor("tcpdump to listen", () => proc.lines.some((l) => l.includes("listening on")) || !proc.isRunning, 10_000, 20);
    if (!proc.isRunning) throw new Error(`tcpdump failed:\n${proc.lines.join("\n")}`);
    return new WireCapture(proc, file);
  }

  /** What tcpdump has written so far (it writes every packet at once: -U, --immediate-mode). */
  snapshot(): Advert[] {
    return readPcap(readFileSync(this.file)).flatMap(({ at, frame }) => decodeAdvert(at, frame) ?? []);
  }

  /** Stops tcpdump (it flushes on SIGINT) and decodes what it saw. */
  async stop(): Promise<Advert[]> {
    this.proc.kill("SIGINT");
    await exited(this.proc, 5000);
    return this.snapshot();
  }
}

/** Wall-clock milliseconds with sub-millisecond resolution, comparable with Advert.at. */
export function epochNow(): number {
  return performance.timeOrigin + performance.now();
}

export function summarise(adverts: readonly Advert[]): SenderSummary[] {
  const bySrc = new Map<string, Advert[]>();
  for (const a of adverts) bySrc.set(a.src, [...(bySrc.get(a.src) ?? []), a]);
  const uniq = <T>(xs: readonly T[]): T[] => [...new Set(xs)];
  return [...bySrc].map(([src, list]) => {
    const dfs = uniq(list.filter((a) => a.family === 4).map((a) => a.dontFragment));
    return {
      src,
      adverts: list.length,
      versions: uniq(list.map((a) => a.version)),
      ttls: uniq(list.map((a) => a.ttl)),
      tos: uniq(list.map((a) => a.tos)),
      df: dfs.length === 0 ? "n/a" : dfs.length === 2 ? "mixed" : dfs[0] ? "always" : "never",
      checksums: uniq(list.map((a) => a.checksum)),
      priorities: uniq(list.map((a) => a.priority)).sort((x, y) => x - y),
      addressLists: uniq(list.map((a) => a.addresses.join(","))),
      destinations: uniq(list.map((a) => a.dst)),
      sourceMacs: uniq(list.map((a) => a.srcMac)),
    };
  });
}

export function describeSender(s: SenderSummary): string {
  return `${s.src} (MAC ${s.sourceMacs.join("/")}): ${s.adverts} adverts v${s.versions.join("/")} to ${s.destinations.join("/")}, TTL ${s.ttls.join("/")}, TOS ${s.tos.map((x) => `0x${x.toString(16)}`).join("/")}, DF ${s.df}, checksum ${s.checksums.join(" + ")}, priorities ${s.priorities.join(",")}, addresses [${s.addressLists.join("] [")}]`;
}

// ---- decoding ---------------------------------------------------------------------------------------------------

function readPcap(b: Buffer): { at: number; frame: Buffer }[] {
  if (b.length < 24) return [];
  const le = b.readUInt32LE(0) === 0xa1b2c3d4; // microsecond pcap, as tcpdump writes it
  const u32 = (o: number): number => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
  if (u32(20) !== 1) throw new Error(`pcap link type ${u32(20)}, expected Ethernet`);
  const frames: { at: number; frame: Buffer }[] = [];
  for (let o = 24; o + 16 <= b.length; ) {
    const caplen = u32(o + 8);
    if (o + 16 + caplen > b.length) break; // a record still being written
    frames.push({ at: u32(o) * 1000 + u32(o + 4) / 1000, frame: b.subarray(o + 16, o + 16 + caplen) });
    o += 16 + caplen;
  }
  return frames;
}

const mac = (b: Buffer): string => [...b].map((x) => x.toString(16).padStart(2, "0")).join(":");
const ipv4 = (b: Buffer): string => [...b].join(".");

function ipv6(b: Buffer): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(b.readUInt16BE(i));
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const hex = (g: number[]): string => g.map((x) => x.toString(16)).join(":");
  return best < 0 ? hex(groups) : `${hex(groups.slice(0, best))}::${hex(groups.slice(best + bestLen))}`;
}

/** RFC 1071: true when the one's-complement sum over all parts is 0xffff. */
function checksumOk(parts: readonly Buffer[]): boolean {
  let sum = 0;
  let odd = false;
  for (const part of parts) {
    for (const byte of part) {
      sum += odd ? byte : byte << 8;
      odd = !odd;
    }
  }
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum === 0xffff;
}

function decodeAdvert(at: number, frame: Buffer): Advert | undefined {
  const ethertype = frame.readUInt16BE(12);
  const l3 = frame.subarray(14);
  let family: 4 | 6, src: Buffer, dst: Buffer, ttl: number, tos: number, payload: Buffer, dontFragment: boolean;
  if (ethertype === 0x0800 && l3[9] === 112) {
    family = 4;
    src = l3.subarray(12, 16);
    dst = l3.subarray(16, 20);
    ttl = l3[8] ?? 0;
    tos = l3[1] ?? 0;
    dontFragment = ((l3[6] ?? 0) & 0x40) !== 0;
    payload = l3.subarray(((l3[0] ?? 0x45) & 0x0f) * 4, l3.readUInt16BE(2)); // Total Length drops Ethernet padding
  } else if (ethertype === 0x86dd && l3[6] === 112) {
    family = 6;
    src = l3.subarray(8, 24);
    dst = l3.subarray(24, 40);
    ttl = l3[7] ?? 0;
    tos = (((l3[0] ?? 0) & 0x0f) << 4) | ((l3[1] ?? 0) >> 4);
    dontFragment = false;
    payload = l3.subarray(40, 40 + l3.readUInt16BE(4));
  } else {
    return undefined;
  }
  if (payload.length < 8) return undefined;
  const version = (payload[0] ?? 0) >> 4;
  const count = payload[3] ?? 0;
  const size = family === 4 ? 4 : 16;
  const addresses: string[] = [];
  for (let i = 0; i < count && 8 + (i + 1) * size <= payload.length; i++) {
    const a = payload.subarray(8 + i * size, 8 + (i + 1) * size);
    addresses.push(family === 4 ? ipv4(a) : ipv6(a));
  }
  return {
    at,
    src: family === 4 ? ipv4(src) : ipv6(src),
    dst: family === 4 ? ipv4(dst) : ipv6(dst),
    srcMac: mac(frame.subarray(6, 12)),
    family,
    ttl,
    tos,
    dontFragment,
    version,
    priority: payload[2] ?? -1,
    addresses,
    checksum: checksumForm(family, version, src, dst, payload),
  };
}

function checksumForm(family: 4 | 6, version: number, src: Buffer, dst: Buffer, message: Buffer): ChecksumForm {
  const length = Buffer.alloc(2);
  length.writeUInt16BE(message.length);
  if (version === 2) return checksumOk([message]) ? "v2 message" : "bad";
  if (family === 6) {
    const pseudo = Buffer.concat([src, dst, Buffer.from([0, 0]), length, Buffer.from([0, 0, 0, 112])]);
    return checksumOk([pseudo, message]) ? "IPv6 pseudo-header" : "bad";
  }
  const pseudo = (d: Buffer): Buffer => Buffer.concat([src, d, Buffer.from([0, 112]), length]);
  if (checksumOk([pseudo(dst), message])) return "IPv4 pseudo-header, actual dst";
  if (checksumOk([pseudo(Buffer.from([224, 0, 0, 18])), message])) return "IPv4 pseudo-header, dst 224.0.0.18";
  if (checksumOk([message])) return "message only";
  return "bad";
}
