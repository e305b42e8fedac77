// `vrrpd status|switchover|set-priority|reset-counters|reload` against a real control socket, plus the table
// rendering on its own.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { statusSchema } from "../../src/daemon/api-contract-status.ts";
import { conform } from "../../src/daemon/api-schema.ts";
import { startControlSocket, type ControlSocket } from "../../src/daemon/control-socket.ts";
import { EXIT, parseControlArgs, runControlCommand } from "../../src/daemon/status-cli.ts";
import { formatAge, renderStatus } from "../../src/daemon/status-table.ts";
import { SAMPLE_STATUS } from "../../scripts/ubus-docs-samples.ts";
import { lanInstances, quiet, startTestDaemon, until, type TestDaemon } from "./api-fixture.ts";

describe("vrrpd control commands", () => {
  let dir: string;
  let daemon: TestDaemon;
  let control: ControlSocket;

  const run = async (...argv: string[]): Promise<{ code: number; out: string; err: string }> => {
    let out = "";
    let err = "";
    const code = await runControlCommand(argv, { socketPath: control.path, stdout: { write: (t: string) => (out += t) }, stderr: { write: (t: string) => (err += t) } });
    return { code, out, err };
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "vrrpd-cli-"));
    daemon = await startTestDaemon({ instances: lanInstances(1, 200, { tracks: [{ id: "interface:eth0", weight: 0, reverse: false }] }), logical: { lan: "lan" } });
    await until("master", () => daemon.runtime.status().instances[0]?.state === "master");
    control = await startControlSocket(daemon.api, quiet, { path: join(dir, "control.sock") });
  });
  after(async () => {
    await control.close();
    await daemon.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("status: a table with the state badge, priorities, master, VIPs, device, last transition and counters", async () => {
    const { code, out, err } = await run("status");
    assert.equal(code, EXIT.ok, err);
    const lines = out.split("\n");
    assert.match(lines[0] ?? "", /^vrrpd 0\.1\.0-test, pid 4242, up \d+s; config \/etc\/config\/vrrp loaded \d+s ago, 0 warning\(s\)/);
    const header = lines.find((l) => l.startsWith("INSTANCE"));
    assert.ok(header);
    assert.deepEqual(header.split(/\s{2,}/), ["INSTANCE", "STATE", "PRIO", "MASTER", "DEVICE", "VIPS", "LAST TRANSITION", "ADV TX/RX", "MASTER +/-", "ERRORS"]);
    const row = lines.find((l) => l.startsWith("lan "))?.split(/\s{2,}/) ?? [];
    assert.deepEqual(row.slice(0, 6), ["lan", "[MASTER]", "200/200", "192.0.2.1", "eth0 (lan)", "198.51.100.1/24"]);
    assert.match(row[6] ?? "", /^backup>master master-down-timer \d+s ago$/);
    assert.match(row[7] ?? "", /^\d+\/0$/);
    assert.equal(row[8], "1/0");
    assert.equal(row[9], "0");
    assert.ok(lines.includes("mail: off"), out);
  });

  it("status --json [INSTANCE]: the contract's reply", async () => {
    const all = await run("status", "--json");
    assert.equal(all.code, EXIT.ok);
    assert.deepEqual(conform(statusSchema, JSON.parse(all.out)), []);
    const one = await run("status", "lan", "--json");
    assert.deepEqual(Object.keys((JSON.parse(one.out) as { instances: object }).instances), ["lan"]);
    const missing = await run("status", "wan");
    assert.equal(missing.code, EXIT.refused);
    assert.match(missing.err, /no instance named "wan" \(not_found\)/);
  });

  it("set-priority, reset-counters, reload, switchover", async () => {
    let r = await run("set-priority", "lan", "150");
    assert.equal(r.code, EXIT.ok, r.err);
    assert.match(r.out, /^lan: override 150; priority 200, effective 150, master\n$/);
    r = await run("status");
    assert.match(r.out, /200\/150o/);
    assert.match(r.out, /lan: priority 200 -> 150: override 150/);
    r = await run("set-priority", "lan", "none");
    assert.match(r.out, /override cleared; priority 200, effective 200/);
    r = await run("set-priority", "lan", "0");
    assert.equal(r.code, EXIT.refused);
    assert.match(r.err, /invalid argument "priority"/);
    assert.equal((await run("reset-counters")).out, "counters reset: lan\n");
    assert.equal((await run("reload")).out, "reloaded /etc/config/vrrp (1 warning(s))\n");
    daemon.failReload = "bad vrid";
    r = await run("reload");
    assert.equal(r.code, EXIT.refused);
    assert.match(r.err, /reload: reload refused, previous configuration kept: bad vrid \(unknown_error\)/);
    assert.match((await run("status")).out, /last reload FAILED \d+s ago, previous config kept: bad vrid/);
    daemon.failReload = undefined;
    r = await run("switchover", "lan", "--hold-off", "0");
    assert.equal(r.code, EXIT.ok, r.err);
    assert.equal(r.out, "lan: switched over, now backup; not preempting back for 0 s\n");
    await until("master again", () => daemon.runtime.status().instances[0]?.state === "master");
    r = await run("switchover", "lan", "--hold-off=0");
    assert.equal(r.code, EXIT.ok, r.err);
    await until("master again", () => daemon.runtime.status().instances[0]?.state === "master");
  });

  it("usage errors exit 2 with the usage text; an absent daemon exits 3", async () => {
    for (const argv of [[], ["frobnicate"], ["switchover"], ["switchover", "lan", "--hold-off", "soon"], ["switchover", "lan", "--hold-off"], ["set-priority", "lan"], ["set-priority", "lan", "high"], ["status", "--yaml"], ["status", "a", "b"], ["reload", "now"]]) {
      const r = await run(...argv);
      assert.equal(r.code, EXIT.usage, argv.join(" "));
      assert.match(r.err, /usage:/);
    }
    let err = "";
    const code = await runControlCommand(["status"], { socketPath: join(dir, "absent.sock"), stdout: { write: () => true }, stderr: { write: (t: string) => (err += t) } });
    assert.equal(code, EXIT.unreachable);
    assert.match(err, /cannot reach vrrpd/);
  });

  it("parses arguments into API requests", () => {
    assert.deepEqual(parseControlArgs(["switchover", "wan", "--hold-off", "300"]), { method: "switchover", args: { instance: "wan", hold_off: 300 }, json: false });
    assert.deepEqual(parseControlArgs(["set-priority", "wan", "none"]), { method: "set_priority", args: { instance: "wan", priority: null }, json: false });
    assert.deepEqual(parseControlArgs(["status", "--json"]), { method: "status", args: {}, json: true });
    assert.deepEqual(parseControlArgs(["handoff"]), { method: "handoff", args: {}, json: false });
    assert.deepEqual(parseControlArgs(["handoff", "--within=120"]), { method: "handoff", args: { within: 120 }, json: false });
    assert.throws(() => parseControlArgs(["handoff", "--within", "soon"]), /--within wants whole seconds/);
    assert.throws(() => parseControlArgs(["handoff", "--hold-off", "3"]), /unknown option --hold-off for handoff/);
  });
});

