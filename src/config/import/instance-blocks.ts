// The `{ }` blocks of a vrrp_instance (also used by vrrp_sync_group for its track blocks): authentication,
// virtual addresses, routes, unicast peers and tracked interfaces / scripts.
import { ipFamily } from "../../lib/ip.ts";
import type { KeepalivedNode } from "../keepalived/types.ts";
import { parseIpAddress } from "../values/scalar.ts";
import type { KeepalivedInstance, TrackEntry } from "./instance-model.ts";
import { expectBlock, reportOther } from "./other-keywords.ts";
import type { ImportReport } from "./report.ts";
import { importRoute } from "./route.ts";
import { trackedKey } from "./tracked-objects.ts";
import { integerIn, isPlaceholder } from "./values.ts";
import { importVip } from "./vip.ts";

const IFNAME = /^[^\s/:]{1,15}$/;

export function readAuthentication(block: KeepalivedNode, k: KeepalivedInstance, report: ImportReport): void {
  for (const node of expectBlock(block, report)) {
    const value = node.args[0];
    if (node.keyword === "auth_type") {
      if (value === "PASS" || value === "AH") k.authType = { value, at: node };
      else report.error(node, node.keyword, `unknown authentication type '${value ?? ""}' (PASS or AH); ignored (as keepalived)`);
    } else if (node.keyword === "auth_pass") {
      if (value === undefined || value === "") {
        report.error(node, node.keyword, "needs a password; ignored");
        continue;
      }
      // keepalived keeps the first 8 bytes (the VRRPv2 field size) and says so in its log.
      const bytes = new TextEncoder().encode(value);
      const pass = bytes.length > 8 ? new TextDecoder().decode(bytes.slice(0, 8)).replace(/\uFFFD+$/, "") : value;
      if (pass !== value) report.warning(node, node.keyword, `longer than 8 bytes: keepalived uses only '${pass}', and so does the import`);
      k.authPass = { value: pass, at: node };
    } else {
      reportOther(node, {}, ["auth_type", "auth_pass"], "authentication", report);
    }
  }
}

export function readAddresses(block: KeepalivedNode, k: KeepalivedInstance, report: ImportReport): void {
  const excluded = block.keyword === "virtual_ipaddress_excluded";
  for (const node of expectBlock(block, report)) {
    const vip = importVip(node, block.keyword, report);
    if (vip === undefined) continue;
    if (excluded) {
      k.excludedVips.push({ text: vip.text, family: vip.family, at: node });
      continue;
    }
    k.family ??= vip.family;
    if (vip.family !== k.family) {
      report.error(node, block.keyword, `${vip.address} is IPv${vip.family} but the instance is IPv${k.family} (set by its first address); keepalived ignores it, and so does the import (move it to virtual_ipaddress_excluded or to another instance)`);
      continue;
    }
    k.vips.push({ text: vip.text, family: vip.family, at: node });
  }
}

export function readRoutes(block: KeepalivedNode, k: KeepalivedInstance, report: ImportReport): void {
  for (const node of expectBlock(block, report)) {
    const route = importRoute(node, block.keyword, report);
    if (route !== undefined) k.routes.push(route);
  }
}

export function readPeers(block: KeepalivedNode, k: KeepalivedInstance, report: ImportReport): void {
  for (const node of expectBlock(block, report)) {
    const parsed = parseIpAddress(node.keyword);
    if (!parsed.ok) {
      report.error(node, block.keyword, `${isPlaceholder(node.keyword) ? `'${node.keyword}' is a placeholder` : parsed.error}; this peer is skipped (keepalived skips it too)`);
      continue;
    }
    if (node.args.length > 0) report.warning(node, block.keyword, `${node.keyword}: '${node.args.join(" ")}' not imported: vrrpd checks no TTL range on unicast adverts`);
    k.peers.push({ address: parsed.value, at: node });
  }
}

