// `vrrpd import`'s pure part: which importer a file needs, and running it. keepalived.conf and OpenWrt's
// /etc/config/keepalived (UCI) are told apart by their first meaningful line: UCI files start with `config` or
// `package`, which is no keepalived keyword.
import type { KeepalivedFile } from "../keepalived/types.ts";
import { importKeepalived, type ImportResult, type KeepalivedImportOptions } from "./keepalived.ts";
import { importOpenwrtKeepalived } from "./openwrt-keepalived.ts";

export type { ImportResult, KeepalivedImportOptions } from "./keepalived.ts";
export { importKeepalived } from "./keepalived.ts";
export { importOpenwrtKeepalived } from "./openwrt-keepalived.ts";

export const IMPORT_FORMATS = ["keepalived", "openwrt-keepalived"] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

export function isImportFormat(text: string): text is ImportFormat {
  return (IMPORT_FORMATS as readonly string[]).includes(text);
}

export function detectFormat(text: string): ImportFormat {
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith("!")) continue;
    return /^(config|package)([ \t]|$)/.test(line) ? "openwrt-keepalived" : "keepalived";
  }
  return "keepalived";
}

export function importConfig(format: ImportFormat, file: KeepalivedFile, options: KeepalivedImportOptions = {}): ImportResult {
  return format === "keepalived" ? importKeepalived(file, options) : importOpenwrtKeepalived(file);
}
