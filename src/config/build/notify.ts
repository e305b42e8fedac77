// notify_* options, shared by instances and sync groups.
import { stringOf } from "../access.ts";
import type { NotifyScripts } from "../model.ts";
import type { ReadSection } from "../read.ts";

export function notifyOf(s: ReadSection): NotifyScripts {
  const out: { -readonly [K in keyof NotifyScripts]: string } = {};
  const pairs = [["master", "notify_master"], ["backup", "notify_backup"], ["fault", "notify_fault"], ["stop", "notify_stop"], ["any", "notify"]] as const;
  for (const [key, option] of pairs) {
    const command = stringOf(s, option);
    if (command !== undefined) out[key] = command;
  }
  return out;
}
