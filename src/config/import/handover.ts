// keepalived releases a stepping-down master's virtual addresses at once; vrrpd keeps them until the new master's
// next advert (handover 'make-before-break'), deliberately, so clients lose nothing. The import keeps vrrpd's
// default and writes 'strict' only for keepalived's strict mode, which asks for RFC behaviour. The difference is
// visible to a script that runs on stepping down, so that is where the import says so, once per instance.
import type { Effective } from "./instance-rules.ts";
import type { KeepalivedInstance } from "./instance-model.ts";
import type { ImportReport } from "./report.ts";

/** Scripts keepalived ran after releasing the addresses and vrrpd runs while it still holds them. */
const STEP_DOWN_SCRIPTS = ["notify_backup", "notify_stop", "notify"];

/** The `handover` option to write, if any; reports the first step-down script of a non-strict instance. */
export function importHandover(k: KeepalivedInstance, e: Effective, report: ImportReport): string | undefined {
  if (e.strict) return "strict";
  const scripts = STEP_DOWN_SCRIPTS.flatMap((keyword) => {
    const command = k.notify.get(keyword);
    return command === undefined ? [] : [{ keyword, at: command.at }];
  });
  const first = scripts.sort((a, b) => a.at.line - b.at.line)[0];
  if (first !== undefined) {
    report.warning(first.at, first.keyword,
      "runs when this router steps down: keepalived had released the virtual addresses by then, vrrpd still holds them until the new master's next advert " +
      "(handover 'make-before-break', at most one advert interval, so clients lose nothing); if the script needs the addresses gone, add option handover 'strict' to this instance");
  }
  return undefined;
}
