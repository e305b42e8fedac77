// Reads the lines of a vrrp_instance block into a KeepalivedInstance, with keepalived's parse-time behaviour:
// the last value of a keyword wins, except notify scripts (the first wins), and a bad value is ignored with the
// default kept (a bad priority becomes 100, as keepalived's handler sets it).
import type { KeepalivedNode } from "../keepalived/types.ts";
import { readAddresses, readAuthentication, readPeers, readRoutes, readSource, readTracks } from "./instance-blocks.ts";
import { newInstance, type KeepalivedInstance } from "./instance-model.ts";
import { STRICT_MODE_EFFECTS } from "./instance-rules.ts";
import { INSTANCE_NOT_IMPORTED } from "./not-imported.ts";
import { argOf, noBlock, reportOther } from "./other-keywords.ts";
import type { ImportReport } from "./report.ts";
import { commandText } from "./script.ts";
import { flagValue, integerIn, isPlaceholder, secondsToMs } from "./values.ts";

type Handler = (node: KeepalivedNode, k: KeepalivedInstance, report: ImportReport) => void;

const IFNAME = /^[^\s/:]{1,15}$/;
const NOTIFY = ["notify_master", "notify_backup", "notify_fault", "notify_stop", "notify"];
const GARP: Readonly<Record<string, { readonly min: number; readonly max: number; readonly seconds: boolean }>> = {
  garp_master_delay: { min: 0, max: 3600, seconds: true },
  garp_master_repeat: { min: 1, max: 255, seconds: false },
  garp_master_refresh: { min: 0, max: 86400, seconds: true },
  garp_master_refresh_repeat: { min: 1, max: 255, seconds: false },
  garp_lower_prio_delay: { min: 0, max: 3600, seconds: true },
  garp_lower_prio_repeat: { min: 0, max: 255, seconds: false },
};

const garp: Handler = (node, k, report) => {
  const spec = GARP[node.keyword];
  const text = argOf(node, report);
  if (spec === undefined || text === undefined) return;
  // keepalived reads these with strtoul(): whole numbers (of seconds for the delays).
  const n = integerIn(text, spec.min, spec.max);
  if (n === undefined) report.error(node, node.keyword, `'${text}' is not a whole number ${spec.min}..${spec.max}${spec.seconds ? " (seconds)" : ""}; ignored`);
  else k.garp.set(node.keyword, { value: String(n), at: node });
};

const flag: Handler = (node, k, report) => {
  const on = flagValue(node);
  if (on === undefined) report.error(node, node.keyword, `'${node.args[0] ?? ""}' is not on/off (true/false, yes/no); ignored`);
  else k.flags.set(node.keyword as "smtp_alert", { value: on, at: node });
};

const notify: Handler = (node, k, report) => {
  const [command = "", ...user] = node.args;
  const text = commandText([command]);
  const first = k.notify.get(node.keyword);
  if (first !== undefined) {
    report.warning(node, node.keyword, `already set at line ${first.at.line}; keepalived keeps the first, and so does the import`);
  } else if (text === "" || isPlaceholder(text)) {
    report.error(node, node.keyword, text === "" ? "needs a command; ignored" : `'${text}' is a placeholder, not a command; ignored`);
  } else {
    if (user.length > 0) report.warning(node, node.keyword, `runs as '${user.join(" ")}' under keepalived; not imported: vrrpd runs notify commands as globals.script_user`);
    k.notify.set(node.keyword, { value: text, at: node });
  }
};

