// The rpcd `session` stand-in (rpcd-session.ts) held to rpcd's session.c: who gets which grants from the acl.d
// files a router with luci-app-vrrp has, how `access` matches, and fnmatch() as rpcd calls it.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { fnmatch } from "./fnmatch.ts";
import { OPERATOR, OUTSIDER, VIEWER, routerAclFiles } from "./luci-stack.ts";
import { DEFAULT_SESSION_ID, ROOT_LOGIN, RpcdSessions, loginPermits } from "./rpcd-session.ts";

describe("fnmatch as rpcd calls it", () => {
  test("*, ?, sets, ranges, negation; a backslash quotes unless FNM_NOESCAPE", () => {
    const yes: [string, string][] = [["*", "vrrp"], ["*", "a/b"], ["luci-*", "luci-app-vrrp"], ["v?rp", "vrrp"], ["[uv]rrp", "vrrp"], ["[a-w]rrp", "vrrp"], ["[!x]rrp", "vrrp"], ["[]]", "]"], ["a[", "a["], ["\\*", "*"]];
    const no: [string, string][] = [["luci-*", "vrrpd"], ["v?rp", "vrp"], ["[!v]rrp", "vrrp"], ["status", "statuses"], ["\\*", "x"]];
    for (const [p, s] of yes) assert.ok(fnmatch(p, s), `${p} ~ ${s}`);
    for (const [p, s] of no) assert.ok(!fnmatch(p, s), `${p} !~ ${s}`);
    assert.ok(fnmatch("a\\b", "a\\b", { noescape: true }));
    assert.ok(!fnmatch("a\\b", "a\\b"));
  });
});

describe("logins and their grants (rpc_login_test_permission, rpc_login_setup_acl_file)", () => {
  test("write implies read; a '!' pattern denies first; the default session only gets 'unauthenticated'", () => {
    assert.ok(loginPermits(OPERATOR, "read", "luci-app-vrrp"));
    assert.ok(!loginPermits(VIEWER, "write", "luci-app-vrrp"));
    const most = { username: "u", password: "p", read: ["*", "!luci-app-*"], write: [] };
    assert.ok(loginPermits(most, "read", "vrrpd"));
    assert.ok(!loginPermits(most, "read", "luci-app-vrrp"));
    assert.ok(loginPermits(undefined, "read", "unauthenticated"));
    assert.ok(!loginPermits(undefined, "read", "luci-app-vrrp"));
  });

  test("the router's ACL files: who may call which vrrp method", () => {
    const rpcd = new RpcdSessions(routerAclFiles(), [ROOT_LOGIN, VIEWER, OPERATOR, OUTSIDER]);
    const methods = ["status", "switchover", "set_priority", "reload", "reset_counters"];
    const may = (login: { username: string; password: string }): string[] => {
      const s = rpcd.login(login.username, login.password);
      assert.ok(s, login.username);
      return methods.filter((m) => s.allowed("ubus", "vrrp", m));
    };
    assert.deepEqual(may(ROOT_LOGIN), methods, "root: the app's and the daemon package's ACL");
    assert.deepEqual(may(VIEWER), ["status"]);
    assert.deepEqual(may(OPERATOR), ["status", "switchover", "set_priority", "reload"], "the app's ACL has no reset_counters");
    assert.deepEqual(may(OUTSIDER), []);
    assert.equal(rpcd.login("root", "wrong"), undefined);
    const anonymous = rpcd.sessions.get(DEFAULT_SESSION_ID);
    assert.deepEqual(anonymous?.dumpAcls(), { "access-group": { unauthenticated: ["read"] }, ubus: { session: ["access", "login"] } });
  });

  test("the access-group scope LuCI reads to tell a read-only login, and uci grants in array notation", () => {
    const rpcd = new RpcdSessions(routerAclFiles(), [VIEWER, OPERATOR]);
    assert.deepEqual(rpcd.login("viewer", "viewer")?.dumpAcls(), {
      "access-group": { "luci-app-vrrp": ["read"] },
      ubus: { vrrp: ["status"] },
      uci: { dhcp: ["read"], network: ["read"], vrrp: ["read"] },
    });
    assert.deepEqual(rpcd.login("operator", "operator")?.dumpAcls()["access-group"], { "luci-app-vrrp": ["read", "write"] });
  });
});
