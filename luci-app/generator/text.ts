// Text helpers of the LuCI generator: JS string literals for the templates, and the schema's Markdown-ish
// descriptions as the small HTML LuCI shows under a field.

/** A single-quoted JS string literal, LuCI's style. */
export function jsString(text: string): string {
  return `'${text.replace(/\\/g, "\\\\").replace(/'/g, "\\'").replace(/\n/g, "\\n")}'`;
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** `code` spans become <code>, everything else is escaped. */
export function markdownToHtml(text: string): string {
  return escapeHtml(text).replace(/`([^`]+)`/g, "<code>$1</code>");
}

const WORDS: Readonly<Record<string, string>> = {
  id: "ID",
  ip: "IP",
  ipaddress: "IP addresses",
  vrrp: "VRRP",
  garp: "GARP",
  smtp: "SMTP",
  mcast: "multicast",
  src: "source",
  int: "interval",
  prio: "priority",
  pass: "password",
};

/** Titles where the option name does not read well. */
const TITLES: Readonly<Record<string, string>> = {
  state: "Initial state",
  version: "VRRP version",
  vrrp_version: "VRRP version",
  nopreempt: "Do not preempt",
  accept: "Accept mode",
  virtual_ipaddress: "Virtual IP addresses",
  virtual_ipaddress_excluded: "Excluded virtual IP addresses",
  unicast_peer: "Unicast peers",
  track_interface: "Tracked interfaces",
  track_script: "Track scripts",
  auth_type: "Authentication",
  v3_checksum_as_v2: "VRRPv3 checksum as v2",
  vrrp_mcast_group4: "IPv4 multicast group",
  vrrp_mcast_group6: "IPv6 multicast group",
  group: "Members",
  sync_group_tracking_weight: "Keep tracking weights",
  init_fail: "Start as down",
  notify: "Notify on every change",
  hotplug: "Run hotplug hooks",
  enable_script_security: "Script security",
};

/** An option's field label: `virtual_router_id` -> "Virtual router ID"; globals' `vrrp_` defaults lose the prefix. */
export function optionTitle(name: string): string {
  const override = TITLES[name];
  if (override !== undefined) return override;
  const words = name.replace(/^vrrp_(?=.)/, "").split("_").map((w) => WORDS[w] ?? w);
  const text = words.join(" ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}
