// The pure parts of src/platform/linux (struct layouts, cmsg, IPv4 header, netlink and rtnetlink codecs): no root,
// no namespace, so these always run.
import assert from "node:assert/strict";
import { test } from "node:test";
import { cmsgSpace, in6Pktinfo, inPktinfo, writeCmsg } from "../../src/platform/linux/cmsg.ts";
import { emptyReceiveInfo, readReceiveInfo } from "../../src/platform/linux/receive-info.ts";
import { readSize, writePointer, writeSize } from "../../src/platform/linux/native-words.ts";
import { parseIpv4Header } from "../../src/platform/linux/ipv4-header.ts";
import { LAYOUT, POINTER_FREE_SIZES, SyscallError } from "../../src/platform/linux/libc.ts";
import { attribute, decodeAck, encodeMessage, NLM_F_ACK_TLVS, NLM_F_CAPPED, NLMSG_ERROR, parseAttributes, parseMessages } from "../../src/platform/linux/netlink-message.ts";
import { decodeAddress, decodeLink, primaryAddresses } from "../../src/platform/linux/rtnetlink-decode.ts";
import { encodeAddressRequest, encodeRouteRequest, routeFamily } from "../../src/platform/linux/rtnetlink-encode.ts";
import type { AddressInfo } from "../../src/platform/linux/rtnetlink-types.ts";
import * as sa from "../../src/platform/linux/sockaddr.ts";

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");

test("pointer-free struct sizes match koffi's layout; msghdr is the LP64 one on 64-bit", () => {
  assert.deepEqual(POINTER_FREE_SIZES, {
    sockaddr_in: sa.SOCKADDR_IN_BYTES,
    sockaddr_in6: sa.SOCKADDR_IN6_BYTES,
    sockaddr_ll: sa.SOCKADDR_LL_BYTES,
    sockaddr_nl: sa.SOCKADDR_NL_BYTES,
    ip_mreqn: sa.IP_MREQN_BYTES,
    ipv6_mreq: sa.IPV6_MREQ_BYTES,
    in_pktinfo: 12,
    in6_pktinfo: 20,
  });
  if (LAYOUT.pointerBytes === 8) {
    assert.deepEqual(LAYOUT.msghdr, { size: 56, name: 0, namelen: 8, iov: 16, iovlen: 24, control: 32, controllen: 40, flags: 48 });
    assert.equal(LAYOUT.cmsghdrBytes, 16);
  }
});

test("sockaddr encoders put network-order fields big-endian and host-order fields little-endian", () => {
  assert.equal(hex(sa.sockaddrIn(2, Uint8Array.of(224, 0, 0, 18))), "02000000e000001200000000" + "00000000");
  const ll = sa.sockaddrLl({ family: 17, protocol: 0x0806, ifindex: 3, address: Uint8Array.of(1, 2, 3, 4, 5, 6) });
  assert.equal(hex(ll), "11000806030000000000" + "0006" + "0102030405060000");
  assert.deepEqual(sa.decodeSockaddrLl(ll, ll.length)?.ifindex, 3);
  assert.equal(hex(sa.ipMreqn(Uint8Array.of(224, 0, 0, 18), 7)), "e00000120000000007000000");
  const six = sa.sockaddrIn6(10, new Uint8Array(16).fill(0xfe), 9);
  assert.deepEqual(sa.decodeSockaddrIn6(six, six.length)?.scopeId, 9);
  assert.equal(sa.decodeSockaddrIn6(six, 16), undefined, "a short msg_name is refused");
});

