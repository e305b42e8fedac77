// Generates docs/ubus-api.md from the contract (src/daemon/api-contract.ts). Run after changing the contract:
//   node --import tsx scripts/gen-ubus-docs.ts
// test/daemon/api.test.ts fails while the file on disk differs from what this renders.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { API_ERRORS, DEFAULT_HOLD_OFF_S, METHODS, METHOD_NAMES, STATE_EVENT_ID, STATE_NOTIFY_TYPE, errorSchema, stateEventSchema } from "../src/daemon/api-contract.ts";
import { BRIEF_INSTANCE_FIELDS, statusSchema } from "../src/daemon/api-contract-status.ts";
import { brief } from "../src/daemon/api-status.ts";
import { UBUS_RPC_SESSION } from "../src/daemon/ubus-object.ts";
import { blobmsgEncode } from "../src/ubus/blobmsg.ts";
import { type Schema, typeName } from "../src/daemon/api-schema.ts";
import { DEFAULT_CONTROL_SOCKET } from "../src/daemon/control-socket.ts";
import { renderStatus } from "../src/daemon/status-table.ts";
import { jsonToBlobmsg } from "../src/ubus/blobmsg-json.ts";
import { blobmsgFormatJson } from "../src/ubus/blobmsg-format.ts";
import { ubusMaxMsglen, ubusStrerror } from "../src/ubus/message.ts";
import { SAMPLE_EVENT, SAMPLE_STATUS } from "./ubus-docs-samples.ts";

const cell = (s: string): string => s.replace(/\|/g, "\\|");

/** One row per field, nested fields with dotted paths (`instances.<instance name>.timers.skew_time_ms`). */
function fieldRows(schema: Schema, path: string): string[] {
  const rows: string[] = [];
  const walk = (s: Schema, p: string): void => {
    if (s.type === "object") for (const [k, f] of Object.entries(s.fields)) visit(f, p === "" ? k : `${p}.${k}`);
    else if (s.type === "map") walk(s.values, `${p}.<${s.key.replace(/"/g, "")}>`);
    else if (s.type === "array" && s.items.type === "object") walk(s.items, `${p}[]`);
  };
  const visit = (s: Schema, p: string): void => {
    const type = s.type === "object" ? (s.nullable === true ? "object or null" : "object") : s.type === "array" && s.items.type === "object" ? "array of object" : typeName(s);
    rows.push(`| \`${p}\` | ${cell(type)} | ${cell(s.doc)} |`);
    walk(s, p);
  };
  walk(schema, path);
  return ["| field | type | meaning |", "|---|---|---|", ...rows];
}

function argRows(name: keyof typeof METHODS): string[] {
  const args = Object.entries(METHODS[name].args);
  if (args.length === 0) return ["No arguments (`{}`)."];
  return [
    "| argument | type | required | meaning |",
    "|---|---|---|---|",
    ...args.map(([arg, spec]) => `| \`${arg}\` | ${cell(typeName(spec.schema))} | ${spec.required ? "yes" : `no${spec.default !== undefined ? `, default ${JSON.stringify(spec.default)}` : ""}`} | ${cell(spec.schema.doc)} |`),
  ];
}

/** What `ubus call` prints for a reply (tab-indented blobmsg JSON, doubles as %lf). */
function ubusCallOutput(data: Record<string, unknown>): string {
  const attrs = jsonToBlobmsg(data);
  if (!attrs.ok) throw new Error(`sample: ${attrs.error.path}: ${attrs.error.message}`);
  return blobmsgFormatJson(attrs.value, { indent: 0 });
}

function compact(data: Record<string, unknown>): string {
  const attrs = jsonToBlobmsg(data);
  if (!attrs.ok) throw new Error(`sample: ${attrs.error.path}: ${attrs.error.message}`);
  return blobmsgFormatJson(attrs.value);
}

/** Bytes an instance entry takes in a ubus reply (blobmsg, name included), rounded to 10. */
function entryBytes(name: string, entry: Record<string, unknown>): number {
  const attrs = jsonToBlobmsg({ [name]: entry });
  if (!attrs.ok) throw new Error(`sample: ${attrs.error.path}: ${attrs.error.message}`);
  return Math.round(blobmsgEncode(attrs.value).length / 10) * 10;
}

