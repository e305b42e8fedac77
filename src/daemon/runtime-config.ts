// From the validated configuration to what the runtime runs: logical networks resolved to devices, script
// users resolved to uid/gid, notify scripts keyed by instance and group, hotplug paths.
import { resolveDevices } from "../config/resolve.ts";
import type { DaemonConfig } from "../config/model.ts";
import { hostname } from "node:os";
import type { Logger } from "./log.ts";
import { mailEnabled, type MailRuntimeConfig } from "./mail/mail-service.ts";
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
    http: s.http,
    ping: s.ping,
    tcp: s.tcp,
    process: s.process,
    file: s.file,
    identity: identity(s.user ?? config.globals.scriptUser, s.group ?? config.globals.scriptGroup),
  }));
  const notify = Object.fromEntries([
    ...Object.values(config.instances).map((m) => [m.name, m.notify] as const),
    ...Object.values(config.syncGroups).map((g) => [g.name, g.notify] as const),
  ]);
  return {
    core,
    mail: mailConfig(config, logger),
    trackScripts,
    notify,
    notifyTimeoutMs: NOTIFY_TIMEOUT_MS,
    scriptIdentity: identity(config.globals.scriptUser, config.globals.scriptGroup),
    ...(config.globals.hotplug ? { hotplugDir: paths.hotplugDir, userHook: paths.userHook } : {}),
  };
}

/** Who gets alerts; a smtp_alert that cannot be honoured is said once, at load. */
function mailConfig(config: DaemonConfig, logger: Logger): MailRuntimeConfig | undefined {
  const instances = Object.values(config.instances).filter((m) => m.smtpAlert).map((m) => m.name);
  const groups = Object.fromEntries(Object.values(config.syncGroups).filter((g) => g.smtpAlert).map((g) => [g.name, [...g.members]]));
  const wanted = instances.length > 0 || Object.keys(groups).length > 0;
  if (wanted && !mailEnabled(config.globals.mail)) {
    logger.log("warning", "smtp_alert is set but globals has no notification_email or no smtp_server: no alert mail will be sent");
  }
  // Without smtp_alert anywhere, the settings are still kept: `test_mail` checks them before any alert is on.
  if (!wanted && !mailEnabled(config.globals.mail)) return undefined;
  return { settings: config.globals.mail, routerId: config.globals.routerId ?? hostname(), instances, groups };
}
