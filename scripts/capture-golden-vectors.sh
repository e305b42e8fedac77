#!/usr/bin/env bash
# Captures golden VRRP vectors from real daemons and writes them as annotated JSON:
#   test/vectors/<name>.json         one VRRP advert each (hex, IP context, field-by-field breakdown, decoded value)
#   test/vectors/frames/<name>.json  gratuitous ARP and unsolicited NA frames as the daemons send them
# Daemons: Debian's keepalived (VRRPv2 with auth PASS, VRRPv2, VRRPv3 IPv4 multicast and unicast, VRRPv3 IPv6) and
# FRR zebra + vrrpd (VRRPv3 IPv4/IPv6, VRRPv2), each run in its own network namespace with its own pid files.
#
# Usage (as root): scripts/capture-golden-vectors.sh [output-dir]        default output-dir: test/vectors
#
# Safety: two fresh namespaces joined by one veth pair, nothing else. Only documentation addresses are used
# (192.0.2.0/24, 2001:db8::/32) plus link-local ones and the VRRP/ND multicast groups, which never leave the veth.
# Every process started here is stopped by its pid and every namespace created here is deleted (trap on EXIT);
# every wait loop is bounded in iterations and seconds.
#
# The decoded values are produced by an independent parser embedded below (not by src/vrrp/codec.ts), so the golden
# test compares two implementations against bytes a third party put on the wire.
set -euo pipefail
export PATH="/usr/sbin:/usr/bin:/sbin:/bin:$PATH"

REPO=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:-"$REPO/test/vectors"}
PREFIX="vrrpd-gv-$$"
NS_D="$PREFIX-d" # the daemon under test
NS_P="$PREFIX-p" # the passive peer that captures
IF_D=gvd
IF_P=gvp
WORK=$(mktemp -d "/tmp/vrrpd-gv-$$.XXXXXX")
STARTED_PIDS=()
CREATED_NS=()
FRR_CRASHLOG_DIRS=()
VAR_TMP_FRR_EXISTED=$([ -e /var/tmp/frr ] && echo yes || echo no)

