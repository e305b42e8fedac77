// The Debian package, for real: built with dpkg-deb for amd64 and arm64, checked by lintian, installed with
// dpkg -i on this machine (the architecture it runs), its unit verified by systemd-analyze, its CLI run, then
// removed (the configuration stays, a conffile) and purged (everything goes). Needs root and Debian's tools:
// skipped loudly elsewhere, failed under CI=true. Refuses to touch a vrrpd package or /etc/vrrpd it did not install.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it, type TestContext } from "node:test";
import { fileURLToPath } from "node:url";
import { buildDebs, DEB_ARCHES, DEB_UNIT_PATH } from "../../scripts/package/deb.ts";
import { defaultCacheDir } from "../../scripts/package/koffi.ts";
import { assertLoadsMailModuleLazily, sendThroughMailModule } from "../package/mail-module.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const out = mkdtempSync(join(tmpdir(), "vrrpd-deb-"));
after(() => rmSync(out, { recursive: true, force: true }));

function sh(command: string, args: readonly string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(command, args, { encoding: "utf8", timeout: 300_000, env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
  return { code: r.status, stdout: r.stdout ?? "", stderr: (r.stderr ?? "") + (r.error?.message ?? "") };
}

function missing(): string | undefined {
  if (process.getuid?.() !== 0) return "not root";
  for (const tool of ["dpkg", "dpkg-deb", "lintian", "systemd-analyze", "deb-systemd-helper"]) {
    if (sh("sh", ["-c", `command -v ${tool}`]).code !== 0) return `${tool} is not installed`;
  }
  return undefined;
}

function skipWithoutDebian(t: TestContext): boolean {
  const reason = missing();
  if (reason === undefined) return false;
  if (process.env.CI === "true") assert.fail(`the Debian package test cannot run under CI=true: ${reason}`);
  console.error(`\n!!! SKIPPING ${t.name}: ${reason}. Run as root on Debian with lintian and systemd to test the .deb. !!!\n`);
  t.skip(reason);
  return true;
}

describe("the Debian package", () => {
  it("builds for amd64 and arm64, lintian-clean, each with its CPU's glibc koffi addon", async (t) => {
    if (skipWithoutDebian(t)) return;
    const files = await buildDebs({ root: ROOT, outDir: out, cacheDir: defaultCacheDir(ROOT), log: () => undefined });
    assert.deepEqual(files, DEB_ARCHES.map((a) => `vrrpd_0.1.0-1_${a.deb}.deb`));
    for (const arch of DEB_ARCHES) {
      const deb = join(out, `vrrpd_0.1.0-1_${arch.deb}.deb`);
      const field = (name: string): string => sh("dpkg-deb", ["-f", deb, name]).stdout.trim();
      assert.equal(field("Architecture"), arch.deb);
      assert.match(field("Depends"), /^nodejs \(>= 20\), libc6 \(>= 2\.\d+\), libgcc-s1, libstdc\+\+6$/);
      const listing = sh("dpkg-deb", ["-c", deb]).stdout;
      assert.match(listing, new RegExp(`\\./usr/lib/vrrpd/node_modules/@koromix/koffi-linux-${arch.cpu}/linux_${arch.cpu}/koffi\\.node`));
      assert.doesNotMatch(listing, /musl_/);
      for (const path of ["usr/sbin/vrrpd", "usr/lib/vrrpd/vrrpd.js", "usr/lib/vrrpd/vrrpd-mail.js", DEB_UNIT_PATH, "etc/vrrpd/vrrp", "usr/share/man/man8/vrrpd.8.gz"]) assert.ok(listing.includes(`./${path}\n`), path);
      assert.equal(sh("dpkg-deb", ["-I", deb, "conffiles"]).stdout, "/etc/vrrpd/vrrp\n");
      const lint = sh("lintian", [deb]);
      const tags = lint.stdout.split("\n").filter((l) => /^[EWI]: /.test(l));
      assert.deepEqual(tags, [], lint.stdout);
      assert.equal(lint.code, 0, lint.stdout + lint.stderr);
    }
  });

  it("installs, passes check-config and systemd-analyze verify, is enabled for the next boot; removes and purges", async (t) => {
    if (skipWithoutDebian(t)) return;
    const native = sh("dpkg", ["--print-architecture"]).stdout.trim();
    const deb = join(out, `vrrpd_0.1.0-1_${native}.deb`);
    if (!existsSync(deb)) assert.fail(`no package for this machine's architecture ${native}`);
    assert.notEqual(sh("dpkg-query", ["-W", "-f", "${Status}", "vrrpd"]).stdout, "install ok installed", "a vrrpd package is already installed: not touching it");
    assert.ok(!existsSync("/etc/vrrpd"), "/etc/vrrpd exists: not touching it");
    const wants = "/etc/systemd/system/multi-user.target.wants/vrrpd.service";
    try {
      const install = sh("dpkg", ["-i", deb]);
      assert.equal(install.code, 0, install.stdout + install.stderr);
      const check = sh("vrrpd", ["check-config"]);
      assert.equal(check.code, 0, check.stdout + check.stderr);
      assert.match(check.stdout, /^\/etc\/vrrpd\/vrrp: 0 error\(s\), 0 warning\(s\), 1 instance\(s\)$/m);
      assert.equal(sh("vrrpd", ["--help"]).code, 0);
      assertLoadsMailModuleLazily("/usr/lib/vrrpd/vrrpd.js");
      await sendThroughMailModule("/usr/lib/vrrpd/vrrpd-mail.js");
      // Unlike the repository's copy, the installed unit finds /usr/sbin/vrrpd and man:vrrpd(8): a full verify.
      const verify = sh("systemd-analyze", ["verify", `/${DEB_UNIT_PATH}`]);
      assert.equal(verify.code, 0, verify.stderr);
      assert.equal(verify.stderr.trim(), "");
      assert.ok(existsSync(wants), "postinst enables the unit for the next boot");
      assert.match(sh("man", ["-w", "vrrpd"]).stdout, /vrrpd\.8\.gz/);

      const remove = sh("dpkg", ["-r", "vrrpd"]);
      assert.equal(remove.code, 0, remove.stderr);
      assert.ok(!existsSync("/usr/sbin/vrrpd"));
      assert.ok(existsSync("/etc/vrrpd/vrrp"), "a removal keeps the configuration");
      const purge = sh("dpkg", ["-P", "vrrpd"]);
      assert.equal(purge.code, 0, purge.stderr);
      assert.ok(!existsSync("/etc/vrrpd/vrrp"), "a purge deletes the configuration");
      assert.ok(!existsSync(wants), "a purge forgets the enable state");
    } finally {
      sh("dpkg", ["-P", "vrrpd"]);
    }
  });
});
