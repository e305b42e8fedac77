// track_script `type 'tcp'` and `type 'process'` in the real daemon, end to end like the http, ping and file
// trackers (tracker-handover.ts): a listener in the client namespace, a process on the host.
import { copyFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { CLIENT_IPV4, cleanupAllLabs, withLab } from "./gateway-lab.ts";
import { handsOverAndBack, healthServer } from "./tracker-handover.ts";

const PORT = 8081;
/** A name no other process has: /proc/PID/comm of a copy of sleep(1) (15 characters at most). */
const PROCESS_NAME = "vrrpd-e2e-proc";

describe("native tcp and process trackers", () => {
  after(cleanupAllLabs);

  test("tcp: the listener stops, r1 hands over; it listens again, r1 takes the VIP back after rise", { timeout: 90_000 }, (t) =>
    withLab(t, (gw) =>
      handsOverAndBack(
        gw,
        { name: "svc", options: ["\toption type 'tcp'", `\tlist host '${CLIENT_IPV4}'`, `\toption port '${PORT}'`], intervalS: 0.2, rise: 2, downReason: /.*ECONNREFUSED/ },
        healthServer(PORT),
      ),
    ),
  );

  test("process: the process dies, r1 hands over; it runs again, r1 takes the VIP back after rise", { timeout: 90_000 }, (t) =>
    withLab(t, (gw) =>
      handsOverAndBack(gw, { name: "svc", options: ["\toption type 'process'", `\toption process_name '${PROCESS_NAME}'`], intervalS: 0.2, rise: 2, downReason: /.*/ }, (lab) => {
        const binary = join(lab.dir, PROCESS_NAME);
        copyFileSync("/bin/sleep", binary);
        return Promise.resolve(lab.spawn(PROCESS_NAME, lab.ns.client, [binary, "600"]));
      }),
    ),
  );
});