log() { printf '[capture-golden-vectors] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

alive() { # true while the pid exists and is not a zombie
  local state
  state=$(awk '/^State:/ {print $2}' "/proc/$1/status" 2>/dev/null) || return 1
  [ -n "$state" ] && [ "$state" != Z ]
}

stop_pid() { # TERM, wait up to 5 s (50 × 0.1 s), then KILL; always by pid
  local pid=$1 i
  alive "$pid" || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do alive "$pid" || return 0; sleep 0.1; done
  log "pid $pid ignored SIGTERM for 5 s, sending SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
}

cleanup() {
  local status=$? pid ns dir
  trap - EXIT INT TERM
  for ((i = ${#STARTED_PIDS[@]} - 1; i >= 0; i--)); do stop_pid "${STARTED_PIDS[$i]}"; done
  for ns in "${CREATED_NS[@]}"; do ip netns del "$ns" 2>/dev/null || log "could not delete namespace $ns"; done
  for dir in "${FRR_CRASHLOG_DIRS[@]}"; do rm -rf -- "$dir"; done
  # FRR creates /var/tmp/frr for those crash-log directories; remove it again only if this run created it.
  if [ "$VAR_TMP_FRR_EXISTED" = no ]; then rmdir /var/tmp/frr 2>/dev/null || true; fi
  if [ "$status" -ne 0 ] && [ -d "$WORK" ]; then
    log "failed; daemon logs follow"
    for f in "$WORK"/*.log "$WORK"/frr/*.log; do [ -f "$f" ] && { echo "== $f"; tail -n 40 "$f"; } >&2; done
  fi
  rm -rf -- "$WORK"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Starts "$@" in the background and records its pid (ip netns exec execs the command, so $! is the daemon itself).
start() {
  local logfile=$1
  shift
  "$@" >"$logfile" 2>&1 &
  STARTED_PIDS+=("$!")
  LAST_PID=$!
}

# Drops pids that have exited, so cleanup can never signal a recycled pid that is no longer ours.
forget_dead() {
  local pid kept=()
  for pid in "${STARTED_PIDS[@]}"; do alive "$pid" && kept+=("$pid"); done
  STARTED_PIDS=("${kept[@]}")
}

# wait_until <seconds> <description> <command...>: polls every 0.2 s, at most seconds × 5 times.
wait_until() {
  local seconds=$1 what=$2 i
  shift 2
  for ((i = 0; i < seconds * 5; i++)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.2
  done
  log "timed out after ${seconds}s waiting for $what"
  return 1
}

[ "$(id -u)" -eq 0 ] || die "run as root (network namespaces, raw sockets)"
for tool in ip tcpdump node keepalived /usr/lib/frr/zebra /usr/lib/frr/vrrpd; do
  command -v "$tool" >/dev/null || die "$tool not found (apt-get install -y keepalived frr tcpdump)"
done

# --- topology ---------------------------------------------------------------------------------------------------------
make_topology() {
  ip netns add "$NS_D" && CREATED_NS+=("$NS_D")
  ip netns add "$NS_P" && CREATED_NS+=("$NS_P")
  for ns in "$NS_D" "$NS_P"; do
    # No DAD: the link-local must be usable at once (keepalived and FRR take it as IPv6 source).
    ip netns exec "$ns" sysctl -q -w net.ipv6.conf.default.accept_dad=0 net.ipv6.conf.all.accept_dad=0
    ip -n "$ns" link set lo up
  done
  # A router forwards; keepalived decides the NA Router flag from this (see src/vrrp/frames.ts).
  ip netns exec "$NS_D" sysctl -q -w net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
  ip link add "$IF_D" netns "$NS_D" type veth peer name "$IF_P" netns "$NS_P"
  ip -n "$NS_D" addr add 192.0.2.1/24 dev "$IF_D"
  ip -n "$NS_D" addr add 2001:db8::1/64 dev "$IF_D"
  ip -n "$NS_P" addr add 192.0.2.2/24 dev "$IF_P"
  ip -n "$NS_P" addr add 2001:db8::2/64 dev "$IF_P"
  ip -n "$NS_D" link set "$IF_D" up
  ip -n "$NS_P" link set "$IF_P" up
  wait_until 10 "a link-local address on $IF_D" \
    sh -c "ip -n '$NS_D' -6 addr show dev '$IF_D' scope link | grep -q 'inet6 fe80'"
}

teardown_topology() {
  for ns in "$NS_D" "$NS_P"; do ip netns del "$ns"; done
  CREATED_NS=()
}

TCPDUMP_FILTER='ip proto 112 or ip6 proto 112 or arp or (icmp6 and ip6[40] == 136)'
start_capture() { # $1: pcap path
  TCPDUMP_CMD=(tcpdump -i "$IF_P" -n -s 0 -U -Z root -w "$1" "$TCPDUMP_FILTER")
  start "$WORK/tcpdump-$(basename "$1" .pcap).log" ip netns exec "$NS_P" "${TCPDUMP_CMD[@]}"
  TCPDUMP_PID=$LAST_PID
  wait_until 10 "tcpdump to start" grep -q "listening on" "$WORK/tcpdump-$(basename "$1" .pcap).log"
}

# --- the independent extractor (pcap → JSON) ------------------------------------------------------------------------
cat >"$WORK/extract.mjs" <<'EXTRACTOR'
// Usage: node extract.mjs check|write <spec.json> <capture.pcap> [<tcpdump.txt> <outdir>]
// check: exit 0 when every vector of the spec's phase is in the capture. write: write one JSON per vector.
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";

const [mode, specPath, pcapPath, tcpdumpPath, outDir] = process.argv.slice(2);
const spec = JSON.parse(readFileSync(specPath, "utf8"));

function readPcap(path) {
  const b = readFileSync(path);
  if (b.length < 24) return [];
  const le = b.readUInt32LE(0) === 0xa1b2c3d4;
  const u32 = (o) => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
  if (u32(20) !== 1) throw new Error(`pcap link type ${u32(20)}, expected 1 (Ethernet)`);
  const packets = [];
  for (let o = 24; o + 16 <= b.length; ) {
    const caplen = u32(o + 8);
    if (o + 16 + caplen > b.length) break; // tcpdump is still writing this record
    packets.push(b.subarray(o + 16, o + 16 + caplen));
    o += 16 + caplen;
  }
  return packets;
}

const hex = (bytes) => Buffer.from(bytes).toString("hex");
const mac = (bytes) => [...bytes].map((x) => x.toString(16).padStart(2, "0")).join(":");
const ipv4 = (bytes) => [...bytes].join(".");
function ipv6(bytes) {
  const groups = [];
  for (let i = 0; i < 16; i += 2) groups.push((bytes[i] << 8) | bytes[i + 1]);
  let best = -1, bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i; while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) { best = i; bestLen = j - i; }
    i = j;
  }
  const h = (list) => list.map((g) => g.toString(16)).join(":");
  return best < 0 ? h(groups) : `${h(groups.slice(0, best))}::${h(groups.slice(best + bestLen))}`;
}
function sum16(parts) {
  let sum = 0, odd = false;
  for (const part of parts) for (const byte of part) { sum += odd ? byte : byte << 8; odd = !odd; }
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return sum;
}
const cksumOk = (parts) => sum16(parts) === 0xffff;

function parse(frame) {
  const p = { eth: { dst: mac(frame.subarray(0, 6)), src: mac(frame.subarray(6, 12)) }, ethertype: frame.readUInt16BE(12), frame };
  const l3 = frame.subarray(14);
  if (p.ethertype === 0x0800) {
    const ihl = (l3[0] & 0x0f) * 4, total = l3.readUInt16BE(2);
    Object.assign(p, { family: 4, proto: l3[9], ttl: l3[8], tos: l3[1], src: l3.subarray(12, 16), dst: l3.subarray(16, 20),
      payload: l3.subarray(ihl, total) }); // Total Length trims Ethernet padding
  } else if (p.ethertype === 0x86dd) {
    Object.assign(p, { family: 6, proto: l3[6], ttl: l3[7], tos: ((l3[0] & 0x0f) << 4) | (l3[1] >> 4),
      src: l3.subarray(8, 24), dst: l3.subarray(24, 40), payload: l3.subarray(40, 40 + l3.readUInt16BE(4)) });
  } else if (p.ethertype === 0x0806) {
    p.arp = l3.subarray(0, 28);
  }
  return p;
}

// One VRRP message, decoded by field offsets straight from RFC 3768 §5.1 / RFC 5798 §5.2.
function vrrp(p) {
  const m = p.payload, version = m[0] >> 4, type = m[0] & 0x0f, count = m[3], alen = p.family === 4 ? 4 : 16;
  const fmt = p.family === 4 ? ipv4 : ipv6;
  const addresses = [];
  for (let i = 0; i < count; i++) addresses.push(fmt(m.subarray(8 + i * alen, 8 + (i + 1) * alen)));
  const checksum = m.readUInt16BE(6);
  const len = Buffer.alloc(2); len.writeUInt16BE(m.length);
  let checksumForm;
  if (version === 3) {
    const pseudo = p.family === 4
      ? Buffer.concat([p.src, p.dst, Buffer.from([0, 112]), len])
      : Buffer.concat([p.src, p.dst, Buffer.from([0, 0]), len, Buffer.from([0, 0, 0, 112])]);
    const group = p.family === 4 ? Buffer.from([224, 0, 0, 18]) : Buffer.from("ff020000000000000000000000000012", "hex");
    const pseudoGroup = p.family === 4 ? Buffer.concat([p.src, group, Buffer.from([0, 112]), len]) : undefined;
    if (cksumOk([pseudo, m]) || (pseudoGroup && cksumOk([pseudoGroup, m]))) checksumForm = "pseudo-header";
    else if (p.family === 4 && cksumOk([m])) checksumForm = "message-only";
    else throw new Error(`captured v3 advert with no valid checksum form: ${hex(m)}`);
  } else if (!cksumOk([m])) throw new Error(`captured v2 advert with a bad checksum: ${hex(m)}`);
  const f = (offset, length, name, value) => ({ offset, hex: hex(m.subarray(offset, offset + length)), field: name, value });
  const fields = [
    f(0, 1, "Version | Type", `${version} | ${type}${type === 1 ? " (ADVERTISEMENT)" : ""}`),
    f(1, 1, "Virtual Rtr ID", String(m[1])),
    f(2, 1, "Priority", String(m[2]) + (m[2] === 0 ? " (Master stops)" : m[2] === 255 ? " (address owner)" : "")),
    f(3, 1, version === 2 ? "Count IP Addrs" : "Count IPvX Addr", String(count)),
  ];
  let decoded;
  if (version === 2) {
    const authType = m[4], auth = m.subarray(8 + count * 4, 16 + count * 4);
    let end = 8; while (end > 0 && auth[end - 1] === 0) end--;
    const authPassword = authType === 1 ? Buffer.from(auth.subarray(0, end)).toString("utf8") : "";
    fields.push(f(4, 1, "Auth Type", `${authType}${authType === 1 ? " (simple text password)" : authType === 0 ? " (none)" : ""}`),
      f(5, 1, "Adver Int", `${m[5]} s`),
      f(6, 2, "Checksum", `0x${hex(m.subarray(6, 8))} (message only, RFC 3768 §5.3.8)`));
    addresses.forEach((a, i) => fields.push(f(8 + 4 * i, 4, `IP Address (${i + 1})`, a)));
    fields.push(f(8 + count * 4, 8, "Authentication Data", authType === 1 ? `"${authPassword}" NUL-padded to 8 bytes` : "8 zero bytes"));
    decoded = { version, vrid: m[1], priority: m[2], addresses, authType, authPassword, adverIntSec: m[5] };
  } else {
    const word = m.readUInt16BE(4);
    fields.push(f(4, 2, "Rsvd | Max Adver Int", `${word >> 12} | ${word & 0x0fff} cs`),
      f(6, 2, "Checksum", `0x${hex(m.subarray(6, 8))} (${p.family === 4 ? checksumForm : "IPv6 pseudo-header"})`));
    addresses.forEach((a, i) => fields.push(f(8 + alen * i, alen, `IPv${p.family} Address (${i + 1})`, a)));
    decoded = { version, vrid: m[1], priority: m[2], addresses, maxAdverIntCs: word & 0x0fff };
  }
  // RFC 9568 erratum 8300 (and RFC 5798 §5.2.9): the first IPv6 address must be link-local, else the advert is refused.
  const firstNotLinkLocal = version === 3 && p.family === 6 && !(m[8] === 0xfe && (m[9] & 0xc0) === 0x80);
  return { version, vrid: m[1], priority: m[2], fields, decoded, checksumForm, firstNotLinkLocal };
}

function frameFields(p) {
  const f = (offset, length, name, value) => ({ offset, hex: hex(p.frame.subarray(offset, offset + length)), field: name, value });
  const out = [f(0, 6, "Ethernet destination", p.eth.dst), f(6, 6, "Ethernet source", p.eth.src),
    f(12, 2, "EtherType", `0x${p.ethertype.toString(16).padStart(4, "0")}`)];
  if (p.arp) {
    const a = p.arp;
    out.push(f(14, 2, "ARP Hardware Type", `${a.readUInt16BE(0)} (Ethernet)`), f(16, 2, "ARP Protocol Type", "0x0800 (IPv4)"),
      f(18, 1, "ARP Hardware Length", String(a[4])), f(19, 1, "ARP Protocol Length", String(a[5])),
      f(20, 2, "ARP Operation", `${a.readUInt16BE(6)} (${a.readUInt16BE(6) === 1 ? "request" : "reply"})`),
      f(22, 6, "Sender Hardware Address", mac(a.subarray(8, 14))), f(28, 4, "Sender Protocol Address", ipv4(a.subarray(14, 18))),
      f(32, 6, "Target Hardware Address", mac(a.subarray(18, 24))), f(38, 4, "Target Protocol Address", ipv4(a.subarray(24, 28))));
    if (p.frame.length > 42) out.push(f(42, p.frame.length - 42, "Ethernet padding", `${p.frame.length - 42} bytes`));
  } else {
    const icmp = p.payload, flags = icmp[4];
    out.push(f(14, 4, "IPv6 Version | Traffic Class | Flow Label", "6 | 0 | 0"), f(18, 2, "Payload Length", String(p.payload.length)),
      f(20, 1, "Next Header", `${p.proto} (ICMPv6)`), f(21, 1, "Hop Limit", String(p.ttl)),
      f(22, 16, "Source Address", ipv6(p.src)), f(38, 16, "Destination Address", ipv6(p.dst)),
      f(54, 1, "ICMPv6 Type", `${icmp[0]} (Neighbor Advertisement)`), f(55, 1, "Code", String(icmp[1])),
      f(56, 2, "Checksum", `0x${hex(icmp.subarray(2, 4))}`),
      f(58, 4, "R | S | O | Reserved", `R=${flags >> 7} S=${(flags >> 6) & 1} O=${(flags >> 5) & 1}`),
      f(62, 16, "Target Address", ipv6(icmp.subarray(8, 24))),
      f(78, 2, "Option Type | Length", `${icmp[24]} (Target Link-Layer Address) | ${icmp[25]} (× 8 bytes)`),
      f(80, 6, "Link-Layer Address", mac(icmp.subarray(26, 32))));
  }
  return out;
}

function matches(want, p) {
  if (want.kind === "advert") {
    if (p.proto !== 112 || p.family !== want.family || p.payload.length < 8) return undefined;
    const v = vrrp(p);
    if (v.vrid !== want.vrid || v.version !== want.version) return undefined;
    if ((want.priorityZero === true) !== (v.priority === 0)) return undefined;
    if (want.dst !== undefined && (p.family === 4 ? ipv4(p.dst) : ipv6(p.dst)) !== want.dst) return undefined;
    return v;
  }
  if (want.kind === "garp") return p.arp && ipv4(p.arp.subarray(14, 18)) === want.vip ? {} : undefined;
  if (want.kind === "na") return p.family === 6 && p.proto === 58 && p.payload[0] === 136 && ipv6(p.payload.subarray(8, 24)) === want.vip ? {} : undefined;
  throw new Error(`unknown kind ${want.kind}`);
}

const packets = readPcap(pcapPath).map(parse);
const found = spec.vectors.map((want) => {
  for (let i = 0; i < packets.length; i++) {
    const m = matches(want, packets[i]);
    if (m) return { want, index: i, p: packets[i], m };
  }
  return { want };
});

if (mode === "check") {
  const missing = found.filter((x) => x.p === undefined && x.want.phase === process.argv[7]).map((x) => x.want.file);
  if (missing.length > 0) { console.log(`missing: ${missing.join(", ")}`); process.exit(1); }
  process.exit(0);
}

// tcpdump -r -n -e -vv prints one packet per group of lines; continuation lines start with whitespace.
const tcpdumpText = [];
for (const line of readFileSync(tcpdumpPath, "utf8").split("\n")) {
  if (line === "") continue;
  if (/^\s/.test(line) && tcpdumpText.length > 0) tcpdumpText[tcpdumpText.length - 1] += `\n${line}`;
  else tcpdumpText.push(line);
}
if (tcpdumpText.length !== packets.length) throw new Error(`tcpdump printed ${tcpdumpText.length} packets, pcap has ${packets.length}`);

for (const { want, index, p, m } of found) {
  if (p === undefined) {
    if (want.optional) { console.error(`optional vector not captured: ${want.file}`); continue; }
    throw new Error(`vector not captured: ${want.file}`);
  }
  const base = {
    name: want.file.replace(/^.*\//, "").replace(/\.json$/, ""),
    description: want.description,
    source: spec.source,
    capture: { ...spec.capture, packetIndex: index, tcpdump: tcpdumpText[index].replace(/^\S+ /, "") },
  };
  let json;
  if (want.kind === "advert") {
    json = {
      ...base,
      ip: { family: p.family, src: p.family === 4 ? ipv4(p.src) : ipv6(p.src), dst: p.family === 4 ? ipv4(p.dst) : ipv6(p.dst),
        [p.family === 4 ? "ttl" : "hopLimit"]: p.ttl, [p.family === 4 ? "tos" : "trafficClass"]: `0x${p.tos.toString(16).padStart(2, "0")}` },
      ethernet: p.eth,
      hex: hex(p.payload),
      fields: m.fields,
      ...(m.checksumForm !== undefined && p.family === 4 ? { checksumForm: m.checksumForm } : {}),
      ...(m.firstNotLinkLocal ? { expectedError: "ipv6-first-not-link-local" } : {}),
      decoded: m.decoded,
    };
  } else {
    json = { ...base, vip: want.vip, vrid: want.vrid, frameHex: hex(p.frame), fields: frameFields(p) };
  }
  const path = join(outDir, want.file);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(json, null, 2)}\n`);
  console.log(`wrote ${path}`);
}
EXTRACTOR

scrub() { printf '%s' "${1//$WORK/<tmp>}"; } # recorded commands should not name this run's temp dir

captured() { node "$WORK/extract.mjs" check "$1" "$2" - - "$3"; } # spec pcap phase

write_vectors() { # spec pcap
  tcpdump -r "$2" -n -e -vv >"$WORK/tcpdump.txt" 2>/dev/null
  node "$WORK/extract.mjs" write "$1" "$2" "$WORK/tcpdump.txt" "$OUT"
}

# run_scenario <spec> <pcap> <stop-seconds> <start-daemons-function> <daemon-pids-var>
# Captures until every "running" vector is seen (≤ 30 s), stops the daemons by pid, then waits ≤ <stop-seconds> for
# the "stopping" vectors (priority-0 adverts), stops tcpdump and writes the JSON.
run_scenario() {
  local spec=$1 pcap=$2 stop_seconds=$3 pid
  start_capture "$pcap"
  "$4"
  wait_until 30 "the adverts and frames of $(basename "$spec")" captured "$spec" "$pcap" running
  for pid in "${DAEMON_PIDS[@]}"; do stop_pid "$pid"; done
  wait_until "$stop_seconds" "priority-0 adverts" captured "$spec" "$pcap" stopping || log "continuing without them"
  stop_pid "$TCPDUMP_PID"
  forget_dead
  write_vectors "$spec" "$pcap"
}

# --- keepalived ---------------------------------------------------------------------------------------------------------
KA_VERSION=$(keepalived --version 2>&1 | sed -n 1p) # sed reads to the end: no SIGPIPE under pipefail
KA_PACKAGE="keepalived $(dpkg-query -W -f='${Version}' keepalived 2>/dev/null || echo unknown)"
KA_CONF="$WORK/keepalived.conf"
cat >"$KA_CONF" <<EOF
global_defs {
  router_id vrrpd_golden_vectors
  vrrp_version 2
}
vrrp_instance V2_PASS {
  state MASTER
  interface $IF_D
  virtual_router_id 51
  priority 150
  advert_int 1
  authentication {
    auth_type PASS
    auth_pass gv-pass
  }
  virtual_ipaddress {
    192.0.2.51/24
    192.0.2.151/24
  }
}
vrrp_instance V2_NONE {
  state MASTER
  interface $IF_D
  virtual_router_id 52
  priority 100
  advert_int 1
  virtual_ipaddress {
    192.0.2.52/24
  }
}
vrrp_instance V3_IPV4 {
  version 3
  state MASTER
  interface $IF_D
  virtual_router_id 53
  priority 200
  advert_int 0.5
  virtual_ipaddress {
    192.0.2.53/24
    192.0.2.153/24
  }
}
vrrp_instance V3_IPV6 {
  version 3
  state MASTER
  interface $IF_D
  virtual_router_id 54
  priority 255
  advert_int 0.2
  virtual_ipaddress {
    fe80::5e:54/64
    2001:db8::54/64
  }
}
vrrp_instance V3_IPV4_UNICAST {
  version 3
  state MASTER
  interface $IF_D
  virtual_router_id 57
  priority 100
  advert_int 1
  unicast_src_ip 192.0.2.1
  unicast_peer {
    192.0.2.2
  }
  virtual_ipaddress {
    192.0.2.57/24
  }
}
vrrp_instance V3_IPV6_GLOBAL_FIRST {
  version 3
  state MASTER
  interface $IF_D
  virtual_router_id 56
  priority 100
  advert_int 1
  virtual_ipaddress {
    2001:db8::56/64
  }
}
EOF

KA_CMD=(keepalived -n -l -D -P -f "$KA_CONF" -p "$WORK/keepalived.pid" -r "$WORK/keepalived-vrrp.pid")
start_keepalived() {
  ip netns exec "$NS_D" keepalived -t -f "$KA_CONF" || die "keepalived rejected its configuration"
  start "$WORK/keepalived.log" ip netns exec "$NS_D" "${KA_CMD[@]}"
  DAEMON_PIDS=("$LAST_PID")
  wait_until 10 "keepalived's VRRP child" test -s "$WORK/keepalived-vrrp.pid"
  # The VRRP child is keepalived's, but stop it by pid too in case the parent dies first.
  STARTED_PIDS+=("$(cat "$WORK/keepalived-vrrp.pid")")
}

ka_spec() {
  node -e '
    const [version, pkg, conf, daemonCmd, tcpdumpCmd, kernel, date] = process.argv.slice(1);
    const a = (file, family, vrid, ver, description, extra = {}) => ({ kind: "advert", file, family, vrid, version: ver, description, phase: "running", ...extra });
    const z = (file, family, vrid, ver, description) => a(file, family, vrid, ver, description, { priorityZero: true, phase: "stopping", optional: true });
    console.log(JSON.stringify({
      source: { daemon: "keepalived", version, package: pkg },
      capture: { date, kernel, script: "scripts/capture-golden-vectors.sh", daemonCommand: daemonCmd, tcpdumpCommand: tcpdumpCmd, config: conf },
      vectors: [
        a("keepalived-v2-auth-pass.json", 4, 51, 2, "VRRPv2, auth_type PASS \"gv-pass\", two addresses, advert_int 1"),
        z("keepalived-v2-auth-pass-priority-0.json", 4, 51, 2, "VRRPv2 with auth PASS, priority 0 sent on SIGTERM (RFC 3768 §6.4.3)"),
        a("keepalived-v2-no-auth.json", 4, 52, 2, "VRRPv2 without authentication: Auth Type 0 and 8 zero bytes of Authentication Data"),
        a("keepalived-v3-ipv4.json", 4, 53, 3, "VRRPv3 over IPv4 multicast, advert_int 0.5, checksum with the IPv4 pseudo-header"),
        z("keepalived-v3-ipv4-priority-0.json", 4, 53, 3, "VRRPv3 over IPv4, priority 0 sent on SIGTERM (RFC 5798 §6.4.3)"),
        a("keepalived-v3-ipv4-unicast.json", 4, 57, 3, "VRRPv3 over IPv4 unicast to 192.0.2.2: the pseudo-header carries the unicast destination", { dst: "192.0.2.2" }),
        a("keepalived-v3-ipv6.json", 6, 54, 3, "VRRPv3 over IPv6, priority 255, link-local VIP first, advert_int 0.2"),
        z("keepalived-v3-ipv6-priority-0.json", 6, 54, 3, "VRRPv3 over IPv6, priority 0 sent on SIGTERM"),
        a("keepalived-v3-ipv6-global-first.json", 6, 56, 3, "VRRPv3 over IPv6 with only a global VIP: keepalived sends it, RFC 9568 erratum 8300 refuses it"),
        { kind: "garp", file: "frames/keepalived-garp.json", vip: "192.0.2.51", vrid: 51, phase: "running", description: "Gratuitous ARP for 192.0.2.51 (VRID 51) on becoming Master, keepalived without use_vmac" },
        { kind: "na", file: "frames/keepalived-unsolicited-na.json", vip: "2001:db8::54", vrid: 54, phase: "running", description: "Unsolicited NA for 2001:db8::54 (VRID 54) on becoming Master, keepalived without use_vmac, IPv6 forwarding on" },
      ],
    }, null, 2));
  ' "$KA_VERSION" "$KA_PACKAGE" "$(cat "$KA_CONF")" "ip netns exec <daemon-ns> $(scrub "${KA_CMD[*]}")" \
    "ip netns exec <peer-ns> tcpdump -i $IF_P -n -s 0 -U -w <file> '$TCPDUMP_FILTER'" "$(uname -r)" "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
}

log "keepalived: $KA_VERSION ($KA_PACKAGE)"
make_topology
ka_spec >"$WORK/keepalived-spec.json"
run_scenario "$WORK/keepalived-spec.json" "$WORK/keepalived.pcap" 10 start_keepalived
teardown_topology

# --- FRR zebra + vrrpd --------------------------------------------------------------------------------------------------
# FRR needs one macvlan per VRID and family carrying the virtual MAC, in bridge mode, with addrgenmode random so its
# link-local (the IPv6 advert source) is not derived from the shared virtual MAC (FRR doc/user/vrrp.rst).
FRR_VERSION=$(/usr/lib/frr/vrrpd --version 2>&1 | sed -n 1p) # sed reads to the end: no SIGPIPE under pipefail
FRR_PACKAGE="frr $(dpkg-query -W -f='${Version}' frr 2>/dev/null || echo unknown)"
FRR_DIR="$WORK/frr"
mkdir -p "$FRR_DIR"
printf 'hostname vrrpd-golden-vectors\n!\n' >"$FRR_DIR/zebra.conf"
cat >"$FRR_DIR/vrrpd.conf" <<EOF
hostname vrrpd-golden-vectors
!
interface $IF_D
 vrrp 61 version 3
 vrrp 61 priority 200
 vrrp 61 advertisement-interval 200
 vrrp 61 ip 192.0.2.61
 vrrp 61 ipv6 fe80::5e:61
 vrrp 61 ipv6 2001:db8::61
 vrrp 62 version 2
 vrrp 62 priority 100
 vrrp 62 advertisement-interval 1000
 vrrp 62 ip 192.0.2.62
!
EOF

add_macvlan() { # name vrid family address...
  local name=$1 vrid=$2 family=$3 addr
  shift 3
  ip -n "$NS_D" link add "$name" link "$IF_D" type macvlan mode bridge
  ip -n "$NS_D" link set dev "$name" addrgenmode random
  ip -n "$NS_D" link set dev "$name" address "$(printf '00:00:5e:00:%02x:%02x' "$family" "$vrid")"
  for addr in "$@"; do ip -n "$NS_D" addr add "$addr" dev "$name"; done
  ip -n "$NS_D" link set dev "$name" up
}

# The daemons drop privileges to the packaged frr user (root is refused: not in the frrvty group), so their directory
# belongs to frr and the temp dir above it may be traversed (0711) but not listed.
chmod 0711 "$WORK"
chown -R frr:frr "$FRR_DIR"
FRR_COMMON=(-P 0 -z "$FRR_DIR/zserv.api" --vty_socket "$FRR_DIR" --log-level debug)
ZEBRA_CMD=(/usr/lib/frr/zebra "${FRR_COMMON[@]}" -f "$FRR_DIR/zebra.conf" -i "$FRR_DIR/zebra.pid" --log "file:$FRR_DIR/zebra.log")
VRRPD_CMD=(/usr/lib/frr/vrrpd "${FRR_COMMON[@]}" -f "$FRR_DIR/vrrpd.conf" -i "$FRR_DIR/vrrpd.pid" --log "file:$FRR_DIR/vrrpd.log")
start_frr() {
  add_macvlan vrrp4-61 61 1 192.0.2.61/24
  add_macvlan vrrp6-61 61 2 fe80::5e:61/64 2001:db8::61/64
  add_macvlan vrrp4-62 62 1 192.0.2.62/24
  start "$WORK/zebra.log" ip netns exec "$NS_D" "${ZEBRA_CMD[@]}"
  local zebra=$LAST_PID
  FRR_CRASHLOG_DIRS+=("/var/tmp/frr/zebra.$zebra")
  wait_until 10 "zebra's socket" test -S "$FRR_DIR/zserv.api"
  start "$WORK/vrrpd.log" ip netns exec "$NS_D" "${VRRPD_CMD[@]}"
  FRR_CRASHLOG_DIRS+=("/var/tmp/frr/vrrpd.$LAST_PID")
  DAEMON_PIDS=("$LAST_PID" "$zebra") # vrrpd first, so it can still send its priority-0 adverts
}

frr_spec() {
  node -e '
    const [version, pkg, conf, daemonCmd, tcpdumpCmd, kernel, date] = process.argv.slice(1);
    const a = (file, family, vrid, ver, description, extra = {}) => ({ kind: "advert", file, family, vrid, version: ver, description, phase: "running", ...extra });
    const z = (file, family, vrid, ver, description) => a(file, family, vrid, ver, description, { priorityZero: true, phase: "stopping", optional: true });
    console.log(JSON.stringify({
      source: { daemon: "frr vrrpd", version, package: pkg },
      capture: { date, kernel, script: "scripts/capture-golden-vectors.sh", daemonCommand: daemonCmd, tcpdumpCommand: tcpdumpCmd, config: conf },
      vectors: [
        a("frr-v3-ipv4.json", 4, 61, 3, "FRR VRRPv3 over IPv4, advertisement-interval 200 ms, pseudo-header with dst 224.0.0.18"),
        z("frr-v3-ipv4-priority-0.json", 4, 61, 3, "FRR VRRPv3 over IPv4, priority 0 on shutdown"),
        a("frr-v3-ipv6.json", 6, 61, 3, "FRR VRRPv3 over IPv6 from the macvlan link-local, link-local VIP first"),
        a("frr-v2.json", 4, 62, 2, "FRR VRRPv2 (auth type 0 only), advertisement-interval 1000 ms = Adver Int 1 s"),
        { kind: "garp", file: "frames/frr-garp.json", vip: "192.0.2.61", vrid: 61, phase: "running", description: "FRR gratuitous ARP for 192.0.2.61 (VRID 61), sent from the macvlan with the virtual MAC" },
        { kind: "na", file: "frames/frr-unsolicited-na.json", vip: "2001:db8::61", vrid: 61, phase: "running", description: "FRR unsolicited NA for 2001:db8::61 (VRID 61), sent from the macvlan with the virtual MAC" },
      ],
    }, null, 2));
  ' "$FRR_VERSION" "$FRR_PACKAGE" "$(cat "$FRR_DIR/vrrpd.conf")" \
    "ip netns exec <daemon-ns> $(scrub "${ZEBRA_CMD[*]}") ; ip netns exec <daemon-ns> $(scrub "${VRRPD_CMD[*]}")" \
    "ip netns exec <peer-ns> tcpdump -i $IF_P -n -s 0 -U -w <file> '$TCPDUMP_FILTER'" "$(uname -r)" "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
}

log "FRR: $FRR_VERSION ($FRR_PACKAGE)"
make_topology
frr_spec >"$WORK/frr-spec.json"
run_scenario "$WORK/frr-spec.json" "$WORK/frr.pcap" 5 start_frr
teardown_topology

log "done: vectors in $OUT"
