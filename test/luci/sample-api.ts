// The daemon's API answering from the documented samples (scripts/ubus-docs-samples.ts), for the browser harness:
// the pages render the same on every run, so the screenshots only change when the pages do. Arguments are
// checked against the contract as the real API checks them (api.ts), so whatever the daemon would refuse, this
// refuses too: the harness cannot hide a call the daemon would not take.
import type { ApiReply, VrrpApi } from "../../src/daemon/api.ts";
import { METHODS, isMethodName } from "../../src/daemon/api-contract.ts";
import { checkArgs } from "../../src/daemon/api-schema.ts";
import { brief } from "../../src/daemon/api-status.ts";
import type { JsonObject } from "../../src/ubus/blobmsg-json.ts";
import { SAMPLE_STATUS } from "../../scripts/ubus-docs-samples.ts";

export interface SampleApi extends Pick<VrrpApi, "call"> {
  /** Every call that passed the contract's check, in order. */
  readonly calls: { method: string; args: JsonObject }[];
}

const ok = (data: JsonObject): ApiReply => ({ status: "ok", data });

function status(args: JsonObject): ApiReply {
  const only = typeof args["instance"] === "string" ? args["instance"] : undefined;
  const entries = Object.entries(SAMPLE_STATUS.instances).filter(([name]) => only === undefined || name === only);
  if (entries.length === 0) return { status: "not_found", message: `no instance named "${only ?? ""}"`, field: "instance" };
  const instances = Object.fromEntries(entries.map(([name, i]) => [name, args["brief"] === true ? brief(i) : i]));
  return ok({ ...SAMPLE_STATUS, instances } as JsonObject);
}

export function sampleApi(): SampleApi {
  const calls: SampleApi["calls"] = [];
  return {
    calls,
    call(method, input) {
      if (!isMethodName(method)) return Promise.resolve({ status: "method_not_found", message: `no method "${method}"` });
      const checked = checkArgs(METHODS[method].args, input);
      if (!checked.ok) return Promise.resolve({ status: "invalid_argument", message: checked.error.message, field: checked.error.field });
      const args = checked.args as JsonObject;
      calls.push({ method, args });
      const instance = String(args["instance"] ?? "lan");
      switch (method) {
        case "status":
          return Promise.resolve(status(args));
        case "switchover":
          return Promise.resolve(ok({ instance, state: "backup", hold_off: args["hold_off"] ?? null }));
        case "set_priority": {
          const p = typeof args["priority"] === "number" ? args["priority"] : null;
          return Promise.resolve(ok({ instance, priority: 150, priority_override: p, effective_priority: p ?? 150, state: "master" }));
        }
        case "reload":
          return Promise.resolve(ok({ config: SAMPLE_STATUS.config }));
        case "reset_counters":
          return Promise.resolve(ok({ instances: [instance] }));
        case "handoff":
          return Promise.resolve(ok({ masters: ["lan"], within: Number(args["within"] ?? 60) }));
        case "test_mail":
          return Promise.resolve(ok({ sent: true, recipients: ["ops@example.com"] }));
      }
    },
  };
}
