// The value parsers behind the schema's types.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseRoute } from "../../src/config/values/route.ts";
import { formatSeconds, parseBool, parseDurationMs, parseEnum, parseInteger, parseIpAddress, parseString } from "../../src/config/values/scalar.ts";
import { parseTrack } from "../../src/config/values/track.ts";
import { parseVip } from "../../src/config/values/vip.ts";

const value = <T>(r: { ok: true; value: T } | { ok: false; error: string }): T => {
  if (!r.ok) throw new Error(r.error);
  return r.value;
};
const error = (r: { ok: boolean; error?: string }): string => {
  assert.equal(r.ok, false);
  return r.error ?? "";
};
const any = { minMs: 0, maxMs: 1_000_000, stepMs: 1 };

describe("values", () => {
  it("reads OpenWrt booleans, and only those", () => {
    for (const t of ["1", "yes", "on", "true", "enabled"]) assert.equal(value(parseBool(t)), true, t);
    for (const f of ["0", "no", "off", "false", "disabled"]) assert.equal(value(parseBool(f)), false, f);
    for (const bad of ["2", "Yes", "y", ""]) assert.match(error(parseBool(bad)), /not a boolean/);
  });

  it("reads integers in range", () => {
    assert.equal(value(parseInteger("-20", -253, 253)), -20);
    assert.match(error(parseInteger("256", 1, 255)), /out of range 1\.\.255/);
    assert.match(error(parseInteger("1.5", 1, 255)), /whole number/);
  });

  it("reads decimal seconds exactly, to the millisecond", () => {
    assert.equal(value(parseDurationMs("0.07", any)), 70);
    assert.equal(value(parseDurationMs("0.05", any)), 50);
    assert.equal(value(parseDurationMs(".5", any)), 500);
    assert.equal(value(parseDurationMs("1.000", any)), 1000);
    assert.match(error(parseDurationMs("0.0005", any)), /finer than a millisecond/);
    assert.match(error(parseDurationMs("-1", any)), /not a number of seconds/);
    assert.match(error(parseDurationMs("1e3", any)), /not a number of seconds/);
    assert.match(error(parseDurationMs("0.015", { minMs: 10, maxMs: 40_950, stepMs: 10 })), /not a multiple of 0.01 s/);
    assert.match(error(parseDurationMs("99999999999999999", any)), /out of range/);
    assert.equal(formatSeconds(50), "0.05");
    assert.equal(formatSeconds(255_000), "255");
  });

  it("matches enums case-insensitively and stores the canonical spelling", () => {
    assert.equal(value(parseEnum("master", ["MASTER", "BACKUP"])), "MASTER");
    assert.match(error(parseEnum("SLAVE", ["MASTER", "BACKUP"])), /not one of MASTER, BACKUP/);
  });

  it("reads IP addresses canonically, by family, without zone or prefix", () => {
    assert.equal(value(parseIpAddress("FE80:0::1")), "fe80::1");
    assert.match(error(parseIpAddress("192.0.2.1", { family: 6 })), /not an IPv6 address/);
    assert.match(error(parseIpAddress("fe80::1%eth0")), /without a %zone/);
    assert.match(error(parseIpAddress("192.0.2.1/24")), /without a \/prefix/);
    assert.match(error(parseIpAddress("224.0.0.300")), /not an IP address/);
    assert.match(error(parseIpAddress("192.0.2.1", { multicast: true })), /not a multicast/);
    assert.equal(value(parseIpAddress("ff02::12", { family: 6, multicast: true })), "ff02::12");
  });

  it("counts string length in bytes", () => {
    assert.equal(value(parseString("12345678", { maxBytes: 8 })), "12345678");
    assert.match(error(parseString("123456789", { maxBytes: 8 })), /longer than 8 bytes/);
    assert.match(error(parseString("ééééé", { maxBytes: 8 })), /longer than 8 bytes/); // 10 bytes in UTF-8
  });

  it("reads keepalived's virtual_ipaddress words", () => {
    const words = ["dev", "label", "scope", "brd"] as const;
    assert.deepEqual(value(parseVip("192.0.2.1/24 dev br-lan label br-lan:vip scope global brd 192.0.2.255", words)).vip, {
      address: "192.0.2.1", prefixLength: 24, device: "br-lan", label: "br-lan:vip", scope: "global", broadcast: "192.0.2.255",
    });
    assert.deepEqual(value(parseVip("192.0.2.1", words)).vip, { address: "192.0.2.1", prefixLength: 32 });
    assert.deepEqual(value(parseVip("2001:DB8::1", words)).vip, { address: "2001:db8::1", prefixLength: 128 });
    assert.match(error(parseVip("192.0.2.1/24 -nodad", words)), /unknown word '-nodad'/);
    assert.match(error(parseVip("192.0.2.1/24 dev", words)), /'dev' needs a value/);
    assert.match(error(parseVip("192.0.2.1/24 dev eth0 label eth1:x", words)), /must be 'eth0' or start with 'eth0:'/);
    assert.match(error(parseVip("fd00::1/64 label x", words)), /IPv4 addresses only/);
    assert.match(error(parseVip("192.0.2.1/33", words)), /not ADDRESS\/LENGTH/);
  });

  it("reads iproute2-like virtual_routes", () => {
    assert.deepEqual(value(parseRoute("198.51.100.0/24 via 192.0.2.254 dev eth1 metric 10 table 100")).route, {
      destination: "198.51.100.0/24", gateway: "192.0.2.254", device: "eth1", metric: 10, table: 100,
    });
    assert.deepEqual(value(parseRoute("blackhole 198.51.100.0/24")).route, { destination: "198.51.100.0/24", type: "blackhole" });
    assert.deepEqual(value(parseRoute("default via 2001:db8::1")), { tag: "route", route: { destination: "default", gateway: "2001:db8::1" }, family: 6 });
    assert.deepEqual(value(parseRoute("to 192.0.2.7 src 192.0.2.1 table main")).route, { destination: "192.0.2.7/32", source: "192.0.2.1", table: 254 });
    assert.match(error(parseRoute("198.51.100.1/24")), /host bits set/);
    assert.match(error(parseRoute("198.51.100.0/24 via 2001:db8::1")), /via: .*not an IPv4 address/);
    assert.match(error(parseRoute("198.51.100.0/24 via 192.0.2.1 or 192.0.2.2")), /unknown word 'or'/);
    assert.match(error(parseRoute("blackhole 198.51.100.0/24 dev eth0")), /takes no 'via' or 'dev'/);
    assert.match(error(parseRoute("10.0.0.0/8 table constructor")), /table 'constructor'/);
  });

  it("reads tracked objects with keepalived's weight syntax", () => {
    assert.deepEqual(value(parseTrack("wan", "interface")), { tag: "track", name: "wan", weight: undefined, reverse: undefined });
    assert.deepEqual(value(parseTrack("wan weight -20", "interface")), { tag: "track", name: "wan", weight: -20, reverse: false });
    assert.deepEqual(value(parseTrack("wan weight 10 reverse", "interface")), { tag: "track", name: "wan", weight: 10, reverse: true });
    assert.match(error(parseTrack("wan weight 300", "interface")), /out of range -253\.\.253/);
    assert.match(error(parseTrack("wan reverse", "interface")), /write 'wan weight N'/);
    assert.match(error(parseTrack("wan weight 5 sideways", "interface")), /unexpected 'sideways'/);
  });
});
