// When node's spawn() throws instead of emitting "error" (it does for a child that cannot switch to script_user,
// e.g. without CAP_SETUID: unit-privileges.test.ts shows it in a namespace), a script run must end as a failed
// run with the reason, not reject: a rejection crashed the daemon (unhandled) and left the instance's notify
// queue rejected for good. Here the throw comes from a NUL byte in the file name, which needs no privileges.
import assert from "node:assert/strict";
import { test } from "node:test";
import { runProcess } from "../../src/daemon/run-process.ts";

test("a spawn that throws is a failed run with the reason", async () => {
  const result = await runProcess({ file: "/bin/true\0", args: [], shell: false }, { timeoutMs: 5000 });
  assert.equal(result.ok, false);
  assert.equal(result.exitCode, null);
  assert.match(result.spawnError ?? "", /ERR_INVALID_ARG_VALUE|null bytes/);
});