test("cmsg: written pktinfo and TTL are read back in place; a bogus cmsg_len stops the walk without throwing", () => {
  for (const sizeT of [8, 4]) {
    const control = new Uint8Array(128);
    const view = new DataView(control.buffer);
    let end = writeCmsg(control, 0, { level: 0, type: 8, data: inPktinfo(5, Uint8Array.of(192, 0, 2, 1)) }, sizeT);
    end = writeCmsg(control, end, { level: 0, type: 2, data: Uint8Array.of(255, 0, 0, 0) }, sizeT); // IP_TTL
    assert.equal(end, cmsgSpace(12, sizeT) + cmsgSpace(4, sizeT));
    assert.deepEqual({ ...readReceiveInfo(view, end, sizeT, emptyReceiveInfo()) }, { ifindex: 5, ttl: 255, ipv6DstOffset: -1 });
    const six = new Uint8Array(128);
    const address = new Uint8Array(16).fill(1);
    let end6 = writeCmsg(six, 0, { level: 41, type: 50, data: in6Pktinfo(address, 6) }, sizeT); // IPV6_PKTINFO
    end6 = writeCmsg(six, end6, { level: 41, type: 52, data: Uint8Array.of(64, 0, 0, 0) }, sizeT); // IPV6_HOPLIMIT
    const info6 = readReceiveInfo(new DataView(six.buffer), end6, sizeT, emptyReceiveInfo());
    assert.deepEqual([info6.ifindex, info6.ttl], [6, 64]);
    assert.deepEqual(six.subarray(info6.ipv6DstOffset, info6.ipv6DstOffset + 16), address);
    control[0] = 0xff; // cmsg_len far beyond the buffer
    assert.deepEqual({ ...readReceiveInfo(view, end, sizeT, emptyReceiveInfo()) }, { ifindex: -1, ttl: -1, ipv6DstOffset: -1 });
    assert.deepEqual({ ...readReceiveInfo(view, 7, sizeT, emptyReceiveInfo()) }, { ifindex: -1, ttl: -1, ipv6DstOffset: -1 }, "shorter than a header");
  }
});

test("IPv4 header: payload bounds from IHL and Total Length; garbage is undefined", () => {
  const packet = Uint8Array.from(Buffer.from("45c0001c0000000001700000c0000201e0000012" + "2133640100" + "000000" + "aaaa", "hex"));
  const header = parseIpv4Header(packet, packet.length);
  assert.deepEqual(header && { h: header.headerBytes, t: header.totalBytes, ttl: header.ttl, p: header.protocol }, { h: 20, t: 28, ttl: 1, p: 112 });
  assert.equal(parseIpv4Header(packet, 19), undefined);
  assert.equal(parseIpv4Header(Uint8Array.of(0x65, ...new Uint8Array(30)), 31), undefined, "version 6");
  assert.equal(parseIpv4Header(Uint8Array.of(0x4f, ...new Uint8Array(30)), 31), undefined, "IHL beyond the data");
});

test("netlink messages and attributes round-trip; an extended ack carries its text", () => {
  const message = encodeMessage({ type: 20, flags: 5, seq: 7 }, Uint8Array.of(2, 24, 0, 0, 3, 0, 0, 0), [attribute.u32(8, 2), attribute.string(3, "va:vip")]);
  assert.equal(message.length % 4, 0);
  const [parsed] = parseMessages(message, message.length);
  assert.deepEqual(parsed && { type: parsed.type, flags: parsed.flags, seq: parsed.seq }, { type: 20, flags: 5, seq: 7 });
  const attributes = parseAttributes(parsed?.payload ?? new Uint8Array(), 8);
  assert.equal(new TextDecoder().decode(attributes.get(3)), "va:vip\0");
  assert.deepEqual(parseMessages(message, message.length - 1), [], "a cut message is not returned");

  const echoed = encodeMessage({ type: 24, flags: 5, seq: 9 }, new Uint8Array(12), []).subarray(0, 16);
  const error = new Uint8Array(4 + 16);
  new DataView(error.buffer).setInt32(0, -101, true);
  error.set(echoed, 4);
  const ack = encodeMessage({ type: NLMSG_ERROR, flags: NLM_F_CAPPED | NLM_F_ACK_TLVS, seq: 9 }, error, [attribute.string(1, "Nexthop has invalid gateway")]);
  const [reply] = parseMessages(ack, ack.length);
  assert.deepEqual(reply && decodeAck(reply), { errno: 101, message: "Nexthop has invalid gateway" });
});

