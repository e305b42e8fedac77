// From the validated configuration to what the runtime runs: logical networks resolved to devices, script
// users resolved to uid/gid, notify scripts keyed by instance and group, hotplug paths.
import { resolveDevices } from "../config/resolve.ts";
import type { DaemonConfig } from "../config/model.ts";
import type { Logger } from "./log.ts";
import type { RuntimeConfig } from "./runtime.ts";
import { resolveUser } from "./users.ts";

export interface RuntimePaths {
  readonly hotplugDir: string;
  readonly userHook: string;
}

export const OPENWRT_PATHS: RuntimePaths = { hotplugDir: "/etc/hotplug.d/vrrp", userHook: "/etc/vrrp.user" };

const NOTIFY_TIMEOUT_MS = 30_000;

export function toRuntimeConfig(config: DaemonConfig, deviceOf: (network: string) => string | undefined, logger: Logger, paths: RuntimePaths = OPENWRT_PATHS): RuntimeConfig {
  const { core } = resolveDevices(config, deviceOf);
  const identity = (user: string | undefined, group: string | undefined) => {
    if (user === undefined) return undefined;
    const found = resolveUser(user, group);
    if (!found) logger.log("warning", `script user ${user}${group ? `:${group}` : ""} does not exist; running scripts as the daemon's user`);
    return found;
  };
  const trackScripts = Object.values(config.trackScripts).map((s) => ({
    name: s.name,
    script: s.script,
    intervalMs: s.intervalMs,
    timeoutMs: s.timeoutMs,
    rise: s.rise,
    fall: s.fall,
    initFail: s.initFail,
    identity: identity(s.user ?? config.globals.scriptUser, s.group ?? config.globals.scriptGroup),
  }));
  const notify = Object.fromEntries([
    ...Object.values(config.instances).map((m) => [m.name, m.notify] as const),
    ...Object.values(config.syncGroups).map((g) => [g.name, g.notify] as const),
  ]);
  return {
    core,
    trackScripts,
    notify,
    notifyTimeoutMs: NOTIFY_TIMEOUT_MS,
    scriptIdentity: identity(config.globals.scriptUser, config.globals.scriptGroup),
    ...(config.globals.hotplug ? { hotplugDir: paths.hotplugDir, userHook: paths.userHook } : {}),
  };
}