describe("status table", () => {
  it("formats ages", () => {
    assert.deepEqual([0, 59, 61, 3599, 3600, 86399, 90000].map(formatAge), ["0s", "59s", "1m01s", "59m59s", "1h00m", "23h59m", "1d01h"]);
  });

  it("explains adjusted priorities, faults, sync groups and a failed reload", () => {
    const s = structuredClone(SAMPLE_STATUS);
    const out = renderStatus({
      ...s,
      instances: { ...s.instances, wan: { ...s.instances.wan, state: "fault", fault_reason: "track-fault", priority_override: 120 } },
      sync_groups: { g: { state: "mixed", members: ["lan", "wan"] } },
      config: { ...s.config, last_reload_error: { at: s.time - 30, message: "wan: vrid 300 out of range" } },
    });
    assert.match(out, /wan +\[FAULT\] +150\/100o\*/);
    assert.match(out, /wan: priority 150 -> 100: override 120, script:chk_uplink down \(-50\)/);
    assert.match(out, /wan: fault: track-fault/);
    assert.match(out, /sync group g: mixed \(lan, wan\)/);
    assert.match(out, /last reload FAILED 30s ago, previous config kept: wan: vrid 300 out of range/);
    assert.match(renderStatus({ ...SAMPLE_STATUS, instances: {} }), /no instances configured/);
  });

  it("explains a tracked file's effect by its value", () => {
    const s = structuredClone(SAMPLE_STATUS);
    const load = { id: "script:load", type: "script", name: "load", state: "up", weight: -10, reverse: false, delta: -60, fault: false, value: 6 };
    const out = renderStatus({ ...s, instances: { ...s.instances, wan: { ...s.instances.wan, effective_priority: 90, tracked: [load] } } });
    assert.match(out, /wan: priority 150 -> 90: script:load value 6 \(-60\)/);
  });

  it("a mail line: on or off, the counters and the last error with its age", () => {
    const s = structuredClone(SAMPLE_STATUS);
    const line = (mail: object): string[] => renderStatus({ ...s, mail: { ...s.mail, ...mail } }).split("\n").filter((l) => l.startsWith("mail:"));
    assert.deepEqual(line({ last_error_at: s.time - 125 }), ["mail: on; sent 3, failed attempts 2, dropped 0, queued 0; last error 2m05s ago: connect ECONNREFUSED 192.0.2.25:25"]);
    const fresh = { sent: 0, failed_attempts: 0, dropped: 0, queued: 0, last_error: null, last_error_at: null };
    assert.deepEqual(line({ ...fresh, enabled: true }), ["mail: on; sent 0, failed attempts 0, dropped 0, queued 0"]);
    assert.deepEqual(line({ ...fresh, enabled: false }), ["mail: off"]);
    // Turned off by a reload: what it counted stays visible.
    assert.deepEqual(line({ ...fresh, enabled: false, sent: 1, dropped: 2 }), ["mail: off; sent 1, failed attempts 0, dropped 2, queued 0"]);
    const { mail: _omitted, ...older } = s;
    assert.doesNotMatch(renderStatus(older), /^mail:/m, "a reply without mail counters has no mail line");
  });
});
