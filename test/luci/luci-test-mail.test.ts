// The Instances page's "Send a test mail" button against the real daemon, through what a router puts between them
// (uhttpd's /ubus, rpcd's session ACL with the app's acl.d file, ubusd), to a real SMTP server in the test: the
// mail arrives, a refusal shows the server's own words, and who may press it is the ACL's call: the app's write
// grant may, its read grant may not.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { MailSettings } from "../../src/config/model.ts";
import { VrrpUbusObject } from "../../src/daemon/ubus-object.ts";
import { UbusConnection } from "../../src/ubus/connection.ts";
import { lanInstances, quiet, startTestDaemon, type TestDaemon } from "../daemon/api-fixture.ts";
import { SmtpLab } from "../daemon/mail/smtp-lab.ts";
import { routerConfig } from "./fixtures.ts";
import { OPERATOR, VIEWER, startLuciStack, type LuciStack } from "./luci-stack.ts";
import { FakeUci, createLuciEnv, type FormMap, type FormOption } from "./luci-vm.ts";
import type { RpcdLogin } from "./rpcd-session.ts";

describe("Send a test mail: LuCI → uhttpd → rpcd ACL → ubusd → vrrpd → SMTP", () => {
  let dir: string;
  let stack: LuciStack;
  let daemon: TestDaemon;
  let bus: UbusConnection;
  let lab: SmtpLab;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "vrrpd-luci-mail-"));
    stack = await startLuciStack(dir);
    lab = new SmtpLab();
    const port = await lab.listen();
    daemon = await startTestDaemon({ instances: lanInstances(1, 200) });
    // The configuration the daemon runs with: what Save & Apply put there (a reload), not what a form shows.
    const settings: MailSettings = { recipients: ["ops@example.com"], server: { host: "127.0.0.1", port }, connectTimeoutMs: 2000, starttls: false, noEmailFaults: false };
    daemon.current = { ...daemon.current, mail: { settings, routerId: "gw-a", instances: [], groups: {} } };
    assert.equal((await daemon.api.call("reload", {})).status, "ok");
    bus = new UbusConnection({ socketPaths: [stack.socket], backoffInitialMs: 50 });
    new VrrpUbusObject(bus, daemon.api, quiet, { procdEvents: false });
    bus.start();
    assert.ok(await bus.whenReady(2000), "the daemon registered vrrp");
  });
  after(async () => {
    bus.stop();
    await daemon.stop();
    await lab.close();
    await stack.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The Instances page of a LuCI session of `login`, and its test-mail button. */
  async function button(login: RpcdLogin) {
    const env = createLuciEnv(new FakeUci(routerConfig()));
    env.ubus = (body) => stack.uhttpd.post(body);
    env.sessionId = await stack.login(login);
    const v = Object.create(env.load("view/vrrp/instances") as object) as { load(): Promise<unknown>; render(): Promise<unknown>; map: FormMap };
    await v.load();
    await v.render();
    const b: FormOption | undefined = v.map.sections[0]?.options.find((o) => o.widget === "Button");
    assert.ok(b, "the Notifications tab has the button");
    return { env, press: () => (b["onclick"] as (ev: unknown, sid: string) => Promise<boolean>)(null, "globals") };
  }
  const call = async (login: RpcdLogin, method: string): Promise<unknown> =>
    JSON.parse(await stack.uhttpd.post(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "call", params: [await stack.login(login), "vrrp", method, {}] }))) as unknown;

  test("the app's write grant: the mail goes out and the page says to whom", async () => {
    const { env, press } = await button(OPERATOR);
    lab.mode = "accept";
    assert.equal(await press(), true);
    const [mail] = await lab.waitForMails(1);
    assert.equal(mail?.headers.get("subject"), "[gw-a] VRRP test mail");
    assert.deepEqual(mail?.to, ["ops@example.com"]);
    assert.deepEqual(env.record.notifications, [{ text: "Test mail sent to ops@example.com.", cls: "info" }]);
  });

  test("a server that refuses the mail: the page shows its answer", async () => {
    const { env, press } = await button(OPERATOR);
    lab.mode = "reject";
    assert.equal(await press(), false);
    const shown = env.record.notifications[0];
    assert.equal(shown?.cls, "danger");
    assert.match(shown?.text ?? "", /^Test mail not sent: .*550 mailbox unavailable/, shown?.text);
  });

  test("the app's read grant only: rpcd refuses test_mail (it sends a mail: an action, as switchover and reload)", async () => {
    const before = lab.connections;
    assert.deepEqual(await call(VIEWER, "test_mail"), { jsonrpc: "2.0", id: 1, error: { code: -32002, message: "Access denied" } });
    const { env, press } = await button(VIEWER);
    assert.equal(await press(), false);
    assert.match(env.record.notifications[0]?.text ?? "", /^Test mail not sent: permission denied$/);
    assert.equal(lab.connections, before, "nothing reached the mail server");
  });
});
