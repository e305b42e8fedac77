// Default paths: OpenWrt's on a router (recognised by /etc/openwrt_release), /etc/vrrpd/ on other Linux.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { LINUX_PLATFORM_PATHS, OPENWRT_PLATFORM_PATHS, OPENWRT_RELEASE_FILE, platformPaths } from "../../src/daemon/paths.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

describe("platform paths", () => {
  it("a router (with /etc/openwrt_release) keeps OpenWrt's paths", () => {
    const paths = platformPaths((p) => p === OPENWRT_RELEASE_FILE);
    assert.equal(paths.config, "/etc/config/vrrp");
    assert.equal(paths.hotplugDir, "/etc/hotplug.d/vrrp");
    assert.equal(paths.userHook, "/etc/vrrp.user");
    assert.equal(paths.controlSocket, "/run/vrrpd/control.sock");
  });

  it("any other Linux keeps everything under /etc/vrrpd and the socket in /run/vrrpd", () => {
    const paths = platformPaths(() => false);
    assert.deepEqual(
      { config: paths.config, hotplugDir: paths.hotplugDir, userHook: paths.userHook, controlSocket: paths.controlSocket },
      { config: "/etc/vrrpd/vrrp", hotplugDir: "/etc/vrrpd/hotplug.d", userHook: "/etc/vrrpd/vrrp.user", controlSocket: "/run/vrrpd/control.sock" },
    );
  });

  it("vrrpd check-config without -c reads this machine's default", (t) => {
    const expected = existsSync(OPENWRT_RELEASE_FILE) ? OPENWRT_PLATFORM_PATHS.config : LINUX_PLATFORM_PATHS.config;
    if (existsSync(expected)) {
      t.skip(`${expected} exists here; the test wants to see the path in the "cannot read" error`);
      return;
    }
    const run = spawnSync(process.execPath, ["--import", "tsx", "src/daemon/main.ts", "check-config"], { cwd: ROOT, encoding: "utf8", timeout: 30_000 });
    assert.equal(run.status, 1);
    assert.match(run.stdout, new RegExp(`^${expected}: 1 error\\(s\\)`, "m"));
  });
});