test("address and route requests carry the fields the kernel reads", () => {
  const add = encodeAddressRequest("add", { address: "192.0.2.100", prefixLength: 24, device: "va", label: "va:1", scope: "host", broadcast: "192.0.2.255" }, 4, 1);
  const [message] = parseMessages(add, add.length);
  assert.equal(message?.flags, 0x0605, "REQUEST|ACK|CREATE|EXCL");
  assert.equal(hex(message?.payload.subarray(0, 8) ?? new Uint8Array()), "021800fe04000000");
  const nodad = encodeAddressRequest("add", { address: "2001:db8::100", prefixLength: 64, device: "va", nodad: true }, 4, 2);
  assert.equal(parseMessages(nodad, nodad.length)[0]?.payload[2], 0x02, "IFA_F_NODAD");
  assert.throws(() => encodeAddressRequest("add", { address: "2001:db8::1", prefixLength: 64, device: "va", label: "va:6" }, 4, 3), RangeError);

  const remove = encodeRouteRequest("remove", { destination: "default", gateway: "2001:db8::2", table: 1000 }, undefined, 4);
  const payload = parseMessages(remove, remove.length)[0]?.payload ?? new Uint8Array();
  assert.deepEqual([...payload.subarray(0, 8)], [10, 0, 0, 0, 0, 0, 255, 1], "AF_INET6 default, table in RTA_TABLE, any protocol and scope");
  assert.equal(routeFamily({ destination: "default" }), 4);
  assert.equal(routeFamily({ destination: "default", family: 6 }), 6);
});

test("link and address decoding; primary addresses pick the first non-secondary IPv4 and a usable link-local", () => {
  const link = encodeMessage({ type: 16, flags: 0, seq: 0 }, Uint8Array.of(0, 0, 1, 0, 2, 0, 0, 0, 0x43, 0x10, 0x01, 0, 0, 0, 0, 0), [
    attribute.string(3, "va"),
    attribute.bytes(1, Uint8Array.of(0, 0, 0x5e, 0, 1, 0x33)),
    attribute.bytes(16, Uint8Array.of(6)),
  ]);
  const decoded = decodeLink(parseMessages(link, link.length)[0]?.payload ?? new Uint8Array());
  assert.deepEqual(decoded && { i: decoded.ifindex, n: decoded.name, up: decoded.up, mac: decoded.mac, op: decoded.operstate }, {
    i: 2, n: "va", up: true, mac: "00:00:5e:00:01:33", op: "up",
  });
  const address = encodeMessage({ type: 20, flags: 0, seq: 0 }, Uint8Array.of(2, 24, 1, 0, 2, 0, 0, 0), [attribute.bytes(2, Uint8Array.of(192, 0, 2, 11))]);
  assert.equal(decodeAddress(parseMessages(address, address.length)[0]?.payload ?? new Uint8Array())?.secondary, true);

  const base = { prefixLength: 24, scope: 0, flags: 0, secondary: false, tentative: false } as const;
  const list: AddressInfo[] = [
    { ...base, ifindex: 2, family: 6, address: "fe80::1", tentative: true },
    { ...base, ifindex: 2, family: 4, address: "192.0.2.11", secondary: true },
    { ...base, ifindex: 2, family: 4, address: "192.0.2.1" },
    { ...base, ifindex: 2, family: 6, address: "2001:db8::1" },
    { ...base, ifindex: 2, family: 6, address: "fe80::2" },
  ];
  assert.deepEqual(primaryAddresses(list).get(2), { ipv4: "192.0.2.1", ipv6LinkLocal: "fe80::2" });
});

test("SyscallError names the errno", () => {
  const error = new SyscallError("RTM_NEWADDR", 17, "192.0.2.1/24 dev va");
  assert.equal(error.code, "EEXIST");
  assert.match(error.message, /^RTM_NEWADDR: EEXIST \(File exists\): 192\.0\.2\.1\/24 dev va$/);
});

test("size_t and pointer fields: both widths, the full 53-bit range of sizes, and no BigInt for sizes", () => {
  const view = new DataView(new ArrayBuffer(16));
  for (const value of [0, 1, 255, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 7, 2 ** 53 - 1]) {
    writeSize(view, 8, value, 8);
    assert.equal(readSize(view, 8, 8), value);
    assert.equal(view.getBigUint64(8, true), BigInt(value), "the same bytes as a 64-bit store");
  }
  writeSize(view, 0, 300, 4);
  assert.equal(readSize(view, 0, 4), 300);
  writePointer(view, 0, 0x7f0012345678n, 8);
  assert.equal(view.getBigUint64(0, true), 0x7f0012345678n);
  writePointer(view, 0, 0x12345678n, 4);
  assert.equal(view.getUint32(0, true), 0x12345678);
});
