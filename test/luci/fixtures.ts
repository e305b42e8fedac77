// The configuration the LuCI tests and the screenshot harness start from: a router of the pair as OpenWrt
// ships it (lan static, wan DHCP, dnsmasq defaults) but with LAN address .2, and vrrpd's shipped example.
import { readFileSync } from "node:fs";
import { parseUci } from "../../src/config/uci/parser.ts";
import type { Section } from "./luci-vm.ts";

/** A UCI file as uci.js hands it to views: sections with .name/.type/.anonymous/.index, lists as arrays. */
export function luciSections(path: string, text: string): Section[] {
  const { package: pkg } = parseUci({ path, text });
  return pkg.sections.map((s, i) => {
    const section: Section = { ".name": s.name ?? `cfg${String(i).padStart(2, "0")}0000`, ".type": s.type, ".anonymous": s.name === undefined, ".index": i };
    for (const o of s.options) section[o.name] = o.kind === "list" ? o.items.map((item) => item.value) : o.value;
    return section;
  });
}

export const NETWORK = `
config interface 'loopback'
	option device 'lo'
	option proto 'static'
	option ipaddr '127.0.0.1'
	option netmask '255.0.0.0'

config device
	option name 'br-lan'
	option type 'bridge'
	list ports 'lan1'

config interface 'lan'
	option device 'br-lan'
	option proto 'static'
	option ipaddr '192.168.1.2'
	option netmask '255.255.255.0'

config interface 'wan'
	option device 'wan'
	option proto 'dhcp'
`;

export const DHCP = `
config dnsmasq
	option domainneeded '1'
	option authoritative '1'
	option local '/lan/'
	option leasefile '/tmp/dhcp.leases'

config dhcp 'lan'
	option interface 'lan'
	option start '100'
	option limit '150'
	option leasetime '12h'

config dhcp 'wan'
	option interface 'wan'
	option ignore '1'
`;

export function routerConfig(): Record<string, Section[]> {
  return {
    network: luciSections("/etc/config/network", NETWORK),
    dhcp: luciSections("/etc/config/dhcp", DHCP),
    vrrp: luciSections("/etc/config/vrrp", readFileSync("files/etc/config/vrrp", "utf8")),
  };
}
