// What the interop tests need besides root and namespaces: the real daemons from Debian (never a look-alike) and
// the tools the lab drives. Missing pieces skip the test loudly on a workstation and fail it under CI=true, in the
// same spirit as skipWithoutNetns: a CI that silently skips interop proves nothing.
import assert from "node:assert/strict";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import { spawnSync } from "node:child_process";
import type { TestContext } from "node:test";
import { skipWithoutNetns } from "../platform/netns.ts";

// keepalived lives in /usr/sbin, which a non-login root shell may not have on PATH.
const SEARCH_PATH = [...(process.env.PATH ?? "").split(delimiter), "/usr/sbin", "/sbin", "/usr/bin", "/bin"];

export const FRR_DIR = "/usr/lib/frr";
export const FRR_ZEBRA = join(FRR_DIR, "zebra");
export const FRR_VRRPD = join(FRR_DIR, "vrrpd");

/** Absolute path of an executable (a bare name is looked up on PATH and the sbin directories), or undefined. */
export function findExecutable(name: string): string | undefined {
  const candidates = name.includes("/") ? [name] : SEARCH_PATH.filter((d) => d !== "").map((d) => join(d, name));
  for (const path of candidates) {
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** The numeric uid/gid of a system user, or undefined when it does not exist. */
export function systemUser(name: string): { uid: number; gid: number } | undefined {
  const uid = spawnSync("id", ["-u", name], { encoding: "utf8", timeout: 5000 });
  const gid = spawnSync("id", ["-g", name], { encoding: "utf8", timeout: 5000 });
  if (uid.status !== 0 || gid.status !== 0) return undefined;
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/**
 * True when the test must not run (then it is skipped with a loud message); under CI=true a missing prerequisite
 * fails the test instead. `needs` lists executables; `users` lists system users the daemons drop privileges to.
 */
export function skipWithoutInterop(t: TestContext, needs: readonly string[], users: readonly string[] = []): boolean {
  if (skipWithoutNetns(t)) return true;
  const missing = [
    ...needs.filter((tool) => findExecutable(tool) === undefined).map((tool) => `${tool} not found`),
    ...users.filter((user) => systemUser(user) === undefined).map((user) => `no system user ${user}`),
  ];
  if (missing.length === 0) return false;
  const reason = `${missing.join(", ")} (apt-get install -y keepalived frr tcpdump iputils-ping; .ci/run does this)`;
  if (process.env.CI === "true") assert.fail(`interop tests cannot run under CI=true: ${reason}`);
  console.error(`\n!!! SKIPPING ${t.name}: ${reason}. The interop tests need the real daemons. !!!\n`);
  t.skip(reason);
  return true;
}