const HANDLERS: Readonly<Record<string, Handler>> = {
  state: (node, k, report) => {
    const value = node.args[0];
    if (value === "MASTER" || value === "BACKUP") k.state = { value, at: node };
    else {
      report.warning(node, node.keyword, `unknown state '${value ?? ""}' (MASTER or BACKUP, upper case); keepalived uses BACKUP, and so does the import`);
      k.state = { value: "BACKUP", at: node };
    }
  },
  interface: (node, k, report) => {
    const value = argOf(node, report);
    if (value === undefined) return;
    if (IFNAME.test(value) && !isPlaceholder(value)) k.device = { value, at: node };
    else report.error(node, node.keyword, `'${value}' is not an interface name; ignored`);
  },
  virtual_router_id: (node, k, report) => {
    const vrid = integerIn(argOf(node, report), 1, 255);
    if (vrid === undefined) report.error(node, node.keyword, `'${node.args[0] ?? ""}' is not a VRID 1..255; ignored (keepalived refuses an instance without one)`);
    else k.vrid = { value: vrid, at: node };
  },
  priority: (node, k, report) => {
    const priority = integerIn(argOf(node, report), 1, 255);
    if (priority === undefined) report.error(node, node.keyword, `'${node.args[0] ?? ""}' is not a priority 1..255; keepalived uses 100, and so does the import`);
    k.priority = { value: priority ?? 100, at: node };
  },
  advert_int: (node, k, report) => {
    const ms = secondsToMs(argOf(node, report));
    if (ms === undefined || ms === 0) report.error(node, node.keyword, `'${node.args[0] ?? ""}' is not a positive number of seconds; ignored (1 s applies)`);
    else k.advertMs = { value: ms, at: node };
  },
  version: (node, k, report) => {
    const version = integerIn(argOf(node, report), 2, 3);
    if (version === 2 || version === 3) k.version = { value: version, at: node };
    else report.error(node, node.keyword, `'${node.args[0] ?? ""}' is not 2 or 3; ignored`);
  },
  nopreempt: (node, k) => void (k.nopreempt = { value: true, at: node }),
  preempt: (node, k) => void (k.nopreempt = { value: false, at: node }),
  preempt_delay: (node, k, report) => {
    const ms = secondsToMs(argOf(node, report));
    if (ms === undefined || ms > 1_000_000) report.error(node, node.keyword, `'${node.args[0] ?? ""}' is not a number of seconds 0..1000; keepalived uses 0, and so does the import`);
    k.preemptDelayMs = { value: ms !== undefined && ms <= 1_000_000 ? ms : 0, at: node };
  },
  accept: (node, k) => void (k.accept = { value: true, at: node }),
  no_accept: (node, k) => void (k.accept = { value: false, at: node }),
  strict_mode: (node, k, report) => {
    const on = flagValue(node);
    if (on === undefined) report.error(node, node.keyword, `'${node.args[0] ?? ""}' is not on/off; ignored`);
    else {
      k.strict = { value: on, at: node };
      if (on) report.warning(node, node.keyword, `not imported as a switch: its effects are written into this instance (${STRICT_MODE_EFFECTS})`);
    }
  },
  unicast_src_ip: readSource,
  mcast_src_ip: readSource,
  lower_prio_no_advert: flag,
  higher_prio_send_advert: flag,
  v3_checksum_as_v2: flag,
  smtp_alert: flag,
  ...Object.fromEntries(Object.keys(GARP).map((name) => [name, garp])),
  ...Object.fromEntries(NOTIFY.map((name) => [name, notify])),
};

const BLOCKS: Readonly<Record<string, Handler>> = {
  authentication: readAuthentication,
  virtual_ipaddress: readAddresses,
  virtual_ipaddress_excluded: readAddresses,
  virtual_routes: readRoutes,
  unicast_peer: readPeers,
  track_interface: (node, k, report) => readTracks(node, k.trackInterfaces, report),
  track_script: (node, k, report) => readTracks(node, k.trackScripts, report),
  // Files and processes become track_scripts too; their entries carry their kind in the key (tracked-objects.ts).
  track_file: (node, k, report) => readTracks(node, k.trackScripts, report),
  track_process: (node, k, report) => readTracks(node, k.trackScripts, report),
};

export function readInstance(block: KeepalivedNode, name: string, uciName: string, report: ImportReport): KeepalivedInstance {
  const k = newInstance(name, uciName, block);
  for (const node of block.children ?? []) {
    const handler = Object.hasOwn(HANDLERS, node.keyword) ? HANDLERS[node.keyword] : undefined;
    const blockHandler = Object.hasOwn(BLOCKS, node.keyword) ? BLOCKS[node.keyword] : undefined;
    if (handler !== undefined) {
      noBlock(node, report);
      handler(node, k, report);
    } else if (blockHandler !== undefined) {
      blockHandler(node, k, report);
    } else {
      reportOther(node, INSTANCE_NOT_IMPORTED, [...Object.keys(HANDLERS), ...Object.keys(BLOCKS)], `vrrp_instance ${name}`, report);
    }
  }
  return k;
}
