// track_script `type 'http'` in the real daemon: r1's check of an HTTP server in the client namespace fails when
// the server stops (weight -100: 150 → 50 < 100), r2 takes over; the server answers again and, after `rise`
// successes, r1 preempts back (tracker-handover.ts).
import { after, describe, test } from "node:test";
import { CLIENT_IPV4, cleanupAllLabs, withLab } from "./gateway-lab.ts";
import { handsOverAndBack, healthServer } from "./tracker-handover.ts";

const PORT = 8080;

describe("native http tracker", () => {
  after(cleanupAllLabs);

  test("the HTTP server stops: r1 hands over to r2; it answers again: r1 takes the VIP back after rise", { timeout: 90_000 }, (t) =>
    withLab(t, (gw) =>
      handsOverAndBack(
        gw,
        {
          name: "web",
          options: ["\toption type 'http'", `\toption url 'http://${CLIENT_IPV4}:${PORT}/health'`],
          intervalS: 0.2,
          rise: 3,
          // Refused, or reset when a check was in flight as the server died: either way the server is gone.
          downReason: /\(http:\/\/192\.0\.2\.100:8080\/health: .*(ECONNREFUSED|ECONNRESET)/,
        },
        healthServer(PORT),
      ),
    ),
  );
});