function sizeSection(): string[] {
  const lan = SAMPLE_STATUS.instances.lan;
  const full = entryBytes("lan", lan);
  const short = entryBytes("lan", brief(lan));
  const perTracked = entryBytes("lan", lan) - entryBytes("lan", { ...lan, tracked: [] });
  const kib = (bytes: number): string => `${Math.round(bytes / 1024)} KiB`;
  return [
    "## Message size",
    "",
    `ubusd carries no message over ${ubusMaxMsglen} bytes (1 MiB, \`UBUS_MAX_MSGLEN\`, set in ubus's CMakeLists.txt; the 8-byte`,
    "header is not counted): it disconnects a client that sends one, and libubus refuses to send one.",
    `The status reply takes about ${full} bytes per instance with one tracked object (${perTracked} more per tracked object):`,
    `about ${kib(255 * full)} for 255 instances. With \`{"brief": true}\` an instance takes about ${short} bytes (${kib(255 * short)} for 255),`,
    "which is what LuCI's Status > Overview box polls; one instance (`{\"instance\": \"lan\"}`) is always small.",
    "A reply that would be over the limit is not sent: the call fails with 9 (`unknown_error`), and the explanation says",
    "how big the reply was and how to ask for less.",
    "",
  ];
}

function methodSection(name: keyof typeof METHODS): string[] {
  const m = METHODS[name];
  const args = Object.keys(m.example).length > 0 ? ` '${JSON.stringify(m.example)}'` : "";
  return [
    `### \`${name}\``,
    "",
    m.doc,
    "",
    `\`ubus call vrrp ${name}${args}\``,
    "",
    ...argRows(name),
    "",
    name === "status" ? "Reply: see [The status reply](#the-status-reply)." : "Reply:",
    "",
    ...(name === "status" ? [] : [...fieldRows(m.reply, ""), ""]),
    `Errors: ${m.errors.map((e) => `\`${e}\``).join(", ")}.`,
    "",
  ];
}

export function renderUbusDocs(): string {
  const errorRows = Object.entries(API_ERRORS).map(([code, e]) => `| \`${code}\` | ${e.ubus} ${ubusStrerror(e.ubus)} | ${cell(e.doc)} |`);
  const lines = [
    "# vrrpd API: ubus object `vrrp`, control socket, `vrrpd status`",
    "",
    "<!-- Generated by scripts/gen-ubus-docs.ts from src/daemon/api-contract.ts. Do not edit by hand: edit the contract and regenerate. -->",
    "",
    "The daemon serves one API over two transports:",
    "",
    "- **ubus** (OpenWrt): the object `vrrp`, registered on ubusd's socket (`/var/run/ubus/ubus.sock`, falling back to `/var/run/ubus.sock`).",
    "  It is registered again, with a new object id, whenever ubusd restarts. Arguments are checked against the contract, not only the signature:",
    "  an unknown argument is refused, with one exception. Calls from LuCI come through uhttpd, which adds",
    `  \`${UBUS_RPC_SESSION}\` (the caller's rpcd session id) to the arguments of every call (uhttpd ubus.c, \`uh_ubus_send_request\`;`,
    "  LuCI's own ubus proxy in luci-base does the same). Every method accepts and ignores it: uhttpd has already checked the",
    "  session's ACL with rpcd (see [Access from LuCI](#access-from-luci-rpcd-acl)).",
    `- **control socket** (plain Linux, and OpenWrt when ubus is down): \`${DEFAULT_CONTROL_SOCKET}\`, mode 0600 in a 0700 directory (root only).`,
    '  Newline-delimited JSON: a request line `{"method": "status", "args": {"instance": "lan"}}` gets one reply line',
    '  `{"status": "ok", "data": {...}}` or `{"status": "<error code>", "message": "...", "field": "..."}`. An optional request `id` is echoed.',
    "  Lines longer than 64 KiB are refused with `parse_error` and the connection is closed.",
    "- **`vrrpd status`** and the other control commands of the CLI use the control socket.",
    "",
    "JSON conventions follow netifd and procd: snake_case keys, maps keyed by instance (section) name, lowercase states,",
    "times as integer epoch seconds plus a relative age in seconds, durations with their unit in the key.",
    "",
    "## Errors",
    "",
    "| code | ubus status | meaning |",
    "|---|---|---|",
    ...errorRows,
    "",
    "A failed call also carries an explanation. On the control socket it is in the reply line; over ubus the daemon sends it as",
    "a DATA reply before the failing STATUS, so `ubus call` prints it above `Command failed`:",
    "",
    ...fieldRows(errorSchema, ""),
    "",
    "Note: the ubus CLI mistakes status 2 (`INVALID_ARGUMENT`) for a usage error, prints its usage text and exits 254.",
    "",
    "## Methods",
    "",
    ...METHOD_NAMES.flatMap(methodSection),
    "## The status reply",
    "",
    ...fieldRows(statusSchema, ""),
    "",
    `With \`brief\`, each instance has only ${BRIEF_INSTANCE_FIELDS.map((f) => `\`${f}\``).join(", ")}.`,
    "",
    ...sizeSection(),
    `## The \`${STATE_EVENT_ID}\` event`,
    "",
    "Every state change of an instance is published three ways, with the same data:",
    "",
    `1. the ubus event \`${STATE_EVENT_ID}\` (\`ubus listen ${STATE_EVENT_ID}\`, like netifd's \`network.interface\`);`,
    `2. a notification of type \`${STATE_NOTIFY_TYPE}\` to the subscribers of the object \`vrrp\` (\`ubus subscribe vrrp\`), sent only while someone is subscribed;`,
    `3. \`ubus call service event '{"type":"${STATE_EVENT_ID}","data":{...}}'\` to procd, so that init scripts can react with`,
    `   \`procd_add_raw_trigger "${STATE_EVENT_ID}" <timeout_ms> /etc/init.d/<service> reload\`.`,
    "",
    "Publishing never delays the protocol: events are queued (at most 1024; the oldest are dropped first) and sent on later",
    "turns of the event loop. While ubusd is down they wait, and are sent in order after the reconnect.",
    "",
    ...fieldRows(stateEventSchema, ""),
    "",
    "## Examples",
    "",
    "`ubus call vrrp status`:",
    "",
    "```",
    ubusCallOutput(SAMPLE_STATUS),
    "```",
    "",
    `\`ubus listen ${STATE_EVENT_ID}\`:`,
    "",
    "```",
    `{ "${STATE_EVENT_ID}": ${compact(SAMPLE_EVENT)} }`,
    "```",
    "",
    "`ubus subscribe vrrp`:",
    "",
    "```",
    `{ "${STATE_NOTIFY_TYPE}": ${compact(SAMPLE_EVENT)} }`,
    "```",
    "",
    "`ubus call vrrp switchover '{\"instance\":\"wan\"}'` on a backup (exit status 248 without a TTY):",
    "",
    "```",
    ubusCallOutput({ error: "invalid_state", message: "instance wan is backup, not master", field: "instance" }),
    "Command failed: ubus call vrrp switchover {\"instance\":\"wan\"} (Operation not supported)",
    "```",
    "",
    "`vrrpd status`:",
    "",
    "```",
    renderStatus(SAMPLE_STATUS).trimEnd(),
    "```",
    "",
    "`vrrpd status --json lan` prints the status reply (with only `lan`) as JSON. The other commands:",
    "",
    "```",
    "vrrpd switchover lan --hold-off 300   # hand over; do not take it back for 5 minutes",
    `vrrpd switchover lan                  # hold-off ${DEFAULT_HOLD_OFF_S} s`,
    "vrrpd set-priority lan 50             # runtime override (not persisted)",
    "vrrpd set-priority lan none           # back to the configured priority",
    "vrrpd reset-counters lan",
    "vrrpd reload                          # same as SIGHUP",
    "```",
    "",
    "Exit status: 0 done, 1 refused by the daemon (message on stderr), 2 usage error, 3 daemon not reachable.",
    "",
    "The control socket by hand:",
    "",
    "```",
    `echo '{"method":"set_priority","args":{"instance":"lan","priority":null}}' | socat - UNIX-CONNECT:${DEFAULT_CONTROL_SOCKET}`,
    "```",
    "",
    "## Access from LuCI (rpcd ACL)",
    "",
    "uhttpd asks rpcd (`session access`) whether the caller's session may call `vrrp.<method>` before it forwards a call;",
    "a refused call never reaches the daemon and LuCI gets the JSON-RPC error -32002 \"Access denied\". A login gets the",
    "methods of the access groups its `/etc/config/rpcd` login lists under `read` (and `write`, which implies `read`).",
    "luci-app-vrrp's own ACL grants `status` to read and the Status page's `switchover`, `set_priority` and `reload` to write.",
    "The daemon package installs one for every method (`/usr/share/rpcd/acl.d/vrrpd.json`):",
    "",
    "```json",
    JSON.stringify(JSON.parse(readFileSync(fileURLToPath(new URL("../files/usr/share/rpcd/acl.d/vrrpd.json", import.meta.url)), "utf8")), null, 2),
    "```",
    "",
  ];
  return lines.join("\n");
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const out = fileURLToPath(new URL("../docs/ubus-api.md", import.meta.url));
  writeFileSync(out, renderUbusDocs());
  console.log(`wrote ${out}`);
}
