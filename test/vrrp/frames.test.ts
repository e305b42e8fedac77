// Gratuitous ARP and unsolicited NA builders, checked field by field and against frames captured from keepalived
// and FRR (test/vectors/frames/*.json, written by scripts/capture-golden-vectors.sh); plus the virtual MAC.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { internetChecksum, ipv6PseudoHeader } from "../../src/lib/checksum.ts";
import { parseIp } from "../../src/lib/ip.ts";
import {
  gratuitousArp,
  neighborAdvertIcmp,
  unsolicitedNeighborAdvert,
  type GratuitousArpOptions,
  type UnsolicitedNeighborAdvertOptions,
} from "../../src/vrrp/frames.ts";
import { formatMac, parseMac, virtualMac } from "../../src/vrrp/virtual-mac.ts";
import { fromHex, toHex } from "./codec-round-trip.ts";

const ip = (text: string): Uint8Array => parseIp(text) ?? assert.fail(`bad address ${text}`);

describe("virtualMac (RFC 5798 §7.3)", () => {
  it("is 00-00-5E-00-01-{VRID} for IPv4 and 00-00-5E-00-02-{VRID} for IPv6", () => {
    assert.equal(formatMac(virtualMac(51, 4)), "00:00:5e:00:01:33");
    assert.equal(formatMac(virtualMac(51, 6)), "00:00:5e:00:02:33");
    assert.equal(formatMac(virtualMac(255, 4), "-"), "00-00-5e-00-01-ff");
    assert.equal(formatMac(virtualMac(1, 6)), "00:00:5e:00:02:01");
  });

  it("refuses VRIDs outside 1..255", () => {
    for (const vrid of [0, 256, -1, 1.5]) assert.throws(() => virtualMac(vrid, 4), RangeError);
  });

  it("parseMac reads both notations", () => {
    assert.equal(toHex(parseMac("00:00:5E:00:01:33") ?? new Uint8Array()), "00005e000133");
    assert.equal(toHex(parseMac("00-00-5e-00-02-ff") ?? new Uint8Array()), "00005e0002ff");
    for (const text of ["00:00:5e:00:01", "00:00:5e:00:01:333", "zz:00:5e:00:01:33", ""]) assert.equal(parseMac(text), undefined);
  });
});

describe("gratuitousArp", () => {
  const frame = gratuitousArp({ vip: "192.0.2.51", vrid: 51 });

  it("is a 42-byte broadcast ARP request from the virtual MAC announcing the VIP (RFC 5798 §6.4.2)", () => {
    assert.equal(frame.length, 42);
    assert.equal(toHex(frame.subarray(0, 6)), "ffffffffffff", "Ethernet destination: broadcast");
    assert.equal(toHex(frame.subarray(6, 12)), "00005e000133", "Ethernet source: virtual MAC");
    assert.equal(toHex(frame.subarray(12, 14)), "0806", "EtherType ARP");
    assert.equal(toHex(frame.subarray(14, 22)), "0001080006040001", "Ethernet/IPv4, request");
    assert.equal(toHex(frame.subarray(22, 28)), "00005e000133", "sender hardware address: virtual MAC (errata 7947/7949)");
    assert.equal(toHex(frame.subarray(28, 32)), toHex(ip("192.0.2.51")), "sender protocol address: VIP");
    assert.equal(toHex(frame.subarray(32, 38)), "ffffffffffff", "target hardware address as keepalived and FRR send it");
    assert.equal(toHex(frame.subarray(38, 42)), toHex(ip("192.0.2.51")), "target protocol address: VIP");
  });

  it("takes the Ethernet source and the ARP sender MAC separately", () => {
    const mac = fromHex("020000000001");
    const other = gratuitousArp({ vip: "192.0.2.51", vrid: 51, srcMac: mac });
    assert.equal(toHex(other.subarray(6, 12)), "020000000001");
    assert.equal(toHex(other.subarray(22, 28)), "00005e000133");
  });

  it("refuses an IPv6 VIP, a bad VRID or a MAC of the wrong size", () => {
    assert.throws(() => gratuitousArp({ vip: "2001:db8::1", vrid: 51 }), RangeError);
    assert.throws(() => gratuitousArp({ vip: "192.0.2.51", vrid: 0 }), RangeError);
    assert.throws(() => gratuitousArp({ vip: "192.0.2.51", vrid: 51, srcMac: new Uint8Array(5) }), RangeError);
  });
});