/**
 * `NAME [weight N [reverse]]` as keepalived's alloc_track_if / alloc_track_script read it: a line with another
 * word after the name, or `weight` without a number, is ignored; a bad number means weight 0 for an interface
 * and the script's own weight for a script; ±254 becomes ±253; `noreverse` exists for scripts only. A script
 * entry without `reverse`/`noreverse` keeps the script's own direction, even with a weight of its own.
 */
export function readTrackEntry(node: KeepalivedNode, block: string, isInterface: boolean, report: ImportReport): TrackEntry | undefined {
  const name = node.keyword;
  if (isPlaceholder(name) || (isInterface && !IFNAME.test(name))) {
    report.error(node, block, `'${name}' is not ${isInterface ? "an interface name" : "a script name"}; ignored`);
    return undefined;
  }
  const [word, weightText, flag] = node.args;
  if (word === undefined) return { name, weight: undefined, reverse: undefined, at: node };
  if (word !== "weight" || weightText === undefined) {
    report.error(node, block, `${name}: ${word === "weight" ? "weight without a value" : `unknown option '${word}'`}; keepalived ignores this entry, and so does the import`);
    return undefined;
  }
  let weight = integerIn(weightText, -254, 254);
  if (weight === undefined) {
    report.error(node, block, `${name}: weight '${weightText}' is not in -253..253; keepalived uses ${isInterface ? "weight 0 (fault while down)" : "the script's own weight"}, and so does the import`);
  } else if (Math.abs(weight) === 254) {
    const why = block === "track_file" ? "vrrpd's weights are -253..253; it differs from keepalived only for a value of ±1" : "as keepalived";
    report.warning(node, block, `${name}: weight ${weight} becomes ${weight > 0 ? 253 : -253} (${why})`);
    weight = weight > 0 ? 253 : -253;
  }
  let reverse: boolean | undefined;
  if (flag === "reverse") reverse = true;
  else if (flag === "noreverse" && !isInterface) reverse = false;
  else if (flag !== undefined) report.warning(node, block, `${name}: unknown weight option '${flag}' ignored (as keepalived)`);
  if (node.args.length > 3) report.warning(node, block, `${name}: '${node.args.slice(3).join(" ")}' ignored (as keepalived)`);
  return { name, weight: weight ?? (isInterface ? 0 : undefined), reverse, at: node };
}

/** track_file / track_process entries go into the track_script list under their kind's key (tracked-objects.ts). */
export function readTracks(block: KeepalivedNode, into: TrackEntry[], report: ImportReport): void {
  const isInterface = block.keyword === "track_interface";
  const kind = block.keyword === "track_file" || block.keyword === "track_process" ? block.keyword : undefined;
  for (const node of expectBlock(block, report)) {
    const entry = readTrackEntry(node, block.keyword, isInterface, report);
    if (entry !== undefined) into.push(kind === undefined ? entry : { ...entry, name: trackedKey(kind, entry.name) });
  }
}

/** unicast_src_ip / mcast_src_ip: one field in keepalived (the later line wins); the first one sets the family. */
export function readSource(node: KeepalivedNode, k: KeepalivedInstance, report: ImportReport): void {
  const text = node.args[0] ?? "";
  const parsed = parseIpAddress(text);
  if (!parsed.ok) {
    report.error(node, node.keyword, `${isPlaceholder(text) ? `'${text}' is a placeholder` : parsed.error}; ignored (keepalived skips a malformed source address too)`);
    return;
  }
  const family = ipFamily(parsed.value) ?? 4;
  k.family ??= family;
  if (family !== k.family) {
    report.error(node, node.keyword, `${parsed.value} is IPv${family} but the instance is IPv${k.family}; ignored (as keepalived)`);
    return;
  }
  if (k.source !== undefined && k.source.value.address !== parsed.value) {
    report.warning(node, node.keyword, `replaces ${k.source.value.keyword} ${k.source.value.address} (line ${k.source.at.line}): keepalived keeps one source address, the last one written`);
  }
  const keyword = node.keyword === "unicast_src_ip" ? "unicast_src_ip" : "mcast_src_ip";
  k.source = { value: { keyword, address: parsed.value }, at: node };
}
