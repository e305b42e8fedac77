// Scripts run as the configured user (keepalived's script_user / vrrp_script `user`). Resolved from
// /etc/passwd and /etc/group, which OpenWrt and Debian both have; no getpwnam FFI needed.
import { readFileSync } from "node:fs";

export interface Identity {
  readonly uid: number;
  readonly gid: number;
}

export function resolveUser(user: string, group?: string, files = { passwd: "/etc/passwd", group: "/etc/group" }): Identity | undefined {
  const entry = lookup(files.passwd, user);
  if (!entry) return undefined;
  const uid = Number(entry[2]);
  let gid = Number(entry[3]);
  if (group !== undefined) {
    const g = lookup(files.group, group);
    if (!g) return undefined;
    gid = Number(g[2]);
  }
  return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid } : undefined;
}

function lookup(path: string, name: string): string[] | undefined {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
  for (const line of text.split("\n")) {
    const fields = line.split(":");
    if (fields[0] === name || (/^\d+$/.test(name) && fields[2] === name)) return fields;
  }
  return undefined;
}