describe("unsolicitedNeighborAdvert", () => {
  const frame = unsolicitedNeighborAdvert({ vip: "2001:db8::54", vrid: 54 });
  const icmp = frame.subarray(54);

  it("is 86 bytes: Ethernet to 33:33:00:00:00:01, IPv6 hop limit 255 to ff02::1, ICMPv6 NA", () => {
    assert.equal(frame.length, 86);
    assert.equal(toHex(frame.subarray(0, 6)), "333300000001");
    assert.equal(toHex(frame.subarray(6, 12)), "00005e000236", "Ethernet source: IPv6 virtual MAC");
    assert.equal(toHex(frame.subarray(12, 14)), "86dd");
    assert.equal(toHex(frame.subarray(14, 18)), "60000000", "version 6, no traffic class or flow label");
    assert.equal(toHex(frame.subarray(18, 20)), "0020", "payload length 32");
    assert.equal(frame[20], 58, "next header ICMPv6");
    assert.equal(frame[21], 255, "hop limit 255 (RFC 4861 §7.1.2)");
    assert.equal(toHex(frame.subarray(22, 38)), toHex(ip("2001:db8::54")), "source: the VIP by default");
    assert.equal(toHex(frame.subarray(38, 54)), toHex(ip("ff02::1")));
  });

  it("carries type 136, R=1 S=0 O=1, the VIP as target and the virtual MAC as TLLA (RFC 5798 §6.4.2)", () => {
    assert.equal(icmp[0], 136);
    assert.equal(icmp[1], 0);
    assert.equal(toHex(icmp.subarray(4, 8)), "a0000000", "R and O set, S clear");
    assert.equal(toHex(icmp.subarray(8, 24)), toHex(ip("2001:db8::54")));
    assert.equal(toHex(icmp.subarray(24, 32)), "020100005e000236", "option 2, length 1, virtual MAC");
  });

  it("has a correct ICMPv6 checksum over the IPv6 pseudo-header", () => {
    const pseudo = ipv6PseudoHeader(frame.subarray(22, 38), frame.subarray(38, 54), 58, icmp.length);
    assert.equal(internetChecksum([pseudo, icmp]), 0);
    const fromLinkLocal = unsolicitedNeighborAdvert({ vip: "2001:db8::54", vrid: 54, srcLinkLocal: "fe80::1" });
    assert.equal(toHex(fromLinkLocal.subarray(22, 38)), toHex(ip("fe80::1")));
    const pseudoLl = ipv6PseudoHeader(ip("fe80::1"), ip("ff02::1"), 58, 32);
    assert.equal(internetChecksum([pseudoLl, fromLinkLocal.subarray(54)]), 0);
  });

  it("can leave R clear to mimic keepalived on a host without IPv6 forwarding", () => {
    assert.equal(unsolicitedNeighborAdvert({ vip: "2001:db8::54", vrid: 54, routerFlag: false })[58], 0x20);
  });

  it("refuses an IPv4 VIP or source", () => {
    assert.throws(() => unsolicitedNeighborAdvert({ vip: "192.0.2.1", vrid: 1 }), RangeError);
    assert.throws(() => unsolicitedNeighborAdvert({ vip: "2001:db8::1", vrid: 1, srcLinkLocal: "192.0.2.1" }), RangeError);
  });
});

describe("neighborAdvertIcmp (for a raw ICMPv6 socket)", () => {
  it("is the ICMPv6 part of the frame", () => {
    const frame = unsolicitedNeighborAdvert({ vip: "2001:db8::54", vrid: 54, srcLinkLocal: "fe80::1" });
    const icmp = neighborAdvertIcmp({ vip: "2001:db8::54", vrid: 54, src: "fe80::1" });
    assert.equal(toHex(icmp), toHex(frame.subarray(54)));
  });

  it("leaves the checksum 0 for the kernel when the source is not known (RFC 3542 §3.1)", () => {
    const icmp = neighborAdvertIcmp({ vip: "2001:db8::54", vrid: 54 });
    assert.equal(icmp.length, 32);
    assert.equal(toHex(icmp.subarray(2, 4)), "0000");
  });
});

interface FrameVector {
  readonly name: string;
  readonly description: string;
  readonly vip: string;
  readonly vrid: number;
  readonly frameHex: string;
  readonly fields: readonly { readonly offset: number; readonly hex: string; readonly field: string }[];
}

describe("frames captured from keepalived and FRR", () => {
  const directory = join(import.meta.dirname, "..", "vectors", "frames");
  const vectors = readdirSync(directory)
    .filter((name) => name.endsWith(".json"))
    .sort()
    .map((name) => JSON.parse(readFileSync(join(directory, name), "utf8")) as FrameVector);

  it("include a gratuitous ARP and an unsolicited NA from each daemon", () => {
    for (const prefix of ["keepalived-garp", "keepalived-unsolicited-na", "frr-garp", "frr-unsolicited-na"]) {
      assert.ok(vectors.some((v) => v.name === prefix), prefix);
    }
  });

  for (const vector of vectors) {
    it(`${vector.name}: our builder reproduces it byte for byte (${vector.description})`, () => {
      const captured = fromHex(vector.frameHex);
      for (const field of vector.fields) {
        assert.equal(toHex(captured.subarray(field.offset, field.offset + field.hex.length / 2)), field.hex, field.field);
      }
      // The only inputs taken from the capture are the MACs, because keepalived (without use_vmac) uses the
      // interface MAC where the RFC and FRR use the virtual MAC; everything else comes from VIP and VRID.
      const srcMac = captured.subarray(6, 12);
      const isArp = captured[12] === 0x08 && captured[13] === 0x06;
      const linkLayerAddress = isArp ? captured.subarray(22, 28) : captured.subarray(80, 86);
      const vmac = virtualMac(vector.vrid, isArp ? 4 : 6);
      const macs = {
        ...(toHex(srcMac) === toHex(vmac) ? {} : { srcMac }),
        ...(toHex(linkLayerAddress) === toHex(vmac) ? {} : { linkLayerAddress }),
      };
      const built = isArp
        ? gratuitousArp({ vip: vector.vip, vrid: vector.vrid, ...macs } satisfies GratuitousArpOptions)
        : unsolicitedNeighborAdvert({ vip: vector.vip, vrid: vector.vrid, ...macs } satisfies UnsolicitedNeighborAdvertOptions);
      assert.equal(toHex(built), vector.frameHex);
    });
  }

  it("FRR's frames are exactly our defaults: virtual MAC everywhere, VIP as NA source, R|O", () => {
    const frr = vectors.filter((v) => v.name.startsWith("frr-"));
    assert.ok(frr.length >= 2);
    for (const vector of frr) {
      const built = vector.name.includes("garp")
        ? gratuitousArp({ vip: vector.vip, vrid: vector.vrid })
        : unsolicitedNeighborAdvert({ vip: vector.vip, vrid: vector.vrid });
      assert.equal(toHex(built), vector.frameHex, vector.name);
    }
  });
});
